"""The dispatcher under seeded faults: after every schedule, once the faults stop, every round
is terminal and both ledgers agree round by round. A failing seed is in the test id; rerun
it alone with `-k "seed_<n>"` and it replays exactly. `--sim-seeds N` runs more seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.dispatch.fault_sim import Simulation, check_invariants


def run_seed(seed: int, database_url: str, workdir: Path) -> None:
    sim = Simulation(seed, database_url, workdir)
    try:
        sessions = sim.setup()
        sim.play(sessions)
        sim.drain()
        check_invariants(sim)
    finally:
        sim.close()


def test_fault_schedules(sim_seed: int, database_url: str, tmp_path: Path) -> None:
    run_seed(sim_seed, database_url, tmp_path)
    shutil.rmtree(tmp_path, ignore_errors=True)
