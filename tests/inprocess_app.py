"""The Reelhouse app in-process, for tests that post many bodies: the ASGI app called
directly (no sockets), its wallet calls answered by the demo casino's logic in-process, a
real database. Two operators: one on SlotCity v4 (the Main API and iGamingAce A facade) and
one on iGamingAce B (whose facade checks a secret-key signature)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

from reelhouse.api.app import create_app
from reelhouse.api.wiring import build_platform
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.models import Base
from reelhouse.store.secrets import new_key_text

WALLET_BASE = "http://wallet.invalid"
OPERATOR = "casino_one"
OPERATOR_B = "casinob"


class CasinoTransport:
    """Hands each callback to the demo casino's endpoint for its path, as its web app does."""

    def __init__(self, casino: Casino) -> None:
        self.casino = casino

    def send(self, request: HttpRequest) -> HttpAnswer:
        answer = self.casino.answer_path(
            urlsplit(request.url).path, dict(request.headers), request.body
        )
        return HttpAnswer(404, b"") if answer is None else HttpAnswer(200, answer)


@dataclass
class App:
    platform: Platform
    app: Any
    casino: Casino
    api_token: str
    api_token_b: str
    secret_key_b: str
    loop: asyncio.AbstractEventLoop
    client: httpx.AsyncClient

    def post(self, path: str, body: bytes, token: str | bytes) -> httpx.Response:
        # Bytes let a test send a token that is not ASCII (headers are bytes on the wire).
        raw = token if isinstance(token, bytes) else token.encode("ascii")
        headers = {"Authorization": b"Bearer " + raw, "Content-Type": "application/json"}
        return self.loop.run_until_complete(self.client.post(path, content=body, headers=headers))

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(path, **kw))

    def row_counts(self) -> tuple[int, ...]:
        """Rows in every table, in one query: a refused request must leave this unchanged."""
        counts = [
            select(func.count()).select_from(table).scalar_subquery()
            for table in Base.metadata.sorted_tables
        ]
        with self.platform.db.transaction() as session:
            return tuple(session.execute(select(*counts)).one())


@contextmanager
def inprocess_app(database_url: str, tmp_path: Path) -> Iterator[App]:
    clock = FakeClock(dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    keys: dict[str, CallbackCredentials] = {}
    casino = Casino(
        f"sqlite:///{tmp_path / 'casino.db'}", "", clock=clock, keys=lambda name: keys.get(name)
    )
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    platform = build_platform(settings, clock=clock, transport=CasinoTransport(casino))
    one = operators.create_operator(
        platform,
        operators.NewOperator(
            name=OPERATOR,
            currency="USD",
            callback_url=f"{WALLET_BASE}/callback",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    b = operators.create_operator(
        platform,
        operators.NewOperator(
            name=OPERATOR_B,
            currency="USD",
            callback_url=f"{WALLET_BASE}/igamingace-b",
            dialect="igamingace-b",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    assert b.secret_key is not None
    keys["slotcity-v4"] = CallbackCredentials("", one.callback_token)
    keys["igamingace-b"] = CallbackCredentials(
        "", b.callback_token, b.api_token, b.secret_key, agent_id=OPERATOR_B
    )
    app = create_app(platform)
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(
            app=app, raise_app_exceptions=False, client=("127.0.0.1", 4000)
        ),
        base_url="http://rh.invalid",
    )
    try:
        yield App(platform, app, casino, one.api_token, b.api_token, b.secret_key, loop, client)
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
        platform.close()
        casino.dispose()
