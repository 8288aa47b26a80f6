"""Strict request bodies: size-, depth- and number-bounded, decimals never parsed as floats,
duplicate keys, unknown fields and wrong types refused with 1002 before any service runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool

from reelhouse.domain import json_bounded
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES


class StrictBody(BaseModel):
    """Base of every request body: no unknown fields, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Model = TypeVar("Model", bound=StrictBody)


async def read_json(request: Request) -> Any:
    """The request's JSON body through the bounded reader (domain/json_bounded.py): too
    large, too deep, a number too long or with too large an exponent, an integer beyond 64
    bits, a duplicated key, a lone surrogate or malformed JSON is 1002 before anything runs."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BODY_BYTES:
            raise ReelhouseError(ApiCode.VALIDATION_ERROR, "request body too large")
    if not body.strip():
        return {}
    try:
        # In a worker thread: a 64 KiB body takes milliseconds to check and parse, and the
        # event loop serves every other operator meanwhile.
        return await run_in_threadpool(json_bounded.loads, bytes(body), MAX_REQUEST_BODY_BYTES)
    except json_bounded.JsonError as exc:
        raise ReelhouseError(ApiCode.VALIDATION_ERROR, f"malformed JSON: {exc}") from exc


def body_of(model: type[Model]) -> Callable[[Request], Awaitable[Model]]:
    """A FastAPI dependency that parses the request body into `model`."""

    async def parse(request: Request) -> Model:
        raw = await read_json(request)
        if not isinstance(raw, dict):
            raise ReelhouseError(ApiCode.VALIDATION_ERROR, "body must be a JSON object")
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise ReelhouseError(ApiCode.VALIDATION_ERROR, f"{where}: {first['msg']}") from exc

    return parse


def openapi_body(model: type[StrictBody]) -> dict[str, Any]:
    """Describe a body parsed by `body_of` in the OpenAPI document."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }
