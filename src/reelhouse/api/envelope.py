"""The Main API envelope `{"code", "message", "data"}` and the error handlers behind it.

Business errors use HTTP 200 with a non-zero code (spec), so operator code reads one shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ReelhouseError)
    async def _refused(_request: Request, exc: ReelhouseError) -> JSONResponse:
        return refusal_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            error_body(ApiCode.VALIDATION_ERROR, f"{where}: {first.get('msg', 'invalid')}")
        )

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
