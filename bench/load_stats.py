"""A step's figures from its samples: achieved rate, latency percentiles, errors by code."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PERCENTILES = (50, 95, 99, 99.9)


@dataclass
class Samples:
    """What one step saw. Latencies are seconds from an arrival's scheduled time."""

    offered: int = 0
    latencies_s: list[float] = field(default_factory=list)  # played rounds only
    errors: Counter[str] = field(default_factory=Counter)
    # round id -> the spin's latency, to subtract the wallet's time of the same round
    by_round: dict[int, float] = field(default_factory=dict)
    first_answer_s: float | None = None
    last_answer_s: float | None = None
    generator_cpu_share: float = 0.0
    # How late each arrival was launched after its scheduled time: the generator's own lag
    # (an event loop too busy to keep the timetable), before any wait for a player's turn.
    launch_lags_s: list[float] = field(default_factory=list)

    def played(self, latency_s: float, round_id: int, answered_at_s: float) -> None:
        self.latencies_s.append(latency_s)
        self.by_round[round_id] = latency_s
        self._answered(answered_at_s)

    def failed(self, code: str, answered_at_s: float | None) -> None:
        self.errors[code] += 1
        if answered_at_s is not None:
            self._answered(answered_at_s)

    def _answered(self, at_s: float) -> None:
        if self.first_answer_s is None or at_s < self.first_answer_s:
            self.first_answer_s = at_s
        if self.last_answer_s is None or at_s > self.last_answer_s:
            self.last_answer_s = at_s


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    # Rounded first: 99.9 / 100 * 1000 is 999.0000000000001 in floating point.
    rank = max(1, math.ceil(round(pct / 100 * len(ordered), 9)))
    return ordered[rank - 1]


def latency_ms(values_s: list[float]) -> dict[str, float | None]:
    return {
        f"p{pct:g}": (None if (v := percentile(values_s, pct)) is None else round(v * 1000, 2))
        for pct in PERCENTILES
    }


def summary(samples: Samples, offered_rate: float, duration_s: float) -> dict[str, Any]:
    """The step's row. Achieved rate: played rounds over the step's offered duration (a
    server that finishes late has not kept up, so the drain time is not credited)."""
    played = len(samples.latencies_s)
    errors = sum(samples.errors.values())
    return {
        "offered_per_s": offered_rate,
        "offered": samples.offered,
        "played": played,
        "achieved_per_s": round(played / duration_s, 1),
        "error_share": round(errors / samples.offered, 4) if samples.offered else 0.0,
        "errors": dict(sorted(samples.errors.items())),
        "latency_ms": latency_ms(samples.latencies_s),
    }
