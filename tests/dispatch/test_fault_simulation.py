"""The dispatcher under seeded faults, in every wallet dialect: after every schedule, once the
faults stop, every round is terminal and both ledgers agree round by round. A failing case
(database, dialect, seed) is the test id; rerun it alone with
`-k "sqlite-igamingace-b-seed_<n>"` and it replays exactly. `--sim-seeds N` (SQLite) and
`--sim-seeds-pg N` (PostgreSQL) run more seeds; see tests/conftest.py for the split."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import fresh_database
from tests.dispatch.fault_sim import Simulation, check_invariants, schedule_for


def run_seed(
    seed: int, database_url: str, workdir: Path, dialect: str = "slotcity-v4"
) -> dict[str, object]:
    """Play the seed's schedule, drain, check; returns what is recorded for the seed."""
    schedule = schedule_for(seed)
    sim = Simulation(seed, database_url, workdir, dialect, schedule)
    try:
        sessions = sim.setup()
        sim.play(sessions)
        sim.drain()
        check_invariants(sim)
        return {
            "schedule": schedule.value,
            "breaker_openings": sim.breaker_openings,
            "spins_shut_out": sum(1 for code in sim.refusals if code == 3005),
        }
    finally:
        sim.close()


def test_fault_schedules(
    sim_case: tuple[str, str, int],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    backend, dialect, seed = sim_case
    recorded = run_seed(seed, fresh_database(request, backend, tmp_path), tmp_path, dialect)
    # Per seed, in the JUnit report (--junitxml): which schedule it played and whether the
    # breaker opened (only outage schedules may open it; check_invariants enforces that).
    for name, value in recorded.items():
        record_property(name, value)
    shutil.rmtree(tmp_path, ignore_errors=True)
