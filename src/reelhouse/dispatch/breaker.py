"""Per-operator isolation: a bulkhead (cap on calls in flight) and a circuit breaker.

A dead operator's calls each hold a thread for a whole timeout. Without a cap they would take
every sender thread and every other operator would wait behind them; without a breaker every
new spin for that operator would wait out its own timeout too. Both are per process.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from enum import StrEnum

from reelhouse.domain.clock import Clock


class BreakerState(StrEnum):
    CLOSED = "closed"  # calls flow
    OPEN = "open"  # calls refused at once until the cool-down ends
    HALF_OPEN = "half_open"  # one probe call allowed; its result closes or re-opens


@dataclass(frozen=True)
class BreakerPolicy:
    failures_to_open: int = 5  # consecutive failed calls
    cool_down: dt.timedelta = dt.timedelta(seconds=30)
    max_in_flight: int = 16  # bulkhead: calls in flight per operator


@dataclass
class _OperatorGuard:
    in_flight: int = 0
    consecutive_failures: int = 0
    state: BreakerState = BreakerState.CLOSED
    opened_at: dt.datetime | None = None
    probe_in_flight: bool = False


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
        with self._lock:
            guard = self._guard(operator_id)
            self._maybe_half_open(guard)
            if guard.state is BreakerState.OPEN:
                return False
            if guard.state is BreakerState.HALF_OPEN:
                if guard.probe_in_flight:
                    return False
                guard.probe_in_flight = True
            if guard.in_flight >= self._policy.max_in_flight:
                guard.probe_in_flight = False
                return False
            guard.in_flight += 1
            return True

    def release(self, operator_id: int, *, succeeded: bool) -> None:
        """Return the slot; `succeeded` is False when the wallet could not be reached or
        answered garbage (a definite answer, even a refusal, is a living wallet)."""
        with self._lock:
            guard = self._guard(operator_id)
            assert guard.in_flight > 0, "release without acquire"
            guard.in_flight -= 1
            if guard.state is BreakerState.HALF_OPEN:
                guard.probe_in_flight = False
            if succeeded:
                guard.consecutive_failures = 0
                guard.state = BreakerState.CLOSED
                guard.opened_at = None
                return
            guard.consecutive_failures += 1
            if (
                guard.state is BreakerState.HALF_OPEN
                or guard.consecutive_failures >= self._policy.failures_to_open
            ):
                guard.state = BreakerState.OPEN
                guard.opened_at = self._clock.now()
