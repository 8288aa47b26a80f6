"""The demo casino's callback side, check by check, through the real codec (httpx.Client)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from reelhouse.domain.clock import FakeClock
from reelhouse.domain.wallet import CommandKind, OutcomeKind, TransStatus
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.sdk import Reply
from reelhouse.operator_kit.sdk import wallet as wallet_module
from reelhouse.operator_kit.sdk.ledger import apply_command

from .casino_helpers import (
    TOKEN,
    Mount,
    Provider,
    balance_of,
    bet,
    cancel,
    http_post,
    make_player,
    read,
    status,
    win,
)


@pytest.fixture
def alice(client: httpx.Client) -> str:
    make_player(client, "alice", "100.00")
    return "alice"


def ledger(client: httpx.Client) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = client.get("/api/ledger").json()["rows"]
    return rows


# --- reads ------------------------------------------------------------------------------


def test_authenticate_answers_account_and_balance(provider: Provider, alice: str) -> None:
    answer = provider.post(provider.request(read(CommandKind.AUTHENTICATE, alice)))
    assert answer.body == b'{"result":0,"status":"OK","data":{"account":"alice","balance":100.00}}'


def test_reads_of_an_unknown_player_are_21(provider: Provider) -> None:
    for kind in (CommandKind.AUTHENTICATE, CommandKind.BALANCE):
        raw, outcome = provider.send(read(kind, "nobody"))
        assert raw == {"result": 21, "status": "ERROR"}
        assert outcome.kind is OutcomeKind.REFUSED


def test_balance_of_an_inactive_player_is_22(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    assert provider.send(read(CommandKind.BALANCE, alice))[1].balance_minor == 10000
    client.post(f"/api/players/{alice}/active", json={"active": False})
    assert provider.send(read(CommandKind.BALANCE, alice))[0] == {"result": 22, "status": "ERROR"}
    client.post(f"/api/players/{alice}/active", json={"active": True})
    assert provider.result(read(CommandKind.BALANCE, alice)) == 0


# --- bets -------------------------------------------------------------------------------


def test_a_bet_debits_once_and_a_repeat_is_41(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    answer = provider.post(provider.request(bet(alice, 1, 1230)))
    assert answer.body == b'{"result":0,"status":"OK","data":{"balance":87.70}}'
    answer = provider.post(provider.request(bet(alice, 1, 1230)))
    assert answer.body == b'{"result":41,"status":"ERROR","data":{"balance":87.70}}'
    assert balance_of(client, alice) == 8770
    assert len(ledger(client)) == 1


def test_a_bet_above_the_balance_is_31_and_changes_nothing(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    raw, outcome = provider.send(bet(alice, 1, 10001))
    assert raw == {"result": 31, "status": "ERROR", "data": {"balance": Decimal("100.00")}}
    assert outcome.refusal is not None and outcome.refusal.value == "insufficient_funds"
    assert balance_of(client, alice) == 10000
    assert ledger(client) == []
    # The whole balance can be bet, and the refused id is still free to use.
    assert provider.result(bet(alice, 1, 10000)) == 0
    assert balance_of(client, alice) == 0


def test_bets_of_unknown_or_inactive_players_are_refused(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    assert provider.result(bet("nobody", 1, 100)) == 21
    client.post(f"/api/players/{alice}/active", json={"active": False})
    assert provider.result(bet(alice, 2, 100)) == 22
    assert balance_of(client, alice) == 10000


# --- wins -------------------------------------------------------------------------------


def test_a_win_credits_once_and_a_repeat_is_41(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    provider.send(bet(alice, 1, 1000))
    raw, outcome = provider.send(win(alice, 2, 2550, round_id=1))
    assert outcome.kind is OutcomeKind.APPLIED and outcome.balance_minor == 11550
    raw, outcome = provider.send(win(alice, 2, 2550, round_id=1))
    assert raw["result"] == 41
    assert outcome.kind is OutcomeKind.ALREADY_APPLIED and outcome.balance_minor == 11550
    assert balance_of(client, alice) == 11550


def test_a_losing_round_still_records_its_zero_win(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    provider.send(bet(alice, 1, 500))
    assert provider.result(win(alice, 2, 0, round_id=1)) == 0
    rows = ledger(client)
    assert [(r["kind"], r["amount_minor"], r["round_id"]) for r in rows] == [
        ("bet", 500, 1),
        ("win", 0, 1),
    ]


def test_a_win_for_an_inactive_player_follows_the_listed_checks(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    client.post(f"/api/players/{alice}/active", json={"active": False})
    raw, outcome = provider.send(win(alice, 2, 100))
    assert raw["result"] == 22
    assert outcome.kind is OutcomeKind.UNKNOWN  # Reelhouse keeps retrying it
    client.post(f"/api/players/{alice}/active", json={"active": True})
    assert provider.send(win(alice, 2, 100))[1].balance_minor == 10100


# --- cancels ----------------------------------------------------------------------------


def test_cancel_of_a_bet_refunds_once(client: httpx.Client, provider: Provider, alice: str) -> None:
    provider.send(bet(alice, 1, 2000))
    outcome = provider.send(cancel(alice, 2, 1, 2000, round_id=1))[1]
    assert outcome.kind is OutcomeKind.APPLIED and outcome.balance_minor == 10000
    # The same cancel again, and another cancel of the same bet: both 41, no second refund.
    assert (
        provider.send(cancel(alice, 2, 1, 2000, round_id=1))[1].kind is OutcomeKind.ALREADY_APPLIED
    )
    assert provider.result(cancel(alice, 3, 1, 2000, round_id=1)) == 41
    assert balance_of(client, alice) == 10000
    outcome = provider.send(status(alice, 1))[1]
    assert outcome.trans_status is TransStatus.CANCELED
    rows = ledger(client)
    assert [
        (r["trans_guid"], r["kind"], r["cancelled_by"], r["cancel_trans_guid"]) for r in rows
    ] == [
        ("1", "bet", "2", None),
        ("2", "cancel", None, "1"),
    ]
    assert (rows[1]["balance_before_minor"], rows[1]["balance_after_minor"]) == (8000, 10000)


def test_cancel_of_a_win_takes_the_credit_back(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    provider.send(bet(alice, 1, 1000))
    provider.send(win(alice, 2, 5000, round_id=1))
    provider.send(bet(alice, 3, 13000, round_id=3))  # the player spends the win
    outcome = provider.send(cancel(alice, 4, 2, 5000, round_id=1))[1]
    assert outcome.kind is OutcomeKind.APPLIED
    # 100 - 10 + 50 - 130 - 50: a reversal is a fact, even into debt.
    assert outcome.balance_minor == -4000
    assert provider.send(status(alice, 2))[1].trans_status is TransStatus.CANCELED
    assert provider.send(status(alice, 1))[1].trans_status is TransStatus.OK


def test_a_cancel_before_its_bet_leaves_a_tombstone(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    # The cancel overtook its bet: nothing to refund, answered 43 every time.
    for _ in range(2):
        raw, outcome = provider.send(cancel(alice, 2, 1, 700, round_id=1))
        assert raw == {"result": 43, "status": "ERROR", "data": {"balance": Decimal("100.00")}}
        assert outcome.kind is OutcomeKind.NOT_FOUND
    # The bet lands late: refused as already processed, no money moves.
    raw, outcome = provider.send(bet(alice, 1, 700))
    assert raw["result"] == 41
    assert outcome.kind is OutcomeKind.UNKNOWN  # so Reelhouse cancels it: 43 again, done
    assert provider.send(cancel(alice, 3, 1, 700, round_id=1))[1].kind is OutcomeKind.NOT_FOUND
    assert provider.result(status(alice, 1)) == 42
    assert balance_of(client, alice) == 10000
    assert ledger(client) == []


def test_a_cancel_before_its_win_keeps_the_late_win_out(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    assert provider.result(cancel(alice, 9, 5, 300, round_id=4)) == 43
    assert provider.result(win(alice, 5, 300, round_id=4)) == 41
    assert balance_of(client, alice) == 10000


@pytest.mark.parametrize(
    "bad_cancel",
    [
        cancel("alice", 3, 1, 999, round_id=1),  # another amount than the bet's
        cancel("alice", 3, 2, 1000, round_id=1),  # a cancel of a cancel
        cancel("bob", 3, 1, 1000, round_id=1),  # another player's bet
    ],
)
def test_a_cancel_that_contradicts_the_ledger_is_99_and_changes_nothing(
    client: httpx.Client, provider: Provider, alice: str, bad_cancel: object
) -> None:
    make_player(client, "bob", "5.00")
    provider.send(bet(alice, 1, 1000))
    provider.send(cancel(alice, 2, 1, 1000, round_id=1))
    provider.send(bet(alice, 4, 1000, round_id=4))
    before = ledger(client)
    assert provider.result(bad_cancel) == 99  # type: ignore[arg-type]
    assert ledger(client) == before
    assert (balance_of(client, alice), balance_of(client, "bob")) == (9000, 500)


# --- status -----------------------------------------------------------------------------


def test_status_answers_ok_or_42(client: httpx.Client, provider: Provider, alice: str) -> None:
    make_player(client, "bob", "5.00")
    provider.send(bet(alice, 1, 100))
    answer = provider.post(provider.request(status(alice, 1)))
    assert answer.body == (
        b'{"result":0,"status":"OK","data":{"account":"alice","trans_guid":"1",'
        b'"trans_status":"OK"}}'
    )
    assert provider.send(status(alice, 77))[0] == {
        "result": 42,
        "status": "ERROR",
        "data": {"balance": Decimal("99.00")},
    }
    assert provider.result(status("bob", 1)) == 42  # not bob's transaction
    assert provider.result(status("nobody", 1)) == 21


# --- the check list ---------------------------------------------------------------------


def body_with_checks(provider: Provider, cmd: object, check: str) -> bytes:
    body = provider.request(cmd).body  # type: ignore[arg-type]
    start = body.index(b'"check":"') + len(b'"check":"')
    return body[:start] + check.encode() + body[body.index(b'"', start) :]


@pytest.mark.parametrize(
    ("check", "expected"),
    [("21,22,41,31", 22), ("21,31,22", 31), ("21,41,31,22", 41), ("", 22), ("22,21", 22)],
)
def test_checks_run_in_the_listed_order(
    client: httpx.Client, provider: Provider, alice: str, check: str, expected: int
) -> None:
    provider.send(bet(alice, 1, 6000))
    client.post(f"/api/players/{alice}/active", json={"active": False})
    # A repeat of bet 1, which now also exceeds the balance, for an inactive player.
    answer = provider.raw(body_with_checks(provider, bet(alice, 1, 6000), check))
    assert answer["result"] == expected
    assert balance_of(client, alice) == 4000


@pytest.mark.parametrize(("check", "expected"), [("21", 41), ("", 41), ("21,22", 41)])
def test_safety_checks_run_even_when_not_listed(
    client: httpx.Client, provider: Provider, alice: str, check: str, expected: int
) -> None:
    provider.send(bet(alice, 1, 100))
    assert provider.raw(body_with_checks(provider, bet(alice, 1, 100), check))["result"] == expected
    assert provider.raw(body_with_checks(provider, bet(alice, 2, 10**6), check))["result"] == 31
    assert balance_of(client, alice) == 9900


# --- currencies -------------------------------------------------------------------------


def test_jpy_and_kwd_balances_are_exact(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "taro", "1000", currency="JPY")
    make_player(client, "fahad", "10.000", currency="KWD")
    answer = provider.post(provider.request(bet("taro", 1, 150, currency="JPY")))
    assert answer.body == b'{"result":0,"status":"OK","data":{"balance":850}}'
    answer = provider.post(provider.request(bet("fahad", 2, 1250, currency="KWD")))
    assert answer.body == b'{"result":0,"status":"OK","data":{"balance":8.750}}'
    outcome = provider.send(win("fahad", 3, 1, currency="KWD", round_id=2))[1]
    assert outcome.balance_minor == 8751


def test_an_amount_finer_than_the_player_currency_is_99(
    client: httpx.Client, provider: Provider
) -> None:
    make_player(client, "taro", "1000", currency="JPY")
    # Encoded as USD, so the amount reads 1.50: half a yen cannot be debited.
    assert provider.result(bet("taro", 1, 150, currency="USD")) == 99
    assert balance_of(client, "taro") == 1000


# --- authentication and robustness -------------------------------------------------------


def test_a_wrong_token_is_100_with_http_200(provider: Provider, alice: str) -> None:
    intruder = Provider(provider.post, provider.clock, token="not-the-token")
    answer = intruder.post(intruder.request(bet(alice, 1, 100)))
    assert (answer.status, answer.body) == (200, b'{"result":100,"status":"ERROR"}')


def test_an_unsigned_or_stale_callback_is_100(
    client: httpx.Client, provider: Provider, clock: FakeClock, alice: str
) -> None:
    request = provider.request(bet(alice, 1, 100))
    unsigned = {"Callback-Token": TOKEN, "Content-Type": "application/json"}
    assert provider.raw(request.body, unsigned)["result"] == 100
    clock.advance(seconds=301)
    assert provider.post(request).body == b'{"result":100,"status":"ERROR"}'
    assert balance_of(client, alice) == 10000


def test_malformed_callbacks_are_99(provider: Provider) -> None:
    assert provider.raw(b"{not json") == {"result": 99, "status": "ERROR"}
    assert provider.raw(b'{"command":"jackpot","data":{}}')["result"] == 99


def test_a_casino_can_compare_the_token_only(
    casino_url: str, clock: FakeClock, mount: Mount
) -> None:
    client = mount(create_casino_app(casino_url, TOKEN, require_signature=False, clock=clock))
    make_player(client, "alice", "1.00")
    body = b'{"command":"balance","data":{"account":"alice"},"timestamp":"1","check":"21"}'
    answer = client.post("/callback", content=body, headers={"Callback-Token": TOKEN})
    assert answer.content == b'{"result":0,"status":"OK","data":{"balance":1.00}}'


def test_the_token_can_be_reissued_while_running(
    casino_url: str, clock: FakeClock, mount: Mount
) -> None:
    tokens = ["first-token"]
    client = mount(create_casino_app(casino_url, lambda: tokens[-1], clock=clock))
    make_player(client, "alice", "1.00")
    old = Provider(http_post(client), clock, token="first-token")
    new = Provider(http_post(client), clock, token="second-token")
    assert old.result(read(CommandKind.BALANCE, "alice")) == 0
    tokens.append("second-token")
    assert old.result(read(CommandKind.BALANCE, "alice")) == 100
    assert new.result(read(CommandKind.BALANCE, "alice")) == 0


def test_an_internal_failure_is_99_and_rolls_back(
    app: FastAPI,
    client: httpx.Client,
    provider: Provider,
    alice: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(*args: Any) -> Reply:
        apply_command(*args)  # the money moves, then the commit never happens
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(wallet_module, "apply_command", failing)
    answer = provider.post(provider.request(bet(alice, 1, 100)))
    assert (answer.status, answer.body) == (200, b'{"result":99,"status":"ERROR"}')
    monkeypatch.undo()
    assert balance_of(client, alice) == 10000
    assert provider.result(bet(alice, 1, 100)) == 0  # nothing was kept: the id is still new


def test_an_oversized_callback_is_99(client: httpx.Client, provider: Provider) -> None:
    body = b'{"command":"balance"' + b" " * 70_000 + b"}"
    assert provider.raw(body)["result"] == 99


def test_a_token_header_sent_twice_with_different_values_is_100(
    client: httpx.Client, provider: Provider, alice: str
) -> None:
    request = provider.request(read(CommandKind.BALANCE, alice))
    headers = [*request.headers, ("callback-token", "something-else")]
    response = client.post("/callback", content=request.body, headers=headers)
    assert response.content == b'{"result":100,"status":"ERROR"}'
