"""An upstream provider's wallet calls: `POST /upstream/<provider>/<its path>`.

Reelhouse answers as the provider's operator (services/relay.py); the provider's protocol
(providers/) reads the call and writes the answer. A claimed win or cancel is sent to the
casino after the answer has left, so the provider never waits for the casino's credit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

from reelhouse.api.deps import platform_of
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES
from reelhouse.services import relay

router = APIRouter(include_in_schema=False)

# A provider's name as the providers table keeps it (services/providers.py).
_NAME_PATTERN = r"^[a-z0-9-]{1,64}$"


async def _bounded_body(request: Request) -> bytes:
    """The body, read no further than one byte past the bound: the protocol refuses an
    oversized one with its own status, and nothing more of it is read."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BODY_BYTES:
            break
    return bytes(body[: MAX_REQUEST_BODY_BYTES + 1])


@router.post("/upstream/{provider_name}/{wallet_path:path}")
async def upstream_wallet_call(
    provider_name: Annotated[str, Path(pattern=_NAME_PATTERN)],
    wallet_path: Annotated[str, Path(max_length=512)],
    request: Request,
) -> Response:
    platform = platform_of(request)
    body = await _bounded_body(request)
    answer = await relay.answer_wallet_call(
        platform, provider_name, "/" + wallet_path, dict(request.headers), body
    )
    background = (
        BackgroundTask(relay.deliver_after_answer, platform, answer.then_deliver)
        if answer.then_deliver is not None
        else None
    )
    return Response(
        answer.body,
        status_code=answer.status_code,
        headers=dict(answer.headers),
        background=background,
    )
