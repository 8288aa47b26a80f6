"""The Main API envelope `{"code", "message", "data"}` and the error handlers behind it.

Business errors use HTTP 200 with a non-zero code (spec), so operator code reads one shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.domain.errors import ApiCode, ReelhouseError

log = logging.getLogger("reelhouse.api")


def ok(data: Any) -> dict[str, Any]:
    return {"code": ApiCode.OK.value, "message": None, "data": data}


def ok_exact(data: Any) -> ExactJSONResponse:
    """A success of the operator-facing Main API, rendered here: money in `data` is a
    Decimal and leaves as an exact JSON number (api/exact_json.py)."""
    return ExactJSONResponse(ok(data))


def error_body(code: ApiCode, message: str, data: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": code.value, "message": message, "data": data}


def refusal_response(exc: ReelhouseError) -> JSONResponse:
    """A refusal in the envelope, with `Retry-After` when it is a refusal of load."""
    headers = None
    if exc.retry_after_seconds is not None:
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    return JSONResponse(error_body(exc.code, exc.message, exc.data), headers=headers)


# The Main API's paths: their refusals go to the operator's API error log.
MAIN_API_PREFIX = "/v4/"


def _refusal_log(request: Request) -> tuple[Any, int] | None:
    """The API error log and the operator a refusal is logged under: a Main API call whose
    token named an operator (agent_context marks the request). None for everything else (the
    game client's refusals, a missing or unknown token), decided without leaving the loop."""
    operator_id = getattr(request.state, "agent_id", None)
    recorder = getattr(request.app.state, "api_errors", None)
    if operator_id is None or recorder is None:
        return None
    if not request.url.path.startswith(MAIN_API_PREFIX):
        return None
    return recorder, operator_id


async def _record_refusal(request: Request, code: ApiCode, message: str) -> None:
    """Keep a refused Main API call in its operator's API error log (services/ops_logs.py).
    A failure to write is logged and never changes the answer."""
    target = _refusal_log(request)
    if target is None:
        return
    recorder, operator_id = target
    try:
        await run_in_threadpool(recorder.record, operator_id, request.url.path, code.value, message)
    except Exception:
        log.exception("could not write the API error log")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ReelhouseError)
    async def _refused(request: Request, exc: ReelhouseError) -> JSONResponse:
        await _record_refusal(request, exc.code, exc.message)
        return refusal_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}"
        await _record_refusal(request, ApiCode.VALIDATION_ERROR, message)
        return JSONResponse(error_body(ApiCode.VALIDATION_ERROR, message))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = ApiCode.RESOURCE_NOT_FOUND if exc.status_code == 404 else ApiCode.VALIDATION_ERROR
        # Keep the exception's headers: a 405 must say which methods are allowed (`Allow`),
        # a 401 how to authenticate.
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body(ApiCode.INTERNAL_SERVER_ERROR, "internal error"), status_code=500
        )
