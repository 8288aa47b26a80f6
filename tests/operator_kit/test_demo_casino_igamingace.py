"""The demo casino's iGamingAce endpoints, through Reelhouse's own codecs over HTTP: exact
answer bytes, and what Reelhouse reads from them. One wallet behind all dialects."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from reelhouse.dialects import igamingace_a, igamingace_b
from reelhouse.dialects.base import CallbackCredentials, Dialect
from reelhouse.domain.clock import FakeClock
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    WalletCommand,
    WalletOutcome,
)
from reelhouse.operator_kit.demo_casino import create_casino_app

from .casino_helpers import TOKEN, Mount, balance_of, make_player
from .casino_helpers import bet as slotcity_bet
from .conformance_helpers import API_TOKEN, KEYS, SECRET_KEY

GAME = "lucky-sevens"


class Operator:
    """Plays Reelhouse in one iGamingAce flavour against the casino."""

    def __init__(self, client: httpx.Client, dialect: Dialect, path: str, clock: FakeClock):
        self.client, self.dialect, self.clock = client, dialect, clock
        self.creds = CallbackCredentials(
            f"http://casino.test{path}", TOKEN, API_TOKEN, SECRET_KEY, "casino_one"
        )

    def send(
        self, cmd: WalletCommand, creds: CallbackCredentials | None = None
    ) -> tuple[bytes, WalletOutcome]:
        request = self.dialect.encode_command(
            cmd, creds or self.creds, int(self.clock.now().timestamp())
        )
        path = request.url.removeprefix("http://casino.test")
        answer = self.client.post(path, content=request.body, headers=dict(request.headers))
        assert answer.status_code == 200, answer.text
        return answer.content, self.dialect.decode_answer(cmd, HttpAnswer(200, answer.content))


def money(kind: CommandKind, trans: int, amount: int, **kw: Any) -> WalletCommand:
    return WalletCommand(
        kind,
        kw.pop("account", "alice"),
        kw.pop("currency", "USD"),
        session_id=5,
        trans_id=trans,
        round_id=kw.pop("round_id", trans),
        amount_minor=amount,
        provider_id=1,
        game_code=GAME,
        game_type="slot",
        created_at_ms=1_772_366_400_000,
        **kw,
    )


def read(account: str = "alice", currency: str = "USD") -> WalletCommand:
    return WalletCommand(CommandKind.BALANCE, account, currency)


@pytest.fixture
def casino(casino_url: str, clock: FakeClock) -> FastAPI:
    return create_casino_app(casino_url, TOKEN, clock=clock, keys=lambda _d: KEYS)


@pytest.fixture
def client(casino: FastAPI, mount: Mount) -> httpx.Client:
    client = mount(casino)
    make_player(client, "alice", "100.00")
    return client


@pytest.fixture
def flavour_a(client: httpx.Client, clock: FakeClock) -> Operator:
    return Operator(client, igamingace_a.IGAMINGACE_A, "/igamingace-a/callback", clock)


@pytest.fixture
def flavour_b(client: httpx.Client, clock: FakeClock) -> Operator:
    return Operator(client, igamingace_b.IGAMINGACE_B, "/igamingace-b", clock)


# --- flavour A --------------------------------------------------------------------------


def test_a_reads_and_bets(flavour_a: Operator, client: httpx.Client) -> None:
    assert flavour_a.send(read())[0] == b'{"balance":100,"statusCode":"OK"}'
    bet = money(CommandKind.BET, 1, 1230)
    body, outcome = flavour_a.send(bet)
    assert body == b'{"balance":87.7,"statusCode":"OK"}'
    assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, 8770)
    # A repeated transactionId is registered once and answered OK with the balance (spec).
    assert flavour_a.send(bet)[0] == b'{"balance":87.7,"statusCode":"OK"}'
    body, outcome = flavour_a.send(money(CommandKind.BET, 2, 8771))
    assert body == b'{"balance":87.7,"statusCode":"ERR_NOT_ENOUGH_MONEY"}'
    assert outcome.refusal is RefusalReason.INSUFFICIENT_FUNDS
    assert balance_of(client, "alice") == 8770


def test_a_refusals(flavour_a: Operator, client: httpx.Client) -> None:
    assert flavour_a.send(read("nobody"))[0] == (
        b'{"balance":0,"statusCode":"ERR_INVALID_PLAYER_ID"}'
    )
    assert flavour_a.send(read(currency="EUR"))[0] == (
        b'{"balance":0,"statusCode":"ERR_INVALID_ACCOUNT"}'
    )
    forged = dataclasses.replace(flavour_a.creds, api_token="not-the-token")
    body, outcome = flavour_a.send(money(CommandKind.BET, 1, 100), forged)
    assert body == b'{"balance":0,"statusCode":"ERR_INTEGRITY_CHECK_FAILED"}'
    assert outcome.refusal is RefusalReason.BAD_TOKEN
    client.post("/api/players/alice/active", json={"active": False})
    assert flavour_a.send(money(CommandKind.BET, 2, 100))[1].refusal is RefusalReason.PLAYER_BLOCKED
    # Wins are accepted after the player left (the spec: ERR_NOT_AUTHENTICATED must not happen).
    assert flavour_a.send(money(CommandKind.WIN, 3, 100))[0] == (
        b'{"balance":101,"statusCode":"OK"}'
    )


def test_a_betwin_and_cancels(flavour_a: Operator, client: httpx.Client) -> None:
    round_ = money(CommandKind.BET_WIN, 1, 500, win_minor=1250)
    assert flavour_a.send(round_)[0] == b'{"balance":107.5,"statusCode":"OK"}'
    cancel = money(CommandKind.CANCEL, 2, 500, cancel_trans_id=1, round_id=1)
    assert flavour_a.send(cancel)[0] == b'{"balance":100,"statusCode":"OK"}'
    again = money(CommandKind.CANCEL, 3, 500, cancel_trans_id=1, round_id=1)
    body, outcome = flavour_a.send(again)
    assert body == b'{"balance":100,"statusCode":"ERR_TRANSACTION_ROLLED_BACK"}'
    assert outcome.kind is OutcomeKind.ALREADY_APPLIED
    unknown = money(CommandKind.CANCEL, 4, 500, cancel_trans_id=99, round_id=99)
    body, outcome = flavour_a.send(unknown)
    assert body == b'{"balance":100,"statusCode":"ERR_TRANSACTION_DOES_NOT_EXIST"}'
    assert outcome.kind is OutcomeKind.NOT_FOUND
    # The bet the cancel overtook lands late: rolled back already, it moves nothing.
    late = flavour_a.send(money(CommandKind.BET, 99, 500))
    assert late[0] == b'{"balance":100,"statusCode":"ERR_TRANSACTION_ROLLED_BACK"}'
    assert late[1].kind is OutcomeKind.UNKNOWN  # so Reelhouse cancels it: done again
    assert balance_of(client, "alice") == 10000


# --- flavour B --------------------------------------------------------------------------


def test_b_reads_bets_and_wins(flavour_b: Operator, client: httpx.Client) -> None:
    assert flavour_b.send(read())[0] == b'{"code":0,"message":"success","balance":100.00}'
    bet = money(CommandKind.BET, 1, 1230)
    body, outcome = flavour_b.send(bet)
    assert body == (b'{"code":0,"message":"success","platformTransactionID":"1","balance":87.70}')
    assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, 8770)
    assert flavour_b.send(bet)[0] == (
        b'{"code":11,"message":"duplicate transaction","balance":87.70}'
    )
    win = money(CommandKind.WIN, 2, 2000, round_id=1, bet_trans_id=1)
    assert flavour_b.send(win)[1].balance_minor == 10770
    body, outcome = flavour_b.send(win)
    assert body == b'{"code":11,"message":"duplicate transaction","balance":107.70}'
    assert outcome.kind is OutcomeKind.ALREADY_APPLIED
    assert flavour_b.send(money(CommandKind.BET, 3, 10771))[0] == (
        b'{"code":6,"message":"insufficient funds","balance":107.70}'
    )


def test_b_rollbacks(flavour_b: Operator, client: httpx.Client) -> None:
    flavour_b.send(money(CommandKind.BET, 1, 500))
    rollback = money(CommandKind.CANCEL, 2, 500, cancel_trans_id=1, round_id=1)
    assert flavour_b.send(rollback)[0] == b'{"code":0,"message":"success","balance":100.00}'
    body, outcome = flavour_b.send(rollback)
    assert body == b'{"code":9,"message":"already rolled back","balance":100.00}'
    assert outcome.kind is OutcomeKind.ALREADY_APPLIED
    unknown = money(CommandKind.CANCEL, 3, 500, cancel_trans_id=7, round_id=7)
    assert flavour_b.send(unknown)[0] == (
        b'{"code":8,"message":"transaction not found","balance":100.00}'
    )
    late = flavour_b.send(money(CommandKind.BET, 7, 500))
    assert late[0] == b'{"code":9,"message":"already rolled back","balance":100.00}'
    assert balance_of(client, "alice") == 10000


def test_b_refusals(flavour_b: Operator, client: httpx.Client) -> None:
    assert flavour_b.send(read("nobody"))[0] == b'{"code":5,"message":"user not found"}'
    forged = dataclasses.replace(flavour_b.creds, secret_key="not-the-key")
    assert flavour_b.send(money(CommandKind.BET, 1, 100), forged)[0] == (
        b'{"code":3,"message":"invalid sign"}'
    )
    other_agent = dataclasses.replace(flavour_b.creds, agent_id="someone_else")
    assert flavour_b.send(read(), other_agent)[0] == b'{"code":4,"message":"invalid agent"}'
    make_player(client, "fahad", "10.000", currency="KWD")
    # B writes 2 decimals: a KWD balance cannot be told, so nothing is done for it.
    assert flavour_b.send(read("fahad", "KWD"))[0] == (
        b'{"code":2,"message":"wrong input parameters"}'
    )
    client.post("/api/players/alice/active", json={"active": False})
    assert flavour_b.send(money(CommandKind.BET, 2, 100))[0] == (
        b'{"code":1,"message":"general error"}'
    )
    assert client.post("/igamingace-b/Jackpot", content=b"{}").status_code == 404
    assert balance_of(client, "alice") == 10000


# --- one wallet -------------------------------------------------------------------------


def test_three_dialects_one_ledger(
    flavour_a: Operator, flavour_b: Operator, client: httpx.Client, clock: FakeClock
) -> None:
    from .casino_helpers import Provider, http_post

    slotcity = Provider(http_post(client), clock)
    slotcity.send(slotcity_bet("alice", 1, 100))
    flavour_a.send(money(CommandKind.BET, 2, 200))
    flavour_b.send(money(CommandKind.BET, 3, 300))
    # An id is an id, whichever endpoint it came through.
    assert flavour_a.send(money(CommandKind.BET, 1, 100))[1].balance_minor == 9400
    rows = client.get("/api/ledger").json()["rows"]
    assert [(r["trans_guid"], r["round_id"]) for r in rows] == [
        ("1", 1),
        ("2", 2),
        (igamingace_b.format_id(3), igamingace_b.format_id(3)),
    ]
    assert balance_of(client, "alice") == 9400
