"""The dispatcher under seeded faults, in every wallet dialect: after every schedule, once the
faults stop, every round is terminal and both ledgers agree round by round. A failing case
(database, dialect, seed) is the test id; rerun it alone with
`-k "sqlite-igamingace-b-seed_<n>"` and it replays exactly. `--sim-seeds N` (SQLite) and
`--sim-seeds-pg N` (PostgreSQL) run more seeds; see tests/conftest.py for the split."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import fresh_database
from tests.dispatch.fault_sim import Simulation, check_invariants


def run_seed(seed: int, database_url: str, workdir: Path, dialect: str = "slotcity-v4") -> None:
    sim = Simulation(seed, database_url, workdir, dialect)
    try:
        sessions = sim.setup()
        sim.play(sessions)
        sim.drain()
        check_invariants(sim)
    finally:
        sim.close()


def test_fault_schedules(
    sim_case: tuple[str, str, int], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    backend, dialect, seed = sim_case
    run_seed(seed, fresh_database(request, backend, tmp_path), tmp_path, dialect)
    shutil.rmtree(tmp_path, ignore_errors=True)
