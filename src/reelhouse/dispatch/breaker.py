"""Per-operator isolation: a bulkhead (cap on calls in flight) and a circuit breaker.

A dead operator's calls each wait out a whole timeout. Without a cap they would take every
worker sender thread and every other operator would wait behind them, and a casino's wallet
would see no bound on what one Reelhouse process asks of it at once; without a breaker every
new spin for that operator would wait out its own timeout too. Both are per process.

A full bulkhead is not a refusal: a spin waits for a slot (the game API waits without a
thread, dispatch/sender.py), and only a breaker that is open refuses at once.

The breaker shuts out every player of the operator, so it opens only on evidence that the
wallet is down, never on a few slow answers:

- **Failure rate over a window, with a minimum volume**: at least `min_calls` calls ended in
  the last `window`, and at least `failure_ratio` of them without an answer (timeout, reset,
  5xx, garbage). Below the volume nothing opens it: with few players, a few slow answers are
  most of the recent calls, and each player waiting out their own timeout costs little.
- **Connection refusals**: `refusals_to_open` calls in a row (no answer between them) that
  found nothing listening: connection refused, the name does not resolve. A wallet that
  refuses connections is down, not slow, at any traffic.

A timeout alone (the wallet is slow, or busy) counts only towards the rate.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from reelhouse.domain.clock import Clock


class BreakerState(StrEnum):
    CLOSED = "closed"  # calls flow
    OPEN = "open"  # calls refused at once until the cool-down ends
    HALF_OPEN = "half_open"  # one probe call allowed; its result closes or re-opens


class SlotAnswer(StrEnum):
    """Why a call may or may not go on the wire now."""

    GRANTED = "granted"
    SHUT = "shut"  # the breaker is open (or its one probe is out): refuse at once
    FULL = "full"  # the bulkhead is full: wait for a slot, it frees when a call ends


class CallResult(StrEnum):
    """What one call tells the breaker about the wallet's health."""

    ANSWERED = "answered"  # a definite answer, even a refusal: the wallet is alive
    FAILED = "failed"  # no usable answer (timeout, reset, 5xx, garbage): maybe only slow
    UNREACHABLE = "unreachable"  # nothing listening (refused, name not resolved): down


@dataclass(frozen=True)
class BreakerPolicy:
    """When the breaker opens and for how long. The numbers, and why:

    - `window` 30 s and `min_calls` 20: a dead wallet behind 10 playing players fills the
      window (each spin's bet and its cancel fail), while 6-8 players with about one slow
      answer in ten stay far below the rate. At lower volume nothing opens: a lone
      player waits out their own timeouts, which is what the breaker would save.
    - `failure_ratio` 0.6: an outage fails nearly every call; a slow or flaky wallet fails a
      few in ten; a wallet whose win (or cancel) endpoint alone is broken fails about half
      (every bet answered, its win not), and its players can still play while the wins wait
      in the outbox for their retries. Three in five is clear of all but the outage.
    - `refusals_to_open` 3: one refused connection can be a wallet restarting or one bad
      node behind a balancer; three in a row with no answer between them mean nothing is
      listening.
    - `cool_down` 30 s, then one probe call: its answer closes the breaker, its failure
      opens it again for another cool-down.
    """

    window: dt.timedelta = dt.timedelta(seconds=30)
    min_calls: int = 20
    failure_ratio: float = 0.6
    refusals_to_open: int = 3
    cool_down: dt.timedelta = dt.timedelta(seconds=30)
    # Bulkhead: calls in flight per operator and process. Waiting for a wallet holds no
    # thread on the game API, so the cap protects the casino's wallet, not Reelhouse: it is
    # set well above what one healthy wallet answers at (a 150 ms wallet at 256 calls at once
    # takes over 800 rounds/s from one process), and spins beyond it queue for a slot.
    max_in_flight: int = 256


@dataclass
class _OperatorGuard:
    in_flight: int = 0
    # (when the call ended, whether it failed), oldest first, within the policy's window
    recent: deque[tuple[dt.datetime, bool]] = field(default_factory=deque)
    # How many of `recent` failed, kept as calls enter and leave the window: a busy operator
    # has thousands of calls in it, and the rate is asked under the lock at every call's end.
    failed_in_window: int = 0
    refusals_in_a_row: int = 0
    state: BreakerState = BreakerState.CLOSED
    opened_at: dt.datetime | None = None
    probe_in_flight: bool = False
    openings: int = 0  # how many times it opened in this process


class OperatorGuards:
    def __init__(self, clock: Clock, policy: BreakerPolicy | None = None) -> None:
        self._clock = clock
        self._policy = policy or BreakerPolicy()
        self._guards: dict[int, _OperatorGuard] = {}
        self._lock = threading.Lock()

    def _guard(self, operator_id: int) -> _OperatorGuard:
        return self._guards.setdefault(operator_id, _OperatorGuard())

    def state(self, operator_id: int) -> BreakerState:
        with self._lock:
            guard = self._guard(operator_id)
            self._maybe_half_open(guard)
            return guard.state

    def openings(self, operator_id: int) -> int:
        """How many times the operator's breaker opened in this process."""
        with self._lock:
            return self._guard(operator_id).openings

    def snapshot(self) -> dict[int, BreakerState]:
        """Every operator this process has called and its breaker state now (metrics)."""
        with self._lock:
            for guard in self._guards.values():
                self._maybe_half_open(guard)
            return {operator_id: guard.state for operator_id, guard in self._guards.items()}

    def _maybe_half_open(self, guard: _OperatorGuard) -> None:
        cooled = (
            guard.opened_at is not None
            and self._clock.now() - guard.opened_at >= self._policy.cool_down
        )
        if guard.state is BreakerState.OPEN and cooled:
            guard.state = BreakerState.HALF_OPEN

    def try_acquire(self, operator_id: int) -> bool:
        """A slot for one call, or False when the breaker is open or the bulkhead is full."""
        return self.ask_slot(operator_id) is SlotAnswer.GRANTED

    def ask_slot(self, operator_id: int) -> SlotAnswer:
        """A slot for one call (GRANTED, to be given back with `release`), or why not."""
        with self._lock:
            guard = self._guard(operator_id)
            self._maybe_half_open(guard)
            if guard.state is BreakerState.OPEN:
                return SlotAnswer.SHUT
            if guard.state is BreakerState.HALF_OPEN:
                if guard.probe_in_flight:
                    return SlotAnswer.SHUT
                guard.probe_in_flight = True
            if guard.in_flight >= self._policy.max_in_flight:
                guard.probe_in_flight = False
                return SlotAnswer.FULL
            guard.in_flight += 1
            return SlotAnswer.GRANTED

    def release(self, operator_id: int, result: CallResult) -> None:
        """Return the slot, with what the call showed of the wallet's health."""
        with self._lock:
            guard = self._guard(operator_id)
            assert guard.in_flight > 0, "release without acquire"
            guard.in_flight -= 1
            probe = guard.state is BreakerState.HALF_OPEN
            if probe:
                guard.probe_in_flight = False
            if result is CallResult.ANSWERED:
                guard.refusals_in_a_row = 0
                if probe:
                    self._close(guard)
                    return
            elif result is CallResult.UNREACHABLE:
                guard.refusals_in_a_row += 1
            if guard.state is BreakerState.OPEN:
                return  # a call that was in flight when it opened: the cool-down stands
            self._remember(guard, failed=result is not CallResult.ANSWERED)
            if (probe and result is not CallResult.ANSWERED) or self._outage(guard):
                guard.state = BreakerState.OPEN
                guard.opened_at = self._clock.now()
                guard.openings += 1

    def _close(self, guard: _OperatorGuard) -> None:
        """The probe was answered: the wallet is back. The failures that opened the breaker
        are forgotten, or the next slow answer would find the window still over the rate."""
        guard.state = BreakerState.CLOSED
        guard.opened_at = None
        guard.recent.clear()
        guard.failed_in_window = 0
        guard.refusals_in_a_row = 0

    def _remember(self, guard: _OperatorGuard, *, failed: bool) -> None:
        now = self._clock.now()
        guard.recent.append((now, failed))
        guard.failed_in_window += failed
        while guard.recent and now - guard.recent[0][0] > self._policy.window:
            _at, left_failed = guard.recent.popleft()
            guard.failed_in_window -= left_failed

    def _outage(self, guard: _OperatorGuard) -> bool:
        policy = self._policy
        if guard.refusals_in_a_row >= policy.refusals_to_open:
            return True
        calls = len(guard.recent)
        failed = guard.failed_in_window
        return calls >= policy.min_calls and failed >= policy.failure_ratio * calls
