"""The dispatcher under seeded faults, in every wallet dialect: after every schedule, once the
faults stop, every round is terminal and both ledgers agree round by round. A failing case
(database, dialect, seed) is the test id; rerun it alone with
`-k "sqlite-igamingace-b-seed_<n>"` and it replays exactly. `--sim-seeds N` (SQLite) and
`--sim-seeds-pg N` (PostgreSQL) run more seeds; see tests/conftest.py for the split."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.services import rounds
from reelhouse.store.models import WalletCall
from tests.conftest import fresh_database
from tests.dispatch.fault_sim import Simulation, check_invariants, schedule_for


@pytest.fixture(autouse=True)
def _no_real_wait_for_a_held_spin(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spin held by a call on the wire waits a moment of real time for it to end
    (services/rounds.py). The simulation runs one thing at a time on a fake clock: nothing
    can end that call while the spin waits, so the wait could only end in 3002, later."""
    monkeypatch.setattr(rounds, "HELD_WAIT_SECONDS", 0.0)


# Seeds played, at most, to find a bet the wallet held and applied after its cancel (about one
# seed in five has one).
SEEDS_TO_FIND_A_LATE_BET = 30


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


def test_held_then_applied_bets_are_reversed_by_the_second_cancel(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The schedules do hold bets, answer their cancel "not found" and then apply them: at
    least one of the first seeds has a bet that landed late and was reversed by its second
    cancel (zero drift for every seed is test_fault_schedules' job)."""
    for seed in range(SEEDS_TO_FIND_A_LATE_BET):
        workdir = tmp_path / str(seed)
        workdir.mkdir()
        sim = Simulation(seed, fresh_database(request, "sqlite", workdir), workdir)
        try:
            sim.play(sim.setup())
            sim.drain()
            check_invariants(sim)
            with sim.db.transaction() as session:
                cancels = session.scalars(select(WalletCall).where(WalletCall.kind == "cancel"))
                by_bet: dict[int | None, list[str]] = {}
                for cancel in sorted(cancels, key=lambda c: (c.created_at_utc, c.id)):
                    by_bet.setdefault(cancel.cancel_of_id, []).append(cancel.last_outcome)
        finally:
            sim.close()
        if ["not_found", "applied"] in by_bet.values():
            return
    raise AssertionError("no held bet was applied late and reversed")


# Seeds played to meet every fault of the upstream supplier at least once.
SEEDS_TO_MEET_THE_SUPPLIER_FAULTS = 12
SUPPLIER_EVENTS = (
    "win_paid",
    "rolled_back",
    "rollback_first",
    "lost_answer",
    "duplicate",
    "crash",
    "undelivered",
)


def test_the_upstream_supplier_meets_each_of_its_faults(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The relay's share of the schedules is not idle: over the first seeds, the supplier's
    bets are paid, rolled back, rolled back before they came, answered twice, answered into
    the void, and Reelhouse dies between the casino and the supplier and after answering
    (zero drift in the three ledgers for every seed is test_fault_schedules' job)."""
    seen: Counter[str] = Counter()
    for seed in range(SEEDS_TO_MEET_THE_SUPPLIER_FAULTS):
        workdir = tmp_path / str(seed)
        workdir.mkdir()
        sim = Simulation(seed, fresh_database(request, "sqlite", workdir), workdir)
        try:
            sim.play(sim.setup())
            sim.drain()
            check_invariants(sim)
            seen += sim.supplier.seen
        finally:
            sim.close()
        if all(seen[event] for event in SUPPLIER_EVENTS):
            return
    missing = [event for event in SUPPLIER_EVENTS if not seen[event]]
    raise AssertionError(f"never met in {SEEDS_TO_MEET_THE_SUPPLIER_FAULTS} seeds: {missing}")
