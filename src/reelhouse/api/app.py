"""The FastAPI application: Main API v4, the game client and its API, OpenAPI at /openapi.json
(browsable at /docs, served from the package: api/reference_page.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from reelhouse import backoffice
from reelhouse.api import (
    admin,
    callback_test_v4,
    client_assets,
    events_v4,
    freerounds_v4,
    game,
    game_images,
    igamingace_a,
    igamingace_b,
    main_v4,
    metrics,
    openapi_docs,
    reference_page,
    reporting_v4,
    rg_audit_v4,
    round_page,
    sessions_v4,
    transactions_v4,
    upstream,
)
from reelhouse.api.access_log import AccessLog
from reelhouse.api.dispatcher_thread import DispatcherThread
from reelhouse.api.edges import NoStoreByDefault, TrustedProxies
from reelhouse.api.envelope import install_error_handlers
from reelhouse.api.inflight import InFlightLimiter
from reelhouse.api.logging_setup import install_redaction
from reelhouse.api.ratelimit import OperatorRateLimiter
from reelhouse.dispatch.sender import WalletSender
from reelhouse.services.ops_logs import ApiErrorLog
from reelhouse.services.platform import Platform

API_DESCRIPTION = """Reelhouse Main API (SlotCity v4 compatible) and game client API.

Every Main API call is `POST` with a JSON body and `Authorization: Bearer <API token>`:
press **Authorize** and paste the agent's API token (the game API takes a game session's
token instead), and every "Try it out" sends it.
Answers are `{"code", "message", "data"}` at HTTP 200; `code` 0 is success, any other a
refusal that changed nothing. Each operation lists the codes it may answer; docs/api.md
says what each means."""


# Most routes are synchronous (SQLAlchemy sessions) and run in worker threads; the spin, the
# busiest, waits for the wallet on the event loop and takes a thread only for its short
# database work. Main API calls that ask the wallet (user create, balance) still hold a thread
# while they wait: each agent may hold MAX_IN_FLIGHT_PER_AGENT of them, so the pool stays
# larger than that or one slow wallet would starve everyone.
WORKER_THREADS = 200


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    platform: Platform = app.state.platform
    factory = platform.async_transport_factory
    sender = platform.wallet if isinstance(platform.wallet, WalletSender) else None
    # Made here, in the loop that serves: an async transport belongs to one loop.
    transport = factory() if factory is not None and sender is not None else None
    if sender is not None and transport is not None:
        sender.use_async_transport(transport)
    dispatcher: DispatcherThread | None = app.state.dispatcher
    if dispatcher is not None:
        dispatcher.start()
    try:
        yield
    finally:
        # Off the event loop: the dispatcher waits for the calls it has on the wire (it
        # sends through the blocking transport on its own threads, not the loop's).
        if dispatcher is not None:
            await to_thread.run_sync(dispatcher.stop)
        if sender is not None and transport is not None:
            sender.use_async_transport(None)
            await transport.aclose()
        if app.state.owns_platform:
            platform.close()


def create_app(
    platform: Platform, *, dispatcher: bool = False, owns_platform: bool = False
) -> FastAPI:
    """`dispatcher`: run the outbox dispatcher on a thread for as long as the app is served
    (`reelhouse serve`; tests and the demo drive their own). `owns_platform`: close the
    platform when the app shuts down (the app was built for one process from settings)."""
    # FastAPI's own /docs and /redoc load their scripts from a CDN: ours is served from the
    # package (api/reference_page.py).
    app = FastAPI(
        title="Reelhouse",
        version="0.1.0",
        description=API_DESCRIPTION,
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
    )
    openapi_docs.install(app)
    app.state.platform = platform
    app.state.dispatcher = DispatcherThread(platform) if dispatcher else None
    app.state.owns_platform = owns_platform
    app.state.inflight = InFlightLimiter()
    app.state.api_errors = ApiErrorLog(platform)
    settings = platform.settings
    app.state.rate = OperatorRateLimiter(settings.api_rate_per_second, settings.api_rate_burst)
    app.add_middleware(AccessLog)  # first added, innermost: after the proxies' client address
    app.add_middleware(NoStoreByDefault)
    app.add_middleware(TrustedProxies, networks=settings.trusted_proxies)
    install_error_handlers(app)
    install_redaction()
    app.include_router(main_v4.router)
    app.include_router(igamingace_a.router)
    app.include_router(igamingace_b.router)
    app.include_router(callback_test_v4.router)
    app.include_router(game.router)
    app.include_router(transactions_v4.router)
    app.include_router(admin.router)
    app.include_router(metrics.router)
    app.include_router(reporting_v4.router)
    app.include_router(freerounds_v4.router)
    app.include_router(sessions_v4.router)
    app.include_router(events_v4.router)
    app.include_router(rg_audit_v4.router)
    app.include_router(upstream.router)
    app.include_router(round_page.router)
    app.include_router(client_assets.router)
    app.include_router(reference_page.router)
    app.include_router(game_images.router)
    app.include_router(backoffice.router)
    return app
