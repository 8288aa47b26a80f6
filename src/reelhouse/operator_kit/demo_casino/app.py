"""The demo casino's HTTP face: one callback endpoint per dialect, a small admin JSON API.

- `POST /callback`: SlotCity v4;
- `POST /igamingace-a/callback`: iGamingAce flavour A;
- `POST /igamingace-b/{GetBalance|Withdraw|Deposit|BetWin|RollbackTransaction}`: flavour B
  (the operator account's callback base URL is `.../igamingace-b`).

All three move the same players' money in the same ledger. The admin API has no
authentication: it is a demo, bind it to loopback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from reelhouse.domain.clock import Clock
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES
from reelhouse.operator_kit.demo_casino.casino import (
    CALLBACK_PATHS,
    AdminRefusal,
    Casino,
    KeySource,
)
from reelhouse.operator_kit.sdk import CallbackEndpoint, UnknownOperation


class NewPlayer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    account: str
    currency: str
    balance: str = "0"  # decimal text: a JSON number could already be a rounded float


class Deposit(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    amount: str


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    active: bool


def create_casino_app(
    db_url: str,
    callback_token: str | Callable[[], str],
    require_signature: bool = True,
    clock: Clock | None = None,
    keys: KeySource | None = None,
) -> FastAPI:
    """A demo casino on its own database (any SQLAlchemy URL; tables created if missing).

    `callback_token` authenticates SlotCity callbacks; `keys(dialect)` gives any dialect's
    credentials (iGamingAce signs with an API token or a secret key) and overrides it.
    `app.state.casino` is the `Casino` behind it, for tests that want to look inside.
    """
    casino = Casino(
        db_url, callback_token, require_signature=require_signature, clock=clock, keys=keys
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        casino.dispose()

    app = FastAPI(title="Reelhouse demo casino", lifespan=lifespan)
    app.state.casino = casino

    @app.exception_handler(AdminRefusal)
    async def refused(_request: Request, exc: AdminRefusal) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status_code)

    for name, endpoint in casino.endpoints.items():
        if endpoint.adapter.operations is None:
            app.add_api_route(CALLBACK_PATHS[name], _handler(endpoint), methods=["POST"])
        else:
            path = f"{CALLBACK_PATHS[name]}/{{operation}}"
            app.add_api_route(path, _handler(endpoint), methods=["POST"])

    @app.post("/api/players", status_code=201)
    def create_player(new: NewPlayer) -> dict[str, Any]:
        return casino.create_player(new.account, new.currency, new.balance)

    @app.get("/api/players/{account}")
    def get_player(account: str) -> dict[str, Any]:
        return casino.player(account)

    @app.post("/api/players/{account}/deposit")
    def deposit(account: str, deposit: Deposit) -> dict[str, Any]:
        return casino.deposit(account, deposit.amount)

    @app.post("/api/players/{account}/active")
    def set_active(account: str, activity: Activity) -> dict[str, Any]:
        return casino.set_active(account, activity.active)

    @app.get("/api/ledger")
    def ledger(date: dt.date | None = None) -> dict[str, Any]:
        """The operator's ledger export (one UTC day, or everything) for reconciliation."""
        return {"date": date.isoformat() if date else None, "rows": casino.ledger(date)}

    return app


def _handler(endpoint: CallbackEndpoint) -> Callable[..., Any]:
    async def callback(request: Request) -> Response:
        operation = request.path_params.get("operation")
        body = await _read_at_most(request, MAX_REQUEST_BODY_BYTES + 1)
        try:
            # Always HTTP 200: every protocol puts outcomes, refusals included, in the body.
            answer = await run_in_threadpool(endpoint.answer, request.headers, body, operation)
        except UnknownOperation:
            return JSONResponse({"error": f"no operation {operation!r}"}, status_code=404)
        return Response(answer, media_type="application/json")

    callback.__name__ = f"callback_{endpoint.adapter.name.replace('-', '_')}"
    return callback


async def _read_at_most(request: Request, limit: int) -> bytes:
    # Stop reading a hostile stream early; the codec answers an oversized body with 99.
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body)
