"""`GET /metrics`: Prometheus text format, behind a bearer token.

Not public: it names operators and shows their traffic. Enabled only when
REELHOUSE_METRICS_TOKEN is set (at least METRICS_TOKEN_MIN_CHARS long); otherwise the path
answers 404 as if it did not exist. The scraper sends `Authorization: Bearer <token>`
(Prometheus: `authorization: {credentials: ...}`), compared in constant time; anything else is
401. A token rather than "loopback only": behind a reverse proxy on the same host every
request comes from loopback."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelhouse.api import fairness_metrics, http_metrics
from reelhouse.api.deps import configured_token, platform_of
from reelhouse.api.wiring import GuardedUpstreamFetch
from reelhouse.dispatch import metrics
from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.limits import METRICS_TOKEN_MIN_CHARS
from reelhouse.services import relay_metrics
from reelhouse.services.platform import Platform

METRICS_TOKEN_ENV = "REELHOUSE_METRICS_TOKEN"  # noqa: S105 - the variable's name


def scraper_only(request: Request) -> None:
    """404 while disabled; 401 without the right bearer token."""
    expected = configured_token(METRICS_TOKEN_ENV, METRICS_TOKEN_MIN_CHARS, "/metrics")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise StarletteHTTPException(
            status_code=401,
            detail="metrics token missing or wrong",
            headers={"WWW-Authenticate": "Bearer"},
        )


router = APIRouter(include_in_schema=False, dependencies=[Depends(scraper_only)])
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.get("/metrics")
def scrape(platform: PlatformDep) -> Response:
    sender = platform.wallet if isinstance(platform.wallet, WalletSender) else None
    # The outbox gauges read call states: the wins this process has had acknowledged but not
    # yet written (dispatch/ack_batch.py) are written first, as for any read that needs them.
    platform.wallet.write_pending_acks()
    guards = sender.guards if sender is not None else None
    body = metrics.render(platform.db, platform.clock, guards)
    # The compensated-play watch: its own metric names, so the two expositions just join.
    body += fairness_metrics.render(platform.db, platform.clock)
    # The relay's counters and the upstream providers' breakers (api/wiring.py).
    upstream = platform.upstream_fetch
    states = upstream.breaker_states() if isinstance(upstream, GuardedUpstreamFetch) else {}
    body += relay_metrics.render(platform.db, states)
    # This process's HTTP traffic, spins and money staked, and the process itself.
    body += http_metrics.render()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
