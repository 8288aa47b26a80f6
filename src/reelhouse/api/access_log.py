"""One JSON access line per HTTP request, and the HTTP metrics (api/http_metrics.py).

The line (logger `reelhouse.access`, through the JSON formatter of api/logging_setup.py):
`method`, `path` (without its query string, bearer secrets in it replaced by their tags),
`route` (the template the request matched), `status`, `duration_ms`, `client` (after the
trusted proxies, api/edges.py), `request_id`, and for a spin `round_id` with its
`correlation_id`, the id every line about that round carries (the bet, the win, retries).

The line is written as the last of the answer is handed to the server, so `duration_ms`
covers everything but that last write. The request id is the `X-Request-ID` the request
came with when it is a short id (a proxy's: nginx `$request_id`), else a new one; the answer
carries it back in `X-Request-ID`.
A route that learns a round id notes it with `note_round`.

Pure ASGI, installed innermost (api/app.py), so it sees the client address the proxies
middleware settled on and the route the router matched; a request that raised is logged as
the 500 it becomes.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reelhouse.api import http_metrics
from reelhouse.api.logging_setup import redact
from reelhouse.domain.limits import REQUEST_ID_MAX_CHARS

log = logging.getLogger("reelhouse.access")

REQUEST_ID_HEADER = b"x-request-id"
REQUEST_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{REQUEST_ID_MAX_CHARS}}}", re.ASCII)
REQUEST_ID_BYTES = 8  # 16 hex digits: unique enough to find one request in a day's lines
# The scope key under which a request's note travels to the routes (a scope copied on the
# way keeps the same note object, so what a route writes is seen here).
NOTE_KEY = "reelhouse.access"


@dataclass
class AccessNote:
    request_id: str
    round_id: int | None = None


def note_round(request: Request, round_id: int) -> None:
    """The request played (or looked at) this round: its access line carries the round id."""
    note = request.scope.get(NOTE_KEY)
    if isinstance(note, AccessNote):
        note.round_id = round_id


def request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            given: str = value.decode("latin-1")
            if REQUEST_ID.fullmatch(given):
                return given
            break
    return secrets.token_hex(REQUEST_ID_BYTES)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        note = AccessNote(request_id_of(scope))
        scope = dict(scope)
        scope[NOTE_KEY] = note
        status = 500  # unless an answer starts: a request that raised becomes a 500
        written = False

        def finish() -> None:
            nonlocal written
            written = True
            duration_s = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None)
            http_metrics.observe_request(scope["method"], route, status, duration_s)
            if log.isEnabledFor(logging.INFO):
                _write_line(scope, note, route, status, duration_s)

        async def send_noted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, note.request_id.encode()))
                message = dict(message, headers=headers)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Counted and written as the last of the answer is handed on, not after: a
                # client that has read the answer finds its line and its count already there.
                finish()
            await send(message)

        try:
            await self.app(scope, receive, send_noted)
        finally:
            if not written:  # no answer, or it raised before its end
                finish()


def _write_line(
    scope: Scope, note: AccessNote, route: str | None, status: int, duration_s: float
) -> None:
    client = scope.get("client")
    fields = {
        "method": scope["method"],
        # The raw path, never the query string; redacted (launch and session tokens).
        "path": redact(scope["path"]),
        "route": route,
        "status": status,
        "duration_ms": round(duration_s * 1000, 3),
        "client": client[0] if client else None,
        "request_id": note.request_id,
    }
    if note.round_id is not None:
        fields["round_id"] = note.round_id  # the formatter adds correlation_id
    log.info("%s %s %s", scope["method"], fields["path"], status, extra=fields)
