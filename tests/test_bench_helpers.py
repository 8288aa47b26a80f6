"""The load benchmark's pure helpers: the process layouts it picks, the crowd's cadence, the
goals it writes, and the /proc readings (no server, nothing timed)."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.load_goals import GOAL_KEYS, goals_of
from bench.load_sessions import CADENCE_S, FLOOR_SHARE, MAX_CADENCE_S, cadence_for
from bench.load_topology import scaled, single
from bench.proc_cpu import MachineCpu, tree_cpu_seconds, with_descendants

BOTH = frozenset({"--workers", "--no-dispatcher"})
NEITHER: frozenset[str] = frozenset()


def test_serve_forks_its_api_workers_where_it_can() -> None:
    layout = scaled(2, BOTH)
    assert layout.serve_args == (("--workers", "2", "--no-dispatcher"),)
    assert layout.workers == 2


def test_without_the_flags_two_serve_processes_share_the_players() -> None:
    layout = scaled(2, NEITHER)
    assert layout.serve_args == ((), ())
    assert layout.workers == 2


def test_one_process_runs_its_dispatcher_inside_where_serve_has_one() -> None:
    assert single(BOTH).workers == 0
    assert single(NEITHER).workers == 1
    assert single(BOTH).serve_args == single(NEITHER).serve_args == ((),)


def test_the_crowd_spins_at_autoplay_cadence_unless_the_floor_cannot_carry_it() -> None:
    assert cadence_for(2000, None) == CADENCE_S
    assert cadence_for(2000, 10_000) == CADENCE_S
    slower = cadence_for(2000, 100)
    assert slower > CADENCE_S
    assert 2000 / slower <= FLOOR_SHARE * 100 + 1  # offers about 70 % of the floor's maximum
    assert cadence_for(2000, 7) == MAX_CADENCE_S  # a noisy floor never stretches it further


def test_goals_name_every_goal_even_when_parts_did_not_run() -> None:
    goals = goals_of({"database": "sqlite", "scale_out": {"skipped": "PostgreSQL only"}})
    assert set(goals) == set(GOAL_KEYS)
    assert goals["rounds_per_s_ratio"] == [] and goals["many_sessions"] is None


def test_a_process_tree_cpu_counts_a_living_child() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in with_descendants([os.getpid()])
        assert tree_cpu_seconds([os.getpid()]) >= 0
    finally:
        child.kill()
        child.wait()
    before = MachineCpu.now()
    sum(range(200_000))
    assert 0.0 <= MachineCpu.now().busy_share_since(before) <= 1.0
