"""Builds a platform: database (migrated), its key checked, wallet sender over HTTP, clock."""

from __future__ import annotations

from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import HttpxTransport, Transport, TransportError
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
        upstream_fetch=upstream_fetch(transport),
    )


def upstream_fetch(transport: Transport) -> UpstreamFetch:
    """Reelhouse's requests to upstream providers over the same checked transport as wallet
    calls (the same address rules and one deadline per call); no answer is the services'
    UpstreamUnreachable, since they may not know the transport's errors."""

    def fetch(request: HttpRequest) -> HttpAnswer:
        try:
            return transport.send(request)
        except TransportError as exc:
            raise UpstreamUnreachable(str(exc)) from exc

    return fetch


def claim_id_node(platform: Platform) -> int:
    """Claim this process's id node for as long as it runs (store/node_claim.py) and make
    ids with it: a serving or dispatching process calls this at start, before any id."""
    claim = claim_node(platform.db, configured_node())
    use_node(claim.node)
    platform.closers.append(claim.release)
    return claim.node
