"""When a failed win or cancel is tried again.

First the dialect's documented quick cadence (SlotCity: 3 retries every 2-4 s; it is data in
each dialect module), then capped exponential backoff with full jitter until the retry window
(72 h by default) is over; after that the call goes to the manual queue (None), never dropped.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from reelhouse.dialects.base import RetryPolicy


@dataclass(frozen=True)
class RetrySchedule:
    backoff_base_s: float = 10.0
    backoff_cap_s: float = 3600.0
    window: dt.timedelta = dt.timedelta(hours=72)

    def next_attempt(
        self,
        quick: RetryPolicy,
        attempts_done: int,
        first_created: dt.datetime,
        now: dt.datetime,
        rng: random.Random,
    ) -> dt.datetime | None:
        if now - first_created >= self.window:
            return None
        if attempts_done <= quick.quick_retries:
            delay = rng.uniform(quick.delay_min_ms, quick.delay_max_ms) / 1000
        else:
            exponent = attempts_done - quick.quick_retries
            ceiling = min(self.backoff_cap_s, self.backoff_base_s * 2**exponent)
            delay = rng.uniform(0, ceiling)  # full jitter: spreads a recovering operator's load
        return min(now + dt.timedelta(seconds=delay), first_created + self.window)
