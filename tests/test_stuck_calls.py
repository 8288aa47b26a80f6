"""The manual queue: calls parked by driving the retry window past its end with the shared
FakeClock, then listed, retried and resolved from the CLI and from the admin API, every
action audited, and every refused action changing nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from reelhouse.cli import app
from reelhouse.domain.states import CallState, RoundState
from reelhouse.services import audit, stuck_calls
from reelhouse.store.models import AuditEntry, Round, WalletCall
from tests.faults import (
    DROP,
    LOSE_ANSWER,
    FaultTransport,
    calls,
    drain,
    faulty_stack,
    past_retry_window,
    session_for,
    spin,
)
from tests.harness import Stack

ADMIN_TOKEN = "admin-" + "x" * 40


@dataclass
class Parked:
    stack: Stack
    transport: FaultTransport
    win: WalletCall  # dana's win: the bet was debited, the win never got through
    cancel: WalletCall  # erin's cancel: her bet's answer was lost, and no cancel got through


@pytest.fixture
def parked(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parked]:
    monkeypatch.setenv("REELHOUSE_ADMIN_TOKEN", ADMIN_TOKEN)
    with faulty_stack(database_url, tmp_path) as (stack, transport):
        transport.fail("win", DROP)
        assert spin(stack, session_for(stack, "dana"))["code"] == 0
        transport.fail("bet", LOSE_ANSWER, times=1)
        transport.fail("cancel", DROP)
        assert spin(stack, session_for(stack, "erin"))["code"] == 3003
        past_retry_window(stack)
        manual = [c for c in calls(stack) if c.state == CallState.MANUAL]
        win = next(c for c in manual if c.kind == "win")
        cancel = next(c for c in manual if c.kind == "cancel")
        yield Parked(stack, transport, win, cancel)


def snapshot(stack: Stack) -> tuple[Any, ...]:
    with stack.platform.db.transaction() as session:
        call_rows = session.execute(
            select(WalletCall.id, WalletCall.state, WalletCall.next_attempt_at_utc)
        ).all()
        round_rows = session.execute(select(Round.id, Round.state)).all()
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return sorted(map(tuple, call_rows)), sorted(map(tuple, round_rows)), audits


def state_of(stack: Stack, call_id: int) -> tuple[str, str]:
    with stack.platform.db.transaction() as session:
        call = session.get(WalletCall, call_id)
        assert call is not None
        round_ = session.get(Round, call.round_id)
        assert round_ is not None
        return call.state, round_.state


def cli(stack: Stack, *args: str) -> Any:
    env = {
        "REELHOUSE_DATABASE_URL": stack.platform.settings.database_url,
        "REELHOUSE_SECRET_KEY": stack.platform.settings.secret_key,
    }
    return CliRunner().invoke(app, ["stuck", *args], env=env)


def admin(stack: Stack, method: str, path: str, token: str | None = ADMIN_TOKEN, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.request(method, f"{stack.reelhouse.url}/admin{path}", headers=headers, **kw)


def test_parked_calls_are_listed_everywhere(parked: Parked) -> None:
    stack = parked.stack
    assert state_of(stack, parked.win.id) == (CallState.MANUAL, RoundState.DEBITED)
    assert state_of(stack, parked.cancel.id) == (CallState.MANUAL, RoundState.CANCELLING)
    listed = stuck_calls.list_stuck(stack.platform)
    assert [c["trans_id"] for c in listed] == sorted([parked.win.id, parked.cancel.id])
    assert {c["account"] for c in listed} == {"dana", "erin"}
    assert stuck_calls.list_stuck(stack.platform, min_age=dt.timedelta(days=30)) == []
    assert len(stuck_calls.list_stuck(stack.platform, operator="casino_one")) == 2

    answer = admin(stack, "GET", "/stuck-calls", params={"min_age_seconds": 3600}).json()
    assert answer["code"] == 0 and answer["data"]["count"] == 2
    assert answer["data"]["calls"][0]["trans_guid"] == str(listed[0]["trans_id"])
    unknown = admin(stack, "GET", "/stuck-calls", params={"operator": "nobody"}).json()
    assert unknown["code"] == 2001

    result = cli(stack, "list", "--operator", "casino_one")
    assert result.exit_code == 0, result.output
    assert str(parked.win.id) in result.output and "2 call(s)" in result.output
    # The command line runs on the system clock; the calls are minutes old there.
    assert "0 call(s)" in cli(stack, "list", "--min-age", "30d").output
    assert cli(stack, "list", "--min-age", "soon").exit_code == 2


def test_cli_retry_queues_the_win_and_the_worker_credits_it(parked: Parked) -> None:
    stack = parked.stack
    balance_before = stack.bots().casino_balance("dana")
    parked.transport.heal()
    result = cli(
        stack, "retry", str(parked.win.id), "--by", "ops_alice", "--reason", "wallet fixed"
    )
    assert result.exit_code == 0, result.output
    assert state_of(stack, parked.win.id) == (CallState.QUEUED, RoundState.DEBITED)
    (entry,) = audit.recent(stack.platform, target_id=parked.win.id)
    assert (entry["actor"], entry["action"], entry["reason"]) == (
        "ops_alice",
        "stuck_call.retry",
        "wallet fixed",
    )
    assert (entry["before_state"], entry["after_state"]) == ("manual", "queued")
    assert entry["at"].endswith("Z")

    stack.clock.advance(minutes=1)  # past the breaker's cool-down after the failed calls
    drain(stack)
    assert state_of(stack, parked.win.id) == (CallState.ACKED, RoundState.SETTLED)
    credited = stack.bots().casino_balance("dana") - balance_before
    assert credited * 100 == parked.win.amount_minor


def test_a_failed_forced_retry_goes_back_to_the_manual_queue(parked: Parked) -> None:
    stack = parked.stack
    who = audit.Accountable.checked("ops_bob", "one more try")
    stuck_calls.retry(stack.platform, parked.cancel.id, who)
    stack.clock.advance(minutes=1)  # past the breaker's cool-down after the failed calls
    drain(stack)  # the cancel still fails
    assert state_of(stack, parked.cancel.id) == (CallState.MANUAL, RoundState.CANCELLING)


def test_admin_resolve_closes_the_cancel_and_its_round(parked: Parked) -> None:
    stack = parked.stack
    body = {"by": "ops_carol", "reason": "ticket 42: the casino refunded the bet by hand"}
    answer = admin(stack, "POST", f"/stuck-calls/{parked.cancel.id}/resolve", json=body).json()
    assert answer["code"] == 0, answer
    assert answer["data"]["state"] == "resolved" and answer["data"]["round_state"] == "cancelled"
    assert state_of(stack, parked.cancel.id) == (CallState.RESOLVED, RoundState.CANCELLED)
    entries = admin(stack, "GET", "/audit", params={"target_id": parked.cancel.id}).json()
    (entry,) = entries["data"]["entries"]
    assert entry["actor"] == "ops_carol" and entry["action"] == "stuck_call.resolve"
    assert entry["detail"]["round_before"] == "cancelling"
    assert entry["detail"]["round_after"] == "cancelled"
    # The player may play again: the round is terminal.
    parked.transport.heal()
    stack.clock.advance(minutes=1)  # past the breaker's cool-down after the failed calls
    assert spin(stack, session_for(stack, "erin"))["code"] == 0


def test_cli_resolve_settles_the_win_by_hand(parked: Parked) -> None:
    stack = parked.stack
    result = cli(
        stack, "resolve", str(parked.win.id), "--by", "ops_dave", "--reason", "paid by hand"
    )
    assert result.exit_code == 0, result.output
    assert "round now settled" in result.output
    assert state_of(stack, parked.win.id) == (CallState.RESOLVED, RoundState.SETTLED)
    assert "stuck_call.resolve" in cli(stack, "audit", "--call", str(parked.win.id)).output


def _refusals(parked: Parked) -> list[tuple[str, Any]]:
    stack, win = parked.stack, parked.win
    acked_bet = next(c for c in calls(stack) if c.kind == "bet" and c.state == CallState.ACKED)
    body = {"by": "ops", "reason": "why"}

    def post(call_id: int, action: str, sent: Any, token: str | None = ADMIN_TOKEN) -> int:
        path = f"/stuck-calls/{call_id}/{action}"
        code: int = admin(stack, "POST", path, token=token, json=sent).json()["code"]
        return code

    def command(*args: str) -> int:
        exit_code: int = cli(stack, *args).exit_code
        return exit_code

    return [
        ("unknown id", post(12345, "retry", body)),
        ("not manual", post(acked_bet.id, "resolve", body)),
        ("no reason", post(win.id, "resolve", {"by": "ops"})),
        ("blank reason", post(win.id, "retry", {"by": "ops", "reason": " "})),
        ("no actor", post(win.id, "retry", {"reason": "why"})),
        ("bad token", post(win.id, "retry", body, token="wrong")),
        ("no token", post(win.id, "retry", body, token=None)),
        ("bad body", post(win.id, "retry", {**body, "x": 1})),
        ("cli unknown id", command("retry", "12345", "--by", "ops", "--reason", "why")),
        ("cli not manual", command("resolve", str(acked_bet.id), "--by", "ops", "--reason", "y")),
        ("cli no reason", command("resolve", str(win.id), "--by", "ops")),
        ("cli blank reason", command("resolve", str(win.id), "--by", "ops", "--reason", "")),
    ]


def test_refused_actions_change_nothing(parked: Parked) -> None:
    before = snapshot(parked.stack)
    assert dict(_refusals(parked)) == {
        "unknown id": 1005,
        "not manual": 1012,
        "no reason": 1012,
        "blank reason": 1012,
        "no actor": 1012,
        "bad token": 1009,
        "no token": 1007,
        "bad body": 1002,
        "cli unknown id": 2,
        "cli not manual": 2,
        "cli no reason": 2,
        "cli blank reason": 2,
    }
    assert snapshot(parked.stack) == before


@pytest.mark.parametrize("token", [None, "", "too-short"])
def test_admin_api_is_absent_without_a_strong_token(
    parked: Parked, monkeypatch: pytest.MonkeyPatch, token: str | None
) -> None:
    if token is None:
        monkeypatch.delenv("REELHOUSE_ADMIN_TOKEN")
    else:
        monkeypatch.setenv("REELHOUSE_ADMIN_TOKEN", token)
    before = snapshot(parked.stack)
    body = {"by": "ops", "reason": "why"}
    for sent in (ADMIN_TOKEN, token or "x"):
        answer = admin(
            parked.stack, "POST", f"/stuck-calls/{parked.win.id}/retry", token=sent, json=body
        )
        assert answer.status_code == 404
        assert admin(parked.stack, "GET", "/stuck-calls", token=sent).status_code == 404
    assert snapshot(parked.stack) == before
