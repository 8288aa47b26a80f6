"""Per-agent cap on Main API calls in flight (spec: the 51st gets 1018 at once, no queue).

The count is per process; a deployment running several API processes divides the cap
between them (docs/operations.md).
"""

from __future__ import annotations

import threading
from collections import defaultdict

from reelhouse.domain.limits import MAX_IN_FLIGHT_PER_AGENT


class InFlightLimiter:
    def __init__(self, capacity: int = MAX_IN_FLIGHT_PER_AGENT) -> None:
        self._capacity = capacity
        self._counts: defaultdict[int, int] = defaultdict(int)
        self._lock = threading.Lock()

    def try_acquire(self, agent_id: int) -> bool:
        with self._lock:
            if self._counts[agent_id] >= self._capacity:
                return False
            self._counts[agent_id] += 1
            return True

    def release(self, agent_id: int) -> None:
        with self._lock:
            assert self._counts[agent_id] > 0, "release without acquire"
            self._counts[agent_id] -= 1

    def in_flight(self, agent_id: int) -> int:
        with self._lock:
            return self._counts[agent_id]
