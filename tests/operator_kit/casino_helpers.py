"""Drive the demo casino the way Reelhouse does: commands through the SlotCity-v4 codec."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

import httpx
import uvicorn

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.clock import FakeClock
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
    WalletCommand,
    WalletOutcome,
)

TOKEN = "3b8e1f0a-6c2d-4e9b-8a7f-5d1c0e2b4a96"
START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)

Post = Callable[[HttpRequest], HttpAnswer]
Mount = Callable[[Any], httpx.Client]  # put a casino app behind the test server


def money(
    kind: CommandKind, account: str, trans_id: int, amount_minor: int, **kw: Any
) -> WalletCommand:
    return WalletCommand(
        kind,
        account,
        kw.pop("currency", "USD"),
        session_id=11,
        trans_id=trans_id,
        round_id=kw.pop("round_id", trans_id),
        amount_minor=amount_minor,
        provider_id=1,
        game_code="fruit_party",
        game_type="slot",
        created_at_ms=1_772_366_400_000,
        **kw,
    )


def bet(account: str, trans_id: int, amount_minor: int, **kw: Any) -> WalletCommand:
    return money(CommandKind.BET, account, trans_id, amount_minor, **kw)


def win(account: str, trans_id: int, amount_minor: int, **kw: Any) -> WalletCommand:
    return money(CommandKind.WIN, account, trans_id, amount_minor, **kw)


def cancel(account: str, trans_id: int, target: int, amount_minor: int, **kw: Any) -> WalletCommand:
    return money(CommandKind.CANCEL, account, trans_id, amount_minor, cancel_trans_id=target, **kw)


def read(kind: CommandKind, account: str, currency: str = "USD") -> WalletCommand:
    return WalletCommand(kind, account, currency)


def status(account: str, target: int, currency: str = "USD") -> WalletCommand:
    return WalletCommand(CommandKind.STATUS, account, currency, cancel_trans_id=target)


def http_post(client: httpx.Client) -> Post:
    def post(request: HttpRequest) -> HttpAnswer:
        response = client.post("/callback", content=request.body, headers=dict(request.headers))
        return HttpAnswer(response.status_code, response.content)

    return post


class Provider:
    """Plays Reelhouse against a casino: encodes, signs, posts, decodes."""

    def __init__(self, post: Post, clock: FakeClock, token: str = TOKEN) -> None:
        self.post = post
        self.clock = clock
        self.creds = CallbackCredentials("http://casino.test/callback", token)

    def request(self, cmd: WalletCommand) -> HttpRequest:
        return slotcity_v4.encode_command(cmd, self.creds, int(self.clock.now().timestamp()))

    def send(self, cmd: WalletCommand) -> tuple[dict[str, Any], WalletOutcome]:
        """The raw answer as JSON, and what the Reelhouse side makes of it."""
        answer = self.post(self.request(cmd))
        assert answer.status == 200, answer
        return json.loads(answer.body, parse_float=Decimal), slotcity_v4.decode_answer(cmd, answer)

    def result(self, cmd: WalletCommand) -> int:
        return int(self.send(cmd)[0]["result"])

    def raw(self, body: bytes, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """Post a hand-made body, signed unless headers are given."""
        timestamp = str(int(self.clock.now().timestamp()))
        if headers is None:
            headers = {
                "Callback-Token": self.creds.callback_token,
                "Content-Type": "application/json",
                "X-Reelhouse-Timestamp": timestamp,
                "X-Reelhouse-Signature": slotcity_v4.sign(
                    self.creds.callback_token, timestamp, body
                ),
            }
        request = HttpRequest("POST", self.creds.callback_url, tuple(headers.items()), body, 2000)
        answer = self.post(request)
        assert answer.status == 200, answer
        parsed: dict[str, Any] = json.loads(answer.body, parse_float=Decimal)
        return parsed


def make_player(client: Any, account: str, balance: str, currency: str = "USD") -> None:
    """Create a player through the admin API (`client`: a TestClient or an httpx.Client)."""
    response = client.post(
        "/api/players", json={"account": account, "currency": currency, "balance": balance}
    )
    assert response.status_code == 201, response.text


def balance_of(client: Any, account: str) -> int:
    response = client.get(f"/api/players/{account}")
    assert response.status_code == 200, response.text
    minor: int = response.json()["balance_minor"]
    return minor


class Switch:
    """An ASGI app forwarding to whichever app the current test mounted.

    One uvicorn server per test session instead of one per test: starting and stopping a
    server costs ~0.2 s, a mount costs nothing.
    """

    def __init__(self) -> None:
        self.target: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert self.target is not None, "no app mounted"
        await self.target(scope, receive, send)


@contextmanager
def serve(app: Any, lifespan: Literal["on", "off"] = "on") -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port in a thread; yields its base URL."""
    # proto must be IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets
    # whose proto says TCP, and without it every answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
