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
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.transport import HttpxTransport, Transport
from reelhouse.domain.clock import UTC, FakeClock, SystemClock
from reelhouse.operator_kit.demo_bots import DemoBots
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS, Casino
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text

GAME = "lucky-sevens"
# Every wallet dialect an operator can pick: end-to-end tests run once per dialect.
DIALECTS = ("slotcity-v4", "igamingace-a", "igamingace-b")
OPERATOR_NAME = "casino_one"


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
    dialect: str = "slotcity-v4"
    secret_key: str | None = None  # iGamingAce B operators only
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


# Tests move their clock by minutes (retry backoff, the late-bet window) and then ask about
# "today" (reconciliation, daily reports): a run that starts just before midnight would
# cross into the next day half-way. So the fake day never starts in its last hours.
_LATEST_START = dt.time(21, 0)


def fake_start() -> dt.datetime:
    """Now, to the second, moved back 3 hours when that is late in the UTC day."""
    now = dt.datetime.now(UTC).replace(microsecond=0)
    return now - dt.timedelta(hours=3) if now.time() >= _LATEST_START else now


@contextmanager
def running_stack(
    database_url: str,
    tmp_path: Path,
    *,
    transport: Transport | None = None,
    timeout_scale: float = 5.0,
    casino_token: str | None = None,
    clock: FakeClock | SystemClock | None = None,
    schedule: RetrySchedule | None = None,
    dialect: str = "slotcity-v4",
    single_call_rounds: bool = False,
) -> Iterator[Stack]:
    """`dialect` is the wallet protocol of the operator `casino_one`: the demo casino answers
    every dialect on its own path, with the keys Reelhouse issued to that operator.
    `single_call_rounds` opts it in to one betwin call per round (iGamingAce)."""
    clock = clock or FakeClock(fake_start())
    holder: dict[str, str | None] = {"token": "", "api_token": None, "secret_key": None}

    def casino_keys(_dialect: str) -> CallbackCredentials:
        token = casino_token or holder["token"] or ""
        return CallbackCredentials(
            "", token, holder["api_token"], holder["secret_key"], agent_id=OPERATOR_NAME
        )

    casino_app = create_casino_app(
        f"sqlite:///{tmp_path / 'casino.db'}",
        lambda: casino_token or holder["token"] or "",
        clock=clock,
        keys=casino_keys,
    )
    casino = ServerThread(casino_app).start()
    port = free_port()
    settings = Settings(
        database_url=database_url,
        secret_key=new_key_text(),
        public_base_url=f"http://127.0.0.1:{port}",
        allow_private_callbacks=True,
        # Tests set caps of a few bets to see them cut wins: no floor under the effective RTP
        # here; the floor's own tests (tests/test_win_cap.py) raise it.
        min_effective_rtp=Decimal(0),
    )
    # Tests about timeouts pass timeout_scale=1; the others tolerate a loaded machine.
    own_transport = HttpxTransport(timeout_scale, allow_private=True) if transport is None else None
    transport = transport or own_transport
    platform = build_platform(settings, clock=clock, transport=transport, policy=schedule)
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name=OPERATOR_NAME,
            currency="USD",
            callback_url=f"{casino.url}{CALLBACK_PATHS[dialect]}",
            dialect=dialect,
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
            single_call_rounds=single_call_rounds,
        ),
    )
    holder["token"] = issued.callback_token
    holder["api_token"] = casino_token or issued.api_token
    holder["secret_key"] = casino_token or issued.secret_key
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
        dialect,
        issued.secret_key,
    )
    try:
        yield stack
    finally:
        if stack._bots is not None:
            stack._bots.close()
        reelhouse.stop()
        casino.stop()
        platform.close()
        if own_transport is not None:
            own_transport.close()


def money(text: str) -> Decimal:
    return Decimal(text)


# How the demo casino's ledger names our transactions, per dialect.
LEDGER_KIND = {"bet": "bet", "win": "win", "cancel": "cancel", "bet_win": "betwin"}
B_ROLLBACK_PREFIX = "rollback:"  # the SDK keys a B rollback (which has no id) by its target


def reelhouse_id(dialect: str, trans_guid: str) -> int | None:
    """Our call id behind a casino ledger row's id: SlotCity and iGamingAce A carry it in
    decimal, iGamingAce B in 32 hex digits. None for a B rollback, which has no id of its own
    on the wire (its call id is not known to the casino)."""
    if dialect == "igamingace-b":
        return None if trans_guid.startswith(B_ROLLBACK_PREFIX) else int(trans_guid, 16)
    return int(trans_guid)


def count(stack: Stack, model: type) -> int:
    """Rows in a table: refused requests must leave this unchanged."""
    with stack.platform.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
