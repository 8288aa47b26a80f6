"""The Reelhouse app in-process, for tests that post many bodies: the ASGI app called
directly (no sockets), its wallet calls answered by the demo casino's logic in-process, a
real database. Two operators: one on SlotCity v4 (the Main API and iGamingAce A facade) and
one on iGamingAce B (whose facade checks a secret-key signature)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

from reelhouse.api.app import create_app
from reelhouse.api.wiring import build_platform
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import launch, operators, players
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.models import Base
from reelhouse.store.secrets import new_key_text

WALLET_BASE = "http://wallet.invalid"
OPERATOR = "casino_one"
OPERATOR_B = "casinob"
# Tables a refusal writes to by design (services/ops_logs.py, services/rg_audit.py): not a
# change it makes.
REFUSAL_JOURNALS = frozenset({"api_errors", "rg_audit"})


class CasinoTransport:
    """Hands each callback to the demo casino's endpoint for its path, as its web app does."""

    def __init__(self, casino: Casino) -> None:
        self.casino = casino

    def send(self, request: HttpRequest) -> HttpAnswer:
        answer = self.casino.answer_path(
            urlsplit(request.url).path, dict(request.headers), request.body
        )
        return HttpAnswer(404, b"") if answer is None else HttpAnswer(200, answer)


def _cookie(cookies: dict[str, str] | None) -> dict[str, str]:
    # A header, not httpx's per-request cookies (deprecated, and warnings are errors here).
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else {}


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

    def _run(self, call: Coroutine[Any, Any, httpx.Response]) -> httpx.Response:
        # The loop runs on a thread of its own: the browser tests' driver may keep a loop
        # running on this test process's main thread, where a second one cannot run.
        return asyncio.run_coroutine_threadsafe(call, self.loop).result()

    def post(
        self, path: str, body: bytes, token: str | bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        # Bytes let a test send a token that is not ASCII (headers are bytes on the wire).
        raw = token if isinstance(token, bytes) else token.encode("ascii")
        sent = {"Authorization": b"Bearer " + raw, "Content-Type": b"application/json"}
        sent |= {name: value.encode("ascii") for name, value in (headers or {}).items()}
        return self._run(self.client.post(path, content=body, headers=sent))

    def get(self, path: str, cookies: dict[str, str] | None = None) -> httpx.Response:
        return self._run(self.client.get(path, headers=_cookie(cookies)))

    def post_form(self, path: str, form: bytes, cookies: dict[str, str]) -> httpx.Response:
        headers = _cookie(cookies) | {"Content-Type": "application/x-www-form-urlencoded"}
        return self._run(self.client.post(path, content=form, headers=headers))

    def row_counts(self) -> tuple[int, ...]:
        """Rows in every table, in one query: a refused request must leave this unchanged.
        The API error log is left out: it is the journal of refusals, written for each one.

        Acknowledged wins still pending (dispatch/ack_batch.py) are written first: each
        writes its round's event, and the timer that writes them would otherwise land
        between two counts."""
        wallet = self.platform.wallet
        if isinstance(wallet, WalletSender):
            wallet.write_pending_acks()
        counts = [
            select(func.count()).select_from(table).scalar_subquery()
            for table in Base.metadata.sorted_tables
            if table.name not in REFUSAL_JOURNALS
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
    loop_thread = threading.Thread(target=loop.run_forever, name="inprocess-app", daemon=True)
    loop_thread.start()
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(
            app=app, raise_app_exceptions=False, client=("127.0.0.1", 4000)
        ),
        base_url="http://rh.invalid",
    )
    try:
        yield App(platform, app, casino, one.api_token, b.api_token, b.secret_key, loop, client)
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        loop_thread.join()
        loop.close()
        platform.close()
        casino.dispose()


GAME = "lucky-sevens"
PLAYER = "alice"  # the SlotCity operator's player, with a game session open
PLAYER_B = "Player01"  # the flavour B operator's player, linked once


@contextmanager
def seeded_app(database_url: str, tmp_path: Path) -> Iterator[tuple[App, int, str]]:
    """The app with funded players on both operators: (app, alice's user_code, the token of
    a game session alice has open)."""
    with inprocess_app(database_url, tmp_path) as app:
        app.casino.create_player(PLAYER, "USD", "100000.00")
        app.casino.create_player(PLAYER_B, "USD", "100000.00")
        with app.platform.db.transaction() as session:
            operator = operators.find_by_name(session, OPERATOR)
            operator_b = operators.find_by_name(session, OPERATOR_B)
        user_code = players.create_or_get(app.platform, operator.id, PLAYER).user_code
        players.create_or_get(app.platform, operator_b.id, PLAYER_B, players.IGAMINGACE_B_NAMES)
        request = launch.LaunchRequest(user_code, 1, GAME, "en", "", Decimal(0))
        url = launch.create_launch_url(app.platform, operator, request)
        yield app, user_code, launch.open_launch(app.platform, url.rsplit("/", 1)[1])
