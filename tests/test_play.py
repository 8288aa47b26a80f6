"""Launch URLs, the game API and the round over real HTTP against the demo casino."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from reelhouse.domain.states import CallState, RoundState
from reelhouse.store.models import CallAttempt, GameSession, Operator, Round, WalletCall
from tests.harness import GAME, Stack, count, running_stack
from tests.scripted_wallet import ScriptedWallet


def launch_url(stack: Stack, name: str = "alice", balance: str = "100.00") -> str:
    user_code = stack.bots().fund_player(name, "USD", balance)
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    url: str = stack.call("/v4/game/game-url", body)["data"]["game_url"]
    return url


def open_session(url: str) -> str:
    page = httpx.get(url, follow_redirects=True)
    assert page.status_code == 200
    assert "/play/s/" in page.url.path
    return page.url.path.rsplit("/", 1)[1]


def spin(stack: Stack, session_token: str, bet: object) -> dict[str, object]:
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        json={"bet": bet},
        headers={"Authorization": f"Bearer {session_token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    envelope: dict[str, object] = answer.json()
    return envelope


def test_launch_url_works_once(stack: Stack) -> None:
    url = launch_url(stack)
    session_token = open_session(url)
    assert httpx.get(url).status_code == 410
    assert count(stack, GameSession) == 1
    # The session's own URL survives a reload.
    assert httpx.get(f"{stack.reelhouse.url}/play/s/{session_token}").status_code == 200


def test_launch_url_expires_after_ten_minutes(stack: Stack) -> None:
    url = launch_url(stack)
    stack.clock.advance(minutes=10)
    assert httpx.get(url).status_code == 410
    assert count(stack, GameSession) == 0


def test_launch_url_just_inside_ten_minutes_works(stack: Stack) -> None:
    url = launch_url(stack)
    stack.clock.advance(minutes=9, seconds=59)
    open_session(url)


def test_a_spin_debits_then_credits(stack: Stack) -> None:
    session_token = open_session(launch_url(stack))
    envelope = spin(stack, session_token, "1.00")
    assert envelope["code"] == 0, envelope
    data = envelope["data"]
    assert isinstance(data, dict)
    assert data["state"] == RoundState.SETTLED
    assert data["win_credited"] is True
    assert Decimal(str(data["balance"])) == Decimal("99.00") + Decimal(str(data["win"]))
    # The answer may come before the win's acknowledgement is written (within moments,
    # dispatch/ack_batch.py): read straight from the database, it is written first.
    stack.platform.wallet.write_pending_acks()
    with stack.platform.db.transaction() as session:
        calls = session.scalars(select(WalletCall).order_by(WalletCall.trans_type)).all()
        assert [(c.trans_type, c.state) for c in calls] == [(1, "acked"), (2, "acked")]


@pytest.mark.parametrize(
    "bet",
    [
        "0",
        "0.00",
        "-1.00",
        "1.001",
        "abc",
        "NaN",
        "Infinity",
        "1e3",
        "99999999999999999999",
        "1000.01",
        "0.05",
        1,
        1.5,
        None,
        True,
        ["1"],
        "",
    ],
)
def test_bad_bets_are_refused_and_leave_no_row(stack: Stack, bet: object) -> None:
    session_token = open_session(launch_url(stack))
    envelope = spin(stack, session_token, bet)
    assert envelope["code"] in (1002, 1012), envelope
    assert count(stack, Round) == 0
    assert count(stack, WalletCall) == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"[]",
        b'"x"',
        b'{"bet":"1.00","extra":1}',
        b'{"bet":"1.00"',
        b"\xff\xfe",
        b'{"bet":"1.00","bet":"2.00"}x',
        b"{" + b" " * 70_000 + b"}",
    ],
)
def test_malformed_bodies_get_1002(stack: Stack, raw: bytes) -> None:
    session_token = open_session(launch_url(stack))
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        content=raw,
        headers={"Authorization": f"Bearer {session_token}", "Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json()["code"] == 1002
    assert count(stack, Round) == 0


def test_unknown_session_is_refused(stack: Stack) -> None:
    assert spin(stack, "nope", "1.00")["code"] == 3001


def test_insufficient_funds_rejects_the_round_with_no_further_call(stack: Stack) -> None:
    session_token = open_session(launch_url(stack, balance="0.50"))
    envelope = spin(stack, session_token, "1.00")
    assert envelope["code"] == 2006
    with stack.platform.db.transaction() as session:
        round_ = session.scalars(select(Round)).one()
        assert round_.state == RoundState.REJECTED
        calls = session.scalars(select(WalletCall)).all()
        assert [(c.kind, c.state) for c in calls] == [("bet", CallState.REFUSED)]
    assert stack.bots().casino_balance("alice") == Decimal("0.50")


def test_bet_timeout_leaves_round_cancelling_with_a_cancel_recorded(
    database_url: str, tmp_path: Path
) -> None:
    # The dialect's real timeouts: this test is about them.
    with running_stack(database_url, tmp_path, timeout_scale=1) as stack:
        _bet_times_out(stack)


def _bet_times_out(stack: Stack) -> None:
    url = launch_url(stack)
    with ScriptedWallet() as wallet:
        wallet.hang.update({"bet", "cancel"})
        with stack.platform.db.transaction() as session:
            op = session.get(Operator, stack.operator_id)
            assert op is not None
            op.callback_url = wallet.url
        session_token = open_session(url)
        envelope = spin(stack, session_token, "1.00")
        assert envelope["code"] == 3003
        with stack.platform.db.transaction() as session:
            round_ = session.scalars(select(Round)).one()
            assert round_.state == RoundState.CANCELLING
        # The answer names the round being cancelled (as text: 63-bit ids), so the client
        # and the operator can follow it.
        assert envelope["data"] == {"round_id": str(round_.id)}
        with stack.platform.db.transaction() as session:
            bet, cancel = session.scalars(select(WalletCall).order_by(WalletCall.trans_type)).all()
            assert (bet.kind, bet.state) == ("bet", CallState.UNKNOWN)
            assert (cancel.kind, cancel.cancel_of_id) == ("cancel", bet.id)
            assert cancel.amount_minor == bet.amount_minor
            # Attempted once, failed (timed out), and queued for the worker.
            assert cancel.state == CallState.QUEUED
            assert cancel.attempts == 1
            attempts = session.scalars(
                select(CallAttempt).where(CallAttempt.call_id == cancel.id)
            ).all()
            assert [a.outcome for a in attempts] == ["unknown"]
        assert len(wallet.received["cancel"]) == 1
        # The cancel went out once: the round waits for its retries, the player does not.
        wallet.hang.clear()
        assert spin(stack, session_token, "1.00")["code"] == 0
        assert len(wallet.received["bet"]) == 2
