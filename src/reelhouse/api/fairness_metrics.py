"""The compensated-play watch on /metrics (services/fairness.py): per operator with
single-call rounds, its counts by round kind and fate, the one-sided p-value, and the flag.

The figures come from one grouped query over the window's single-call rounds, so they are
recomputed at most every COMPENSATED_PLAY_METRIC_REFRESH_SECONDS per database, not at every
scrape; they are the same in every process.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from reelhouse.domain.clock import Clock
from reelhouse.domain.limits import COMPENSATED_PLAY_METRIC_REFRESH_SECONDS
from reelhouse.services.fairness import OperatorRefusals, refusal_watch
from reelhouse.store.db import Database

# Per database (weakly held: a disposed app's entry goes with it): when the figures were
# computed, and what they were.
_LAST: weakref.WeakKeyDictionary[Database, tuple[dt.datetime, list[OperatorRefusals]]] = (
    weakref.WeakKeyDictionary()
)


def _figures(db: Database, clock: Clock) -> list[OperatorRefusals]:
    now = clock.now()
    cached = _LAST.get(db)
    if cached is not None and 0 <= (now - cached[0]).total_seconds() < (
        COMPENSATED_PLAY_METRIC_REFRESH_SECONDS
    ):
        return cached[1]
    figures = refusal_watch(db, now)
    _LAST[db] = (now, figures)
    return figures


class _Watch(Collector):
    def __init__(self, figures: list[OperatorRefusals]) -> None:
        self._figures = figures

    def collect(self) -> Iterator[Metric]:
        labels = ["operator_id", "operator"]
        rounds = GaugeMetricFamily(
            "reelhouse_single_call_rounds",
            "Rounds opened with one bet-and-win call in the watch window, by whether the round"
            " won and whether the wallet took it (refused: refused, or left unknown).",
            labels=[*labels, "round", "taken"],
        )
        p_value = GaugeMetricFamily(
            "reelhouse_single_call_refusal_p_value",
            "One-sided p-value that the wallet refuses winning rounds no more often than losing"
            " ones (Fisher exact); small means it refuses winners more.",
            labels=labels,
        )
        suspected = GaugeMetricFamily(
            "reelhouse_compensated_play_suspected",
            "1 when the wallet refuses winning single-call rounds significantly more often than"
            " losing ones (and has refused enough rounds to judge), else 0.",
            labels=labels,
        )
        for found in self._figures:
            who = [str(found.operator_id), found.operator]
            counts = found.counts
            for kind, total, refused in (
                ("winning", counts.winning, counts.winning_refused),
                ("losing", counts.losing, counts.losing_refused),
            ):
                rounds.add_metric([*who, kind, "refused"], refused)
                rounds.add_metric([*who, kind, "accepted"], total - refused)
            p_value.add_metric(who, found.p_value)
            suspected.add_metric(who, 1 if found.suspected else 0)
        yield rounds
        yield p_value
        yield suspected


def render(db: Database, clock: Clock) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Watch(_figures(db, clock)))
    return generate_latest(registry)
