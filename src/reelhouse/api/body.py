"""Request bodies: size-, depth- and number-bounded, decimals never parsed as floats,
duplicate keys and wrong types refused with 1002 before any service runs.

Two kinds. `StrictBody` (Reelhouse's own APIs: admin, game client) refuses unknown fields
too. `ContractBody` (the operator-facing APIs a provider's public contract defines) ignores
them: operators integrated elsewhere send fields Reelhouse has no use for, and the contract's
rule is that a server ignores what it does not know. Each such field's name is logged once
per route and process (`UnknownFieldLog`), never its value.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Request
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
)
from starlette.concurrency import run_in_threadpool

from reelhouse.domain import json_bounded
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES


class StrictBody(BaseModel):
    """Base of every request body: no unknown fields, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ContractBody(StrictBody):
    """Base of the operator-facing request bodies: unknown fields are ignored (and their
    names logged once), types stay strict: a JSON number where text is due is 1002, and so
    on, except where a field's own type lists more forms (`IdNumber`)."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


Model = TypeVar("Model", bound=StrictBody)

log = logging.getLogger("reelhouse.api")

INT64_MAX = 2**63 - 1
# An id as text: decimal digits only, at most as many as the largest 64-bit integer has
# (no sign, no spaces, no exponent); its value is range-checked as a number afterwards.
_ID_TEXT = re.compile(r"[0-9]{1,19}", re.ASCII)


def _id_of(value: Any) -> Any:
    """An id sent as a JSON number or as decimal text (a JavaScript client keeps a 64-bit id
    as text to keep its digits): the integer. Anything else is passed on unchanged, for the
    strict integer check to refuse (1002)."""
    if isinstance(value, str) and _ID_TEXT.fullmatch(value):
        return int(value)
    return value


def _id_schema(**bounds: int) -> WithJsonSchema:
    """The OpenAPI form of an id: an integer, or its digits as text."""
    text = {"type": "string", "pattern": f"^{_ID_TEXT.pattern}$"}
    return WithJsonSchema({"anyOf": [{"type": "integer", **bounds}, text]})


# An integer id as a number or as text. Range checks: `Int64` here, or the service's own.
IdNumber = Annotated[int, BeforeValidator(_id_of), _id_schema()]
Int64 = Annotated[
    int,
    BeforeValidator(_id_of),
    Field(ge=1, le=INT64_MAX),
    _id_schema(minimum=1, maximum=INT64_MAX),
]


def _text_of(value: Any) -> Any:
    """A text id sent as a JSON integer (an operator whose own player ids are numbers): its
    decimal text. `true` and fractions are passed on for the strict text check to refuse."""
    if type(value) is int:
        return str(value)
    return value


# A text id (an operator's own player id) as text or as an integer.
IdText = Annotated[str, BeforeValidator(_text_of)]


class UnknownFieldLog:
    """Which unknown field names were logged already, per route: each once per process. The
    set is bounded (`MAX_ENTRIES`): a client sending endless new names fills it once, and
    from then on nothing more is logged, so neither memory nor the log grows without end.
    Names are cut to `MAX_NAME_CHARS` and logged quoted, so a name cannot forge a log line."""

    MAX_ENTRIES = 512
    MAX_NAME_CHARS = 64

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def note(self, route: str, names: Iterable[str]) -> None:
        for name in names:
            key = (route, name[: self.MAX_NAME_CHARS])
            with self._lock:
                if key in self._seen or len(self._seen) >= self.MAX_ENTRIES:
                    continue
                self._seen.add(key)
            log.info("ignored unknown request field %r on %s", key[1], route)


UNKNOWN_FIELDS = UnknownFieldLog()


def _known_names(model: type[BaseModel]) -> set[str]:
    names = set(model.model_fields)
    names.update(f.alias for f in model.model_fields.values() if f.alias)
    return names


def route_of(request: Request) -> str:
    """The route's path template (a bounded set), not the request's path."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unrouted"


async def raw_body(request: Request) -> bytes:
    """The request's body bytes, read once (at most `MAX_REQUEST_BODY_BYTES`, 1002 beyond)
    and kept on the request: the JSON reader and the Idempotency-Key's fingerprint
    (api/idempotency.py) read the same bytes, in whichever order they run."""
    kept = getattr(request.state, "raw_body", None)
    if isinstance(kept, bytes):
        return kept
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BODY_BYTES:
            raise ReelhouseError(ApiCode.VALIDATION_ERROR, "request body too large")
    read = bytes(body)
    request.state.raw_body = read
    return read


async def read_json(request: Request) -> Any:
    """The request's JSON body through the bounded reader (domain/json_bounded.py): too
    large, too deep, a number too long or with too large an exponent, an integer beyond 64
    bits, a duplicated key, a lone surrogate or malformed JSON is 1002 before anything runs."""
    body = await raw_body(request)
    if not body.strip():
        return {}
    try:
        # In a worker thread: a 64 KiB body takes milliseconds to check and parse, and the
        # event loop serves every other operator meanwhile.
        return await run_in_threadpool(json_bounded.loads, body, MAX_REQUEST_BODY_BYTES)
    except json_bounded.JsonError as exc:
        raise ReelhouseError(ApiCode.VALIDATION_ERROR, f"malformed JSON: {exc}") from exc


def body_of(model: type[Model]) -> Callable[[Request], Awaitable[Model]]:
    """A FastAPI dependency that parses the request body into `model`."""

    async def parse(request: Request) -> Model:
        raw = await read_json(request)
        if not isinstance(raw, dict):
            raise ReelhouseError(ApiCode.VALIDATION_ERROR, "body must be a JSON object")
        if model.model_config.get("extra") == "ignore":
            unknown = [str(name) for name in raw if name not in _known_names(model)]
            if unknown:
                UNKNOWN_FIELDS.note(route_of(request), unknown)
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
