"""Prometheus metrics of the dispatcher.

Counted as they happen (once per attempt, from `WalletSender._record`): wallet calls by
dialect, command and outcome, and their latency. Read at scrape time with one indexed query
each: outbox depth and oldest call age by state (from the database, so they are the same in
every process), and each operator's breaker state (from this process's guards).

The counters are per process: a deployment that runs `reelhouse worker` apart from
`reelhouse serve` counts the worker's retries in the worker process (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from reelhouse.dispatch.breaker import BreakerState, OperatorGuards
from reelhouse.domain.clock import Clock, from_naive_utc
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind, OutcomeKind, WalletCommand
from reelhouse.store.db import Database
from reelhouse.store.models import Operator, WalletCall

# Not the library's global registry: each scrape builds its own (see `render`), so that the
# database-backed gauges belong to the app being scraped, however many run in one process.
CALLS = Counter(
    "reelhouse_wallet_calls",
    "Money callbacks put on the wire, by dialect, command and outcome.",
    ["dialect", "command", "outcome"],
    registry=None,
)
CALL_SECONDS = Histogram(
    "reelhouse_wallet_call_duration_seconds",
    "Time from sending a money callback to its decoded answer (or the transport failure).",
    ["dialect", "command"],
    # Wallet timeouts are 2 s (bet) and 4 s (win, cancel): buckets resolve both edges.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0),
    registry=None,
)
MONEY_MINOR = Counter(
    "reelhouse_wallet_money_minor",
    "Money the wallets confirmed moving, in minor units of the currency: bets debited, wins"
    " credited, cancels refunded (a single-call round's bet and win each under its own).",
    ["command", "currency"],
    registry=None,
)
NOT_SENT = Counter(
    "reelhouse_wallet_calls_not_sent",
    "Bets refused without a callback because the operator's breaker was open or its bulkhead full.",
    ["command"],
    registry=None,
)

# Outbox states a call waits in; the terminal ones are history, not a queue.
WAITING_STATES = (CallState.QUEUED, CallState.IN_FLIGHT, CallState.MANUAL)

BREAKER_VALUE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


# Outcomes that mean the money moved: now, or (a retry's answer) before, when the first
# answer was lost and so never counted.
MOVED = (OutcomeKind.APPLIED, OutcomeKind.ALREADY_APPLIED)


def observe_attempt(
    dialect: str | None, command: WalletCommand, outcome: OutcomeKind, duration_ms: int
) -> None:
    """One recorded attempt. No dialect means nothing was sent (the operator was shut off)."""
    kind = command.kind
    if dialect is None:
        NOT_SENT.labels(kind.value).inc()
        return
    CALLS.labels(dialect, kind.value, outcome.value).inc()
    CALL_SECONDS.labels(dialect, kind.value).observe(duration_ms / 1000)
    if outcome in MOVED:
        _count_money(command)


def _count_money(command: WalletCommand) -> None:
    if command.kind is CommandKind.BET_WIN:
        MONEY_MINOR.labels(CommandKind.BET.value, command.currency).inc(command.amount_minor or 0)
        MONEY_MINOR.labels(CommandKind.WIN.value, command.currency).inc(command.win_minor or 0)
    elif command.amount_minor is not None:
        MONEY_MINOR.labels(command.kind.value, command.currency).inc(command.amount_minor)


class _Scrape(Collector):
    def __init__(self, db: Database, clock: Clock, guards: OperatorGuards | None) -> None:
        self._db = db
        self._clock = clock
        self._guards = guards

    def collect(self) -> Iterator[Metric]:
        for counted in (CALLS, CALL_SECONDS, MONEY_MINOR, NOT_SENT):
            yield from counted.collect()
        yield from self._outbox()
        yield from self._breakers()

    def _outbox(self) -> Iterator[Metric]:
        states = [s.value for s in WAITING_STATES]
        with self._db.transaction(read_only=True) as session:
            rows = session.execute(
                select(WalletCall.state, func.count(), func.min(WalletCall.created_at_utc))
                .where(WalletCall.state.in_(states))
                .group_by(WalletCall.state)
            )
            by_state = {state: (count, oldest) for state, count, oldest in rows}
        now = self._clock.now()
        depth = GaugeMetricFamily(
            "reelhouse_outbox_calls",
            "Wallet calls waiting in the outbox, by state.",
            labels=["state"],
        )
        age = GaugeMetricFamily(
            "reelhouse_outbox_oldest_call_age_seconds",
            "Age of the oldest wallet call in each waiting state (0 when there is none).",
            labels=["state"],
        )
        for state in states:
            count, oldest = by_state.get(state, (0, None))
            depth.add_metric([state], count)
            seconds = (now - from_naive_utc(oldest)).total_seconds() if oldest else 0.0
            age.add_metric([state], max(seconds, 0.0))
        yield depth
        yield age

    def _breakers(self) -> Iterator[Metric]:
        states = self._guards.snapshot() if self._guards is not None else {}
        with self._db.transaction(read_only=True) as session:
            names = session.execute(select(Operator.id, Operator.name)).all()
        breaker = GaugeMetricFamily(
            "reelhouse_breaker_state",
            "Circuit breaker per operator in this process: 0 closed, 1 half-open, 2 open.",
            labels=["operator_id", "operator"],
        )
        for operator_id, name in names:
            state = states.get(operator_id, BreakerState.CLOSED)
            breaker.add_metric([str(operator_id), name], BREAKER_VALUE[state])
        yield breaker


def render(db: Database, clock: Clock, guards: OperatorGuards | None) -> bytes:
    """The Prometheus text exposition of everything above, read now."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Scrape(db, clock, guards))
    return generate_latest(registry)
