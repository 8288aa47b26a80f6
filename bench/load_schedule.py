"""The load generator's timetable: when each spin is offered, and to which player.

Open loop: the arrivals are fixed before the run (a constant offered rate, evenly spaced) and
each one is launched at its time whatever the earlier ones are doing, so an overloaded server
shows as latency and errors, never as a client that slows down to match it. Latency is
counted from an arrival's scheduled time, not from when its request left, so time an arrival
spent waiting (for a connection, or for its player's previous spin) is in it too.

A player never has two spins on the wire (a game client waits for its answer before the next
spin, and a server may rightly refuse a second one); an arrival for a busy player waits for
it inside its own task, which does not hold up the timetable.

Pure: the clock is injected, so tests drive it with a fake one.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Arrival:
    at_s: float  # seconds after the step starts
    player: int  # index into the step's players


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep_until(self, at_s: float) -> None: ...


class LoopClock:
    """The event loop's monotonic clock, seconds since `start`."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._zero = self._loop.time()

    def now(self) -> float:
        return self._loop.time() - self._zero

    async def sleep_until(self, at_s: float) -> None:
        delay = at_s - self.now()
        if delay > 0:
            await asyncio.sleep(delay)


def timetable(rate_per_s: float, duration_s: float, weights: Sequence[float]) -> list[Arrival]:
    """`rate_per_s * duration_s` arrivals evenly spaced, dealt to players in proportion to
    their weights and as evenly as that allows (smooth weighted round robin): a player of
    weight w spins about every 1 / (w * rate) seconds, never in a random burst, so two spins
    of one player meet only when the shape asks more of that player than a round takes."""
    assert rate_per_s > 0 and duration_s > 0 and weights and min(weights) >= 0
    count = round(rate_per_s * duration_s)
    total = math.fsum(weights)
    credit = [0.0] * len(weights)
    arrivals: list[Arrival] = []
    for k in range(count):
        for player, weight in enumerate(weights):
            credit[player] += weight
        chosen = max(range(len(weights)), key=credit.__getitem__)
        credit[chosen] -= total
        arrivals.append(Arrival(at_s=k / rate_per_s, player=chosen))
    return arrivals


Send = Callable[[Arrival], Awaitable[None]]


async def play(arrivals: Sequence[Arrival], clock: Clock, send: Send) -> list[asyncio.Task[None]]:
    """Launch every arrival at its time, never waiting for an answer; the tasks are returned
    for the caller to await (or cancel) once the timetable is through."""
    tasks: list[asyncio.Task[None]] = []
    for arrival in arrivals:
        await clock.sleep_until(arrival.at_s)
        tasks.append(asyncio.create_task(send(arrival)))
    return tasks


class PlayerTurns:
    """One lock per player: an arrival for a busy player waits for the spin before it."""

    def __init__(self, players: int) -> None:
        self._locks = [asyncio.Lock() for _ in range(players)]

    def of(self, player: int) -> asyncio.Lock:
        return self._locks[player]
