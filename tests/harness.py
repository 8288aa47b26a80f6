"""A whole deployment on loopback for end-to-end tests: Reelhouse on its database, the demo
casino on its own, real HTTP between them, and an injectable clock shared by both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from reelhouse.api.app import create_app
from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.transport import Transport
from reelhouse.domain.clock import UTC, FakeClock, SystemClock
from reelhouse.operator_kit.demo_bots import DemoBots
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text

GAME = "lucky-sevens"


@dataclass
class Stack:
    platform: Platform
    app: Any
    casino_app: Any
    reelhouse: ServerThread
    casino: ServerThread
    clock: Any  # FakeClock unless the test runs on real time
    api_token: str
    callback_token: str
    operator_id: int
    _bots: DemoBots | None = None

    def call(self, path: str, body: Any, token: str | None = None, **kw: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token or self.api_token}"} | kw.pop("headers", {})
        answer = httpx.post(f"{self.reelhouse.url}{path}", json=body, headers=headers, **kw)
        assert answer.status_code == 200, answer.text
        envelope: dict[str, Any] = answer.json()
        return envelope

    def app_casino(self) -> Casino:
        casino: Casino = self.casino_app.state.casino
        return casino

    def reelhouse_app_state(self) -> Any:
        return self.app.state

    def bots(self) -> DemoBots:
        if self._bots is None:
            self._bots = DemoBots(self.reelhouse.url, self.api_token, self.casino.url)
        return self._bots

    def add_operator(self, name: str, **overrides: Any) -> tuple[str, int]:
        spec = operators.NewOperator(
            name=name,
            currency=overrides.pop("currency", "USD"),
            callback_url=f"{self.casino.url}/callback",
            min_bet_minor=overrides.pop("min_bet_minor", 10),
            max_bet_minor=overrides.pop("max_bet_minor", 100_000),
            approved=overrides.pop("approved", True),
            **overrides,
        )
        issued = operators.create_operator(self.platform, spec)
        return issued.api_token, issued.operator_id


@contextmanager
def running_stack(
    database_url: str,
    tmp_path: Path,
    *,
    transport: Transport | None = None,
    casino_token: str | None = None,
    clock: FakeClock | SystemClock | None = None,
    schedule: RetrySchedule | None = None,
) -> Iterator[Stack]:
    clock = clock or FakeClock(dt.datetime.now(UTC).replace(microsecond=0))
    holder = {"token": ""}
    casino_app = create_casino_app(
        f"sqlite:///{tmp_path / 'casino.db'}", lambda: casino_token or holder["token"], clock=clock
    )
    casino = ServerThread(casino_app).start()
    port = free_port()
    settings = Settings(
        database_url=database_url,
        secret_key=new_key_text(),
        public_base_url=f"http://127.0.0.1:{port}",
        allow_private_callbacks=True,
    )
    platform = build_platform(settings, clock=clock, transport=transport, policy=schedule)
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name="casino_one",
            currency="USD",
            callback_url=f"{casino.url}/callback",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    holder["token"] = issued.callback_token
    app = create_app(platform)
    reelhouse = ServerThread(app, port=port).start()
    stack = Stack(
        platform,
        app,
        casino_app,
        reelhouse,
        casino,
        clock,
        issued.api_token,
        issued.callback_token,
        issued.operator_id,
    )
    try:
        yield stack
    finally:
        if stack._bots is not None:
            stack._bots.close()
        reelhouse.stop()
        casino.stop()
        platform.close()


def money(text: str) -> Decimal:
    return Decimal(text)


def count(stack: Stack, model: type) -> int:
    """Rows in a table: refused requests must leave this unchanged."""
    with stack.platform.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
