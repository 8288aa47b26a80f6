"""The back office page of cancels answered "not found": each such round, with where its
second cancel stands, over plain HTTP (a signed-in operator user, no browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from reelhouse.backoffice.web import PREFIX, SESSION_COOKIE
from reelhouse.domain.states import CallState
from reelhouse.services import backoffice_users, late_bets
from reelhouse.services.backoffice_users import Role
from tests.faults import (
    DROP,
    FaultTransport,
    calls,
    faulty_stack,
    past_late_bet_window,
    session_for,
    spin,
)
from tests.harness import OPERATOR_NAME, Stack

PASSWORD = "correct horse battery staple"


@pytest.fixture
def rig(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Stack, FaultTransport]]:
    # The same algorithm with cheap parameters: this test is not about hashing.
    monkeypatch.setattr(
        backoffice_users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    with faulty_stack(database_url, tmp_path) as pair:
        yield pair


def signed_in(stack: Stack) -> str:
    """A session token of one of the operator's own back office users."""
    email = "ops@casino-one.example"
    backoffice_users.create_user(stack.platform, email, PASSWORD, Role.OPERATOR, OPERATOR_NAME)
    return backoffice_users.login(stack.platform, email, PASSWORD)


def page(stack: Stack, token: str) -> str:
    answer = httpx.get(
        f"{stack.reelhouse.url}{PREFIX}/o/{stack.operator_id}/late-bets",
        cookies={SESSION_COOKIE: token},
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_a_cancel_answered_not_found_is_listed_with_its_second_cancel(
    rig: tuple[Stack, FaultTransport],
) -> None:
    stack, transport = rig
    token = signed_in(stack)
    assert "No cancel of this operator" in page(stack, token)
    transport.fail("bet", DROP, times=1)  # never arrives: its cancel finds nothing
    assert spin(stack, session_for(stack, "carol"))["code"] == 3003
    bet, first, second = calls(stack)
    assert (first.last_outcome, second.state) == ("not_found", CallState.QUEUED)
    html = page(stack, token)
    assert '/late-bets">Not-found cancels</a>' in html  # the ops menu links to it
    assert f">{bet.round_id}</a>" in html and f"<td>{second.id}</td>" in html
    assert late_bets.RECHECK_WAITING[CallState.QUEUED] in html
    past_late_bet_window(stack)
    verdict = late_bets.RECHECK_VERDICTS[(CallState.ACKED, "not_found")]
    assert verdict in page(stack, token)
