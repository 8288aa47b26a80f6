"""Prometheus metrics of the relay (services/relay.py) and of Reelhouse's own requests to
upstream providers (launch, catalogue; their breakers live in api/wiring.py).

Counted as they happen, once per wallet call a provider sent: relayed calls by provider,
kind and answer status, and the time from the call's arrival to its answer being ready
(signed). Read at scrape time: each provider's breaker state in this process. Per process,
like the dispatcher's metrics (dispatch/metrics.py).

Every label is bounded: `provider` is a registered provider's name (a call naming no
registered provider counts under UNKNOWN_PROVIDER, whatever name it tried), `kind` a
CallKind or UNREAD_KIND, `status` an AnswerStatus or UNKNOWN_PROVIDER.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import select

from reelhouse.store.db import Database
from reelhouse.store.models import Provider

UNKNOWN_PROVIDER = "unknown_provider"
UNREAD_KIND = "unread"  # refused before its kind was read (signature, syntax, size)

# Not the library's global registry: `render` builds one per scrape, as dispatch/metrics.py.
RELAYED = Counter(
    "reelhouse_relay_calls",
    "Upstream providers' wallet calls answered by the relay, by provider, kind and status.",
    ["provider", "kind", "status"],
    registry=None,
)
RELAY_SECONDS = Histogram(
    "reelhouse_relay_answer_duration_seconds",
    "Time from a provider's wallet call arriving to its answer being ready, by provider and kind.",
    ["provider", "kind"],
    # A bet's answer waits for the casino's debit (its timeout is 2 s); refusals and
    # repeats answer in milliseconds; a provider's own deadline is 0.5 s to 60 s.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    registry=None,
)

# The breaker's states as numbers, as the operators' breaker gauge shows them.
BREAKER_VALUE = {"closed": 0, "half_open": 1, "open": 2}


def observe_relayed(provider: str | None, kind: str | None, status: str, seconds: float) -> None:
    """One answered wallet call (`provider` None: it named no registered provider)."""
    provider_label = provider if provider is not None else UNKNOWN_PROVIDER
    kind_label = kind if kind is not None else UNREAD_KIND
    RELAYED.labels(provider_label, kind_label, status).inc()
    RELAY_SECONDS.labels(provider_label, kind_label).observe(max(seconds, 0.0))


class _Scrape(Collector):
    def __init__(self, db: Database, breaker_states: Mapping[int, str]) -> None:
        self._db = db
        self._states = breaker_states

    def collect(self) -> Iterator[Metric]:
        yield from RELAYED.collect()
        yield from RELAY_SECONDS.collect()
        with self._db.transaction(read_only=True) as session:
            names = session.execute(select(Provider.id, Provider.name)).all()
        breaker = GaugeMetricFamily(
            "reelhouse_upstream_breaker_state",
            "Circuit breaker per upstream provider (launch, catalogue) in this process: "
            "0 closed, 1 half-open, 2 open.",
            labels=["provider_id", "provider"],
        )
        for provider_id, name in names:
            state = self._states.get(provider_id, "closed")
            breaker.add_metric([str(provider_id), name], BREAKER_VALUE[state])
        yield breaker


def render(db: Database, breaker_states: Mapping[int, str]) -> bytes:
    """The Prometheus text of the relay's counters and the providers' breakers, now."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Scrape(db, breaker_states))
    return generate_latest(registry)
