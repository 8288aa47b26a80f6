"""Shared FastAPI dependencies: the platform, and the Main API's agent context (Bearer auth,
IP allow-list, request rate, in-flight cap) in the order the spec's codes imply."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelhouse.api.inflight import InFlightLimiter
from reelhouse.api.ratelimit import OperatorRateLimiter
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

log = logging.getLogger("reelhouse.api")


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def configured_token(env_name: str, min_chars: int, what: str) -> str:
    """The token an operator endpoint (admin API, /metrics) expects, read from the environment
    at each request: nothing to restart, and nothing held in memory while it is unset. Unset
    or too short means the endpoint is disabled: 404, as if it did not exist."""
    expected = os.environ.get(env_name, "")
    if len(expected) < min_chars:
        if expected:
            log.warning("%s is shorter than %d characters: %s disabled", env_name, min_chars, what)
        raise StarletteHTTPException(status_code=404)
    return expected


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ReelhouseError(ApiCode.TOKEN_NOT_FOUND, "Authorization: Bearer <token> is missing")
    return token.strip()


def _authenticated(platform: Platform, token: str) -> Operator:
    operator = operators.authenticate(platform, token)
    # An operator reads what its players' rounds did: the wins this process has had
    # acknowledged but not yet written (dispatch/ack_batch.py) are written first, so a read
    # made after a player's answer finds that round settled.
    platform.wallet.write_pending_acks()
    return operator


async def agent_context(request: Request) -> AsyncIterator[Operator]:
    token = bearer_token(request)
    operator = await run_in_threadpool(_authenticated, platform_of(request), token)
    # From here a refusal is this operator's: the error handler logs it (api/envelope.py).
    request.state.agent_id = operator.id
    # The TCP peer, or the client behind a configured proxy (api/edges.py), never a header
    # any caller can send.
    client_ip = request.client.host if request.client else ""
    if not operators.ip_allowed(operator, client_ip):
        raise ReelhouseError(ApiCode.IP_NOT_ALLOWED, f"IP {client_ip} is not allowed")
    rate: OperatorRateLimiter = request.app.state.rate
    if not rate.allow(operator.id):
        raise ReelhouseError(
            ApiCode.SERVER_IS_BUSY,
            f"too many calls: above {rate.per_second:g} per second",
            retry_after_seconds=1,
        )
    limiter: InFlightLimiter = request.app.state.inflight
    if not limiter.try_acquire(operator.id):
        raise ReelhouseError(ApiCode.SERVER_IS_BUSY, "too many calls in flight")
    try:
        yield operator
    finally:
        limiter.release(operator.id)
