"""Builds a platform: database (migrated), its key checked, wallet sender over HTTP, clock,
and Reelhouse's requests to upstream providers, each provider behind its own breaker."""

from __future__ import annotations

import datetime as dt

from reelhouse.dispatch.breaker import BreakerPolicy, CallResult, OperatorGuards, SlotAnswer
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import (
    HttpxTransport,
    Transport,
    TransportError,
    WalletUnreachable,
)
from reelhouse.dispatch.transport_async import AsyncHttpxTransport
from reelhouse.domain.clock import Clock, SystemClock
from reelhouse.domain.ids import configured_node, use_node
from reelhouse.domain.name_resolver import SystemResolver
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.services.platform import Platform
from reelhouse.services.ports import UpstreamFetch, UpstreamUnreachable
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.key_check import check_key
from reelhouse.store.node_claim import claim_node
from reelhouse.store.secrets import Sealer, SecretKeyError


def build_platform(
    settings: Settings,
    *,
    clock: Clock | None = None,
    transport: Transport | None = None,
    policy: RetrySchedule | None = None,
    migrate: bool = True,
) -> Platform:
    """`migrate=False` where the database was migrated before (`serve --workers` migrates
    once, then builds one platform per process)."""
    clock = clock or SystemClock()
    db = Database(
        settings.database_url,
        migrate=migrate,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    sealer = Sealer(settings.secret_key)
    # At start, not at the first launch: a key that does not open what is stored stops here
    # with a message naming its source (before, every launch answered 500).
    try:
        check_key(db, sealer, settings.key_source)
    except SecretKeyError:
        db.dispose()
        raise
    # One resolver checks callback host names when a URL is saved and when a call is sent.
    resolver = SystemResolver()
    closers = [resolver.close]
    async_factory = None
    if transport is None:
        http = HttpxTransport(allow_private=settings.allow_private_callbacks, resolver=resolver)
        transport = http
        closers.append(http.close)

        def async_factory() -> AsyncHttpxTransport:
            return AsyncHttpxTransport(
                allow_private=settings.allow_private_callbacks, resolver=resolver
            )

    schedule = policy or RetrySchedule(
        backoff_base_s=settings.retry_backoff_base_seconds,
        backoff_cap_s=settings.retry_backoff_cap_seconds,
        window=settings.retry_window,
    )
    sender = WalletSender(db, sealer, clock, transport, schedule)
    # Closed first (closers run in reverse): what it has pending is written before the
    # transport and the database go.
    closers.append(sender.close)
    return Platform(
        db=db,
        settings=settings,
        wallet=sender,
        clock=clock,
        closers=closers,
        resolver=resolver,
        async_transport_factory=async_factory,
        upstream_fetch=GuardedUpstreamFetch(transport, clock),
    )


# Reelhouse's own requests to a provider, per provider and process. The breaker's rules are
# dispatch/breaker.py's (a rate over a window with a minimum volume, or refusals in a row);
# the numbers differ because these requests block a thread and are rarer than wallet calls:
# - `max_in_flight` 8: a launch waits for the provider on one of the Main API's worker
#   threads (api/app.py WORKER_THREADS, 200, shared with every other blocking call). A
#   provider that hangs holds at most 8 of them, however many launches its players try: its
#   9th launch is refused at once (1011) instead of taking a thread that another provider's
#   launches, or a wallet read, need. 8 at once at a provider answering in 200 ms is 40
#   launches a second, far above what one process launches into one provider.
# - `min_calls` 10 in 30 s at 60% failed: launches are a few a minute per provider in a
#   quiet hour; 10 failed in 30 s is an outage, not a slow player's bad luck.
# - `refusals_to_open` 3 and `cool_down` 30 s, as for wallets: nothing listening three
#   times in a row is down; one probe every 30 s finds it back.
SERVER_ERROR_STATUS = 500
UPSTREAM_POLICY = BreakerPolicy(
    window=dt.timedelta(seconds=30),
    min_calls=10,
    failure_ratio=0.6,
    refusals_to_open=3,
    cool_down=dt.timedelta(seconds=30),
    max_in_flight=8,
)


class GuardedUpstreamFetch:
    """Reelhouse's requests to upstream providers, over the same checked transport as wallet
    calls (the same address rules and one deadline per call); no answer is the services'
    UpstreamUnreachable, since they may not know the transport's errors.

    `for_provider(id)` (what the services use, services/ports.py `fetch_for`) puts each
    provider behind its own circuit breaker and bulkhead: dispatch/breaker.py's guards,
    keyed by provider id instead of operator id. While a provider's breaker is open, or its
    bulkhead is full, its requests are refused at once, unsent: a blocking request cannot
    wait for a slot without holding the thread it runs on. Calling the object itself sends
    unguarded (a request tied to no provider)."""

    def __init__(
        self, transport: Transport, clock: Clock, policy: BreakerPolicy = UPSTREAM_POLICY
    ) -> None:
        self._transport = transport
        self.guards = OperatorGuards(clock, policy)
        self._max_in_flight = policy.max_in_flight

    def __call__(self, request: HttpRequest) -> HttpAnswer:
        return self._send(request)[0]

    def for_provider(self, provider_id: int) -> UpstreamFetch:
        def fetch(request: HttpRequest) -> HttpAnswer:
            return self._guarded(provider_id, request)

        return fetch

    def breaker_states(self) -> dict[int, str]:
        """Each provider called by this process and its breaker state (metrics)."""
        return {pid: state.value for pid, state in self.guards.snapshot().items()}

    def _guarded(self, provider_id: int, request: HttpRequest) -> HttpAnswer:
        slot = self.guards.ask_slot(provider_id)
        if slot is SlotAnswer.SHUT:
            raise UpstreamUnreachable("the provider's circuit breaker is open: not asked")
        if slot is SlotAnswer.FULL:
            raise UpstreamUnreachable(
                f"{self._max_in_flight} requests to the provider already waiting: not asked"
            )
        health = CallResult.FAILED  # until an answer says otherwise (an exception too)
        try:
            answer, health = self._send(request)
            return answer
        except UpstreamUnreachable as exc:
            if isinstance(exc.__cause__, WalletUnreachable):
                health = CallResult.UNREACHABLE  # nothing listening: down, not slow
            raise
        finally:
            self.guards.release(provider_id, health)

    def _send(self, request: HttpRequest) -> tuple[HttpAnswer, CallResult]:
        """The answer and what it says of the provider's health: a 5xx is a failed call
        (a proxy's page, a crashed server), any other status a living provider."""
        try:
            answer = self._transport.send(request)
        except TransportError as exc:
            raise UpstreamUnreachable(str(exc)) from exc
        failed = answer.status >= SERVER_ERROR_STATUS
        return answer, CallResult.FAILED if failed else CallResult.ANSWERED


def claim_id_node(platform: Platform) -> int:
    """Claim this process's id node for as long as it runs (store/node_claim.py) and make
    ids with it: a serving or dispatching process calls this at start, before any id."""
    claim = claim_node(platform.db, configured_node())
    use_node(claim.node)
    platform.closers.append(claim.release)
    return claim.node
