"""`Idempotency-Key` on the operator-facing APIs' mutating routes (the rules:
services/idempotency.py; the operator's view: docs/api.md, "Idempotency-Key").

Each API makes one decorator with `idempotent(its refusal renderer)` and puts it under the
route's own decorator:

    once = idempotent(refusal_response)

    @router.post("/user/create", openapi_extra=openapi_body(UserCreateBody) | key_header())
    @once
    def user_create(agent: Agent, ...) -> ExactJSONResponse: ...

The route gains a dependency, resolved after its own (the agent context, then the body,
whose refusals come first and claim nothing), that reads the header, fingerprints the body
and claims the key; `key_header()` in the route's `openapi_extra` declares the header in the
OpenAPI document. The route then runs only for the request that claimed the key, and its
answer, a success or a refusal rendered in the API's own envelope, is kept as the bytes
sent. A request without the header runs as it always did.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from reelhouse.api.body import raw_body, route_of
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.services import idempotency
from reelhouse.services.idempotency import Answer, Claim, Scope
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

log = logging.getLogger("reelhouse.api")

# A refusal in an API's own envelope, as the response it sends.
RenderRefusal = Callable[[ReelhouseError], Response]
Route = TypeVar("Route", bound=Callable[..., Any])

# A repeat that finds the first request with its key still running waits this long for that
# answer, looking every `REPEAT_POLL_SECONDS`, then is told to retry (3008). A launch asks
# the wallet, so the first request may take a few seconds; the repeat holds no thread while
# it waits, only one of its agent's calls in flight.
REPEAT_WAIT_SECONDS = 10.0
REPEAT_POLL_SECONDS = 0.05
IN_USE_RETRY_AFTER_SECONDS = 1
# Marks an answer sent again to a repeat (the body is the first answer's, byte for byte).
REPLAYED_HEADER = "Idempotent-Replayed"
# The parameter the decorator adds to a route; no route has one of its own by this name.
ONCE_PARAMETER = "idempotency_once"


def key_header() -> dict[str, Any]:
    """The header in a route's OpenAPI operation: `openapi_extra=openapi_body(...) |
    key_header()` (a new dict each time: no two operations share one to edit). It is read by
    hand (`_key_of`), not declared as a FastAPI parameter: a parameter would make FastAPI
    document an HTTP 422 answer, and these APIs refuse with HTTP 200 and their own code.
    `idempotency.checked_key` is what enforces the form shown here."""
    described = (
        f"1-{idempotency.MAX_KEY_CHARS} visible ASCII characters naming this request: a"
        " repeat with the same key and the same body within"
        f" {idempotency.KEY_TTL.total_seconds() / 3600:g} hours gets the first answer again,"
        " byte for byte, without the call running twice (docs/api.md, Idempotency-Key)."
    )
    schema = {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.MAX_KEY_CHARS,
        "pattern": f"^{idempotency.KEY_PATTERN.pattern}$",
    }
    header = {"name": idempotency.HEADER, "in": "header", "required": False}
    return {"parameters": [header | {"description": described, "schema": schema}]}


class Once:
    """One request's use of its key: `run` runs the route once, or answers as before."""

    def __init__(self, platform: Platform, render_refusal: RenderRefusal, claim: Claim | None):
        self._platform = platform
        self._render_refusal = render_refusal
        self._claim = claim
        # The call answered (a success, or a refusal that is kept): its key must not be
        # released, even if keeping the answer failed, or a repeat would run it again.
        self.answered = False

    @property
    def claim_id(self) -> int | None:
        return None if self._claim is None else self._claim.claim_id

    def run(self, work: Callable[[], Any]) -> Any:
        claim = self._claim
        if claim is None:
            return work()  # no key: the route as ever
        if claim.answer is not None:
            return _replayed(claim.answer)
        assert claim.claim_id is not None, "a running key waits in the dependency"
        try:
            response = _response_of(work())
        except ReelhouseError as exc:
            if exc.code in idempotency.RETRYABLE_CODES:
                raise  # the key is released as the dependency ends
            response = self._render_refusal(exc)
        self.answered = True
        answer = Answer(response.status_code, bytes(response.body))
        try:
            idempotency.finish(self._platform, claim.claim_id, answer)
        except Exception:
            # The call ran and its answer is true: send it. The key stays `running`, so a
            # repeat is told to retry (3008) until it expires, never run a second time.
            log.exception("the answer of an idempotent call could not be kept")
        return response


def _response_of(result: Any) -> Response:
    """A route's result as the response FastAPI would send for it (JSON), so its bytes are
    known and kept."""
    return result if isinstance(result, Response) else JSONResponse(jsonable_encoder(result))


def _replayed(answer: Answer) -> Response:
    return Response(
        answer.body,
        status_code=answer.status_code,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )


def _key_of(request: Request) -> str | None:
    """The key, checked (1002 if malformed or sent twice), or None when there is none."""
    sent = request.headers.getlist(idempotency.HEADER)
    if not sent:
        return None
    if len(sent) > 1:
        raise ReelhouseError(ApiCode.VALIDATION_ERROR, f"{idempotency.HEADER}: given twice")
    return idempotency.checked_key(sent[0])


async def _claimed(platform: Platform, scope: Scope) -> Claim:
    """The key's claim; while the first request with it runs, wait (bounded) for its answer."""
    for _ in range(int(REPEAT_WAIT_SECONDS / REPEAT_POLL_SECONDS)):
        claim = await platform.db.in_thread(functools.partial(idempotency.claim, platform, scope))
        if not claim.running_elsewhere:
            return claim
        await asyncio.sleep(REPEAT_POLL_SECONDS)
    raise ReelhouseError(
        ApiCode.IDEMPOTENCY_KEY_IN_USE,
        f"the first request with this {idempotency.HEADER} is still running: retry",
        retry_after_seconds=IN_USE_RETRY_AFTER_SECONDS,
    )


def _dependency(render_refusal: RenderRefusal) -> Callable[..., AsyncIterator[Once]]:
    async def once_of(
        request: Request,
        agent: Annotated[Operator, Depends(agent_context)],
    ) -> AsyncIterator[Once]:
        platform = platform_of(request)
        key = _key_of(request)
        if key is None:
            yield Once(platform, render_refusal, None)
            return
        fingerprint = idempotency.fingerprint_of(await raw_body(request))
        scope = Scope(agent.id, route_of(request), key, fingerprint)
        once = Once(platform, render_refusal, await _claimed(platform, scope))
        try:
            yield once
        finally:
            claim_id = once.claim_id
            if claim_id is not None and not once.answered:
                # No answer to keep (a refusal a retry may cure, a crash): free the key.
                await platform.db.in_thread(
                    functools.partial(idempotency.release, platform, claim_id)
                )

    return once_of


def idempotent(render_refusal: RenderRefusal) -> Callable[[Route], Route]:
    """A decorator for an API's mutating routes (sync ones), whose refusals `render_refusal`
    writes in the API's envelope."""
    # Function scope: the key is released before the answer leaves, so a retry sent as soon
    # as the answer arrives finds it free.
    once_dependency = Depends(_dependency(render_refusal), scope="function")

    def decorate(route: Route) -> Route:
        signature = inspect.signature(route, eval_str=True)

        @functools.wraps(route)
        def once_route(*args: Any, **kwargs: Any) -> Any:
            once: Once = kwargs.pop(ONCE_PARAMETER)
            return once.run(functools.partial(route, *args, **kwargs))

        extra = inspect.Parameter(
            ONCE_PARAMETER,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Once, once_dependency],
        )
        once_route.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), extra]
        )
        return cast(Route, once_route)

    return decorate
