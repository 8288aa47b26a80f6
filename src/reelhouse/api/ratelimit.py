"""Per-operator request rate on the Main API and the facades: a token bucket per operator
(sustained `per_second`, `burst` above it), per process. The call past it is refused at once
with 1018, like a call past the in-flight cap: operators already back off on that code.

Time is a monotonic clock in seconds (injectable: tests drive it), not the platform's clock:
a rate is a property of the process, not of business time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from reelhouse.domain.limits import API_RATE_MAX_KEYS
from reelhouse.domain.throttle import TokenBuckets


class OperatorRateLimiter:
    def __init__(
        self, per_second: float, burst: int, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_second
        self._buckets: TokenBuckets[int] = TokenBuckets(burst, per_second, API_RATE_MAX_KEYS)
        self._now = now

    def allow(self, operator_id: int) -> bool:
        return self._buckets.take(operator_id, self._now())
