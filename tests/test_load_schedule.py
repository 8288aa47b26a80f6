"""The load benchmark's generator is open loop: every arrival is launched at its scheduled
time whether or not earlier spins were answered (a fake clock, no server, nothing timed)."""

from __future__ import annotations

import asyncio
import math

import pytest
from bench.load_schedule import Arrival, PlayerTurns, play, timetable
from bench.load_shapes import DOMINANT_SHARE, HOT_PLAYERS, HOT_SHARE, OPERATORS, weights
from bench.load_stats import percentile


class FakeClock:
    """Time moves only when the timetable sleeps; each sleep lets ready tasks run first, at
    the time before it moves."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep_until(self, at_s: float) -> None:
        await asyncio.sleep(0)
        self.t = max(self.t, at_s)


def test_the_timetable_offers_a_fixed_rate_evenly_spaced() -> None:
    arrivals = timetable(rate_per_s=50, duration_s=2, weights=[0.5, 0.25, 0.25, 0.0])
    assert len(arrivals) == 100
    assert [a.at_s for a in arrivals] == pytest.approx([k / 50 for k in range(100)])
    players = [a.player for a in arrivals]
    assert [players.count(p) for p in range(4)] == [50, 25, 25, 0]
    # Dealt evenly, not in bursts: every four spins in a row hold each share exactly.
    assert all(sorted(players[k : k + 4]) == [0, 0, 1, 2] for k in range(0, 100, 4))


def test_every_arrival_is_launched_on_time_though_none_is_ever_answered() -> None:
    arrivals = timetable(rate_per_s=100, duration_s=1, weights=[1.0] * 10)
    clock = FakeClock()
    started: list[float] = []
    never = asyncio.Event()

    async def send(_arrival: Arrival) -> None:
        started.append(clock.now())
        await never.wait()  # a server that never answers

    async def scenario() -> list[asyncio.Task[None]]:
        timetable_run = asyncio.create_task(play(arrivals, clock, send))
        # A closed-loop generator would wait on its first spin forever: bound the wait in
        # turns of the event loop, not in seconds.
        for _ in range(10 * len(arrivals)):
            if timetable_run.done():
                break
            await asyncio.sleep(0)
        assert timetable_run.done(), "the timetable waited for an answer"
        tasks = timetable_run.result()
        await asyncio.sleep(0)  # let the last one start
        assert not any(task.done() for task in tasks)
        for task in tasks:
            task.cancel()
        return tasks

    tasks = asyncio.run(scenario())
    assert len(tasks) == len(arrivals)
    assert started == pytest.approx([a.at_s for a in arrivals])
    assert clock.now() == pytest.approx(arrivals[-1].at_s)


def test_a_busy_player_holds_only_their_own_next_spin() -> None:
    async def scenario() -> tuple[bool, bool]:
        turns = PlayerTurns(2)
        await turns.of(0).acquire()  # player 0 has a spin on the wire
        return turns.of(0).locked(), turns.of(1).locked()

    assert asyncio.run(scenario()) == (True, False)


def test_the_skewed_shape_has_a_dominant_operator_and_a_few_hot_players() -> None:
    per_operator = 50
    skewed = weights("skewed", per_operator)
    even = weights("even", per_operator)
    assert len(skewed) == len(even) == OPERATORS * per_operator
    assert math.fsum(skewed) == pytest.approx(1) and math.fsum(even) == pytest.approx(1)
    assert math.fsum(skewed[:per_operator]) == pytest.approx(DOMINANT_SHARE)
    assert math.fsum(skewed[:HOT_PLAYERS]) == pytest.approx(HOT_SHARE)
    assert min(skewed[:HOT_PLAYERS]) > 10 * max(skewed[per_operator:])
    assert len(set(even)) == 1


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 1001)]
    assert percentile(values, 50) == 500
    assert percentile(values, 99.9) == 999
    assert percentile([], 99) is None
