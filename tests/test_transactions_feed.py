"""Main API transaction feeds over real HTTP: `/v4/game/transaction` (time window) and
`/v4/game/transaction-id` (cursor). What appears is money that moved at the operator's
wallet (docs/api.md), each row agrees with the demo casino's ledger, refusals are 1002/1012,
and no operator ever sees another's rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelhouse.domain.states import CallState
from reelhouse.store.models import Operator
from tests.faults import (
    DROP,
    LOSE_ANSWER,
    FaultTransport,
    api_time,
    calls,
    drain,
    faulty_stack,
    past_late_bet_window,
    session_for,
    settle_time,
    spin,
)
from tests.harness import GAME, Stack


@pytest.fixture
def rig(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, FaultTransport]]:
    with faulty_stack(database_url, tmp_path) as pair:
        yield pair


def exact_call(stack: Stack, path: str, body: Any, token: str | None = None) -> Any:
    """POST and parse the answer with JSON numbers as exact Decimals (as the contract's
    typed clients do: money is a number, never text)."""
    answer = httpx.post(
        f"{stack.reelhouse.url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token or stack.api_token}"},
    )
    assert answer.status_code == 200, answer.text
    return json.loads(answer.text, parse_float=Decimal)


def window(stack: Stack, token: str | None = None, **body: Any) -> dict[str, Any]:
    now = stack.clock.now()
    request = {
        "start_time": api_time(now - dt.timedelta(minutes=30)),
        "end_time": api_time(now + dt.timedelta(minutes=30)),
        "offset": 0,
        "limit": 2000,
    } | body
    envelope: dict[str, Any] = exact_call(stack, "/v4/game/transaction", request, token)
    return envelope


def cursor(stack: Stack, last_id: Any = 0, limit: Any = 2000, token: str | None = None) -> Any:
    return exact_call(stack, "/v4/game/transaction-id", {"last_id": last_id, "limit": limit}, token)


def walk(stack: Stack, start: int = 0, limit: int = 10, token: str | None = None) -> list[int]:
    """Follow the cursor until it returns nothing; the ids in the order received."""
    seen: list[int] = []
    last = start
    while True:
        page = cursor(stack, last, limit, token)
        assert page["code"] == 0, page
        if not page["data"]:
            return seen
        ids = [item["trans_id"] for item in page["data"]]
        assert ids == sorted(ids) and ids[0] > last
        seen += ids
        last = ids[-1]


def play(stack: Stack, name: str, rounds: int) -> None:
    token = session_for(stack, name)
    for _ in range(rounds):
        assert spin(stack, token)["code"] == 0


def acked_ids(stack: Stack) -> list[int]:
    return [c.id for c in calls(stack) if c.state == CallState.ACKED]


def test_window_feed_rows_agree_with_the_casino_ledger(rig: tuple[Stack, FaultTransport]) -> None:
    stack, _ = rig
    play(stack, "alice", 6)
    answer = window(stack)
    assert answer["code"] == 0, answer
    data = answer["data"]
    assert (data["total"], data["offset"], data["count"]) == (12, 0, 12)
    items = data["list"]
    assert [i["trans_id"] for i in items] == acked_ids(stack)
    ledger = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    by_guid = {row["trans_guid"]: row for row in ledger}
    user_code = stack.bots().fund_player("alice", "USD", "0")
    for item in items:
        assert set(item) == {
            "trans_id", "user_code", "round_id", "trans_type", "provider_id", "provider_name",
            "game_code", "game_name", "category", "prebalance", "trans_amount", "balance",
            "regdate", "trans_guid", "balance_known", "currency_code",
        }  # fmt: skip
        assert item["balance_known"] is True
        assert item["trans_guid"] == str(item["trans_id"])
        assert item["user_code"] == user_code
        assert (item["provider_id"], item["game_code"]) == (1, GAME)
        assert item["game_name"] and item["category"]
        row = by_guid[item["trans_guid"]]
        assert row["kind"] == {1: "bet", 2: "win"}[item["trans_type"]]
        assert isinstance(item["round_id"], str)  # the contract's type
        assert int(row["round_id"]) == int(item["round_id"])
        # Money as exact JSON numbers with the currency's digits (1.00, not "1.00" or 1.0).
        for field in ("trans_amount", "prebalance", "balance"):
            assert isinstance(item[field], Decimal), field
            assert item[field].as_tuple().exponent == -2, field
        assert item["trans_amount"] == Decimal(row["amount"])
        assert item["prebalance"] * 100 == row["balance_before_minor"]
        assert item["balance"] * 100 == row["balance_after_minor"]
        assert dt.datetime.strptime(item["regdate"], "%Y-%m-%d %H:%M:%S")


def test_window_feed_pages(rig: tuple[Stack, FaultTransport]) -> None:
    stack, _ = rig
    play(stack, "alice", 6)
    first = window(stack, limit=10)["data"]
    second = window(stack, offset=10, limit=10)["data"]
    beyond = window(stack, offset=12, limit=10)["data"]
    assert (first["total"], first["count"], second["count"], second["offset"]) == (12, 10, 2, 10)
    assert (beyond["total"], beyond["count"], beyond["list"]) == (12, 0, [])
    paged = [i["trans_id"] for i in first["list"] + second["list"]]
    assert paged == acked_ids(stack)


def test_window_is_half_open_and_keyed_on_acknowledgement(
    rig: tuple[Stack, FaultTransport],
) -> None:
    stack, _ = rig
    play(stack, "alice", 2)
    at = stack.clock.now()
    before = window(stack, start_time=api_time(at - dt.timedelta(hours=1)), end_time=api_time(at))
    after = window(stack, start_time=api_time(at), end_time=api_time(at + dt.timedelta(hours=1)))
    assert before["data"]["total"] == 0
    assert after["data"]["total"] == 4


REFUSED_WINDOWS = [
    ("2026-01-01 00:00:00", "2026-01-01 01:00:01", 10, 0, 1012),  # window over an hour
    ("2026-01-01 00:00:00", "2026-01-01 00:00:00", 10, 0, 1012),  # empty window
    ("2026-01-01 01:00:00", "2026-01-01 00:00:00", 10, 0, 1012),  # end before start
    ("2026-01-01 00:00:00", "2026-01-01 01:00:00", 9, 0, 1012),
    ("2026-01-01 00:00:00", "2026-01-01 01:00:00", 2001, 0, 1012),
    ("2026-01-01 00:00:00", "2026-01-01 01:00:00", 10, -1, 1012),
    ("2026-01-01T00:00:00", "2026-01-01 01:00:00", 10, 0, 1012),  # bad time formats: 1012
    ("2026-1-1 00:00:00", "2026-01-01 01:00:00", 10, 0, 1012),
    ("2026-02-30 00:00:00", "2026-02-30 01:00:00", 10, 0, 1012),
    ("2026-01-01 00:00:00Z", "2026-01-01 01:00:00", 10, 0, 1012),
    ("", "2026-01-01 01:00:00", 10, 0, 1012),
    (1767225600, "2026-01-01 01:00:00", 10, 0, 1002),  # wrong JSON types: 1002
    ("2026-01-01 00:00:00", "2026-01-01 01:00:00", "10", 0, 1002),
    ("2026-01-01 00:00:00", "2026-01-01 01:00:00", True, 0, 1002),
    # Beyond 64 bits the JSON reader refuses the body (docs/security.md, "Bad input").
    ("2026-01-01 00:00:00", "2026-01-01 01:00:00", 10, 2**70, 1002),
]


@pytest.mark.parametrize(("start", "end", "limit", "offset", "code"), REFUSED_WINDOWS)
def test_window_feed_refusals(
    rig: tuple[Stack, FaultTransport], start: Any, end: Any, limit: Any, offset: Any, code: int
) -> None:
    stack, _ = rig
    answer = window(stack, start_time=start, end_time=end, limit=limit, offset=offset)
    assert answer["code"] == code, answer
    assert answer["data"] is None


def test_window_feed_bounds_that_are_accepted(rig: tuple[Stack, FaultTransport]) -> None:
    stack, _ = rig
    start, end = "2026-01-01 00:00:00", "2026-01-01 01:00:00"  # exactly one hour
    for limit in (10, 2000):
        assert window(stack, start_time=start, end_time=end, limit=limit)["code"] == 0
    body = {"start_time": start, "end_time": end, "limit": 10}  # offset defaults to 0
    assert stack.call("/v4/game/transaction", body)["data"]["offset"] == 0
    assert stack.call("/v4/game/transaction", body | {"extra": 1})["code"] == 0  # ignored
    assert stack.call("/v4/game/transaction", {"start_time": start})["code"] == 1002


@pytest.mark.parametrize(
    ("last_id", "limit", "code"),
    [(0, 9, 1012), (0, 2001, 1012), (-1, 10, 1012), (2**63, 10, 1002), ("-1", 10, 1002)],
)
def test_cursor_feed_refusals(
    rig: tuple[Stack, FaultTransport], last_id: Any, limit: int, code: int
) -> None:
    stack, _ = rig
    assert cursor(stack, last_id, limit)["code"] == code


def test_cursor_walk_returns_every_row_once_even_when_acknowledged_late(
    rig: tuple[Stack, FaultTransport],
) -> None:
    stack, transport = rig
    play(stack, "alice", 3)
    transport.fail("bet", LOSE_ANSWER, times=1)  # applied, answer lost: cancel refunds it
    assert spin(stack, session_for(stack, "bob"))["code"] == 3003
    transport.fail("bet", DROP, times=1)  # never arrived: the cancel finds nothing (43)
    assert spin(stack, session_for(stack, "carol"))["code"] == 3003
    past_late_bet_window(stack)  # and so does the second cancel, sent after the window
    transport.fail("win", DROP, times=1)  # dana's win waits in the queue (no worker runs)
    assert spin(stack, session_for(stack, "dana"))["code"] == 0
    play(stack, "erin", 3)
    settle_time(stack)

    waiting = [c for c in calls(stack) if c.state == CallState.QUEUED]
    assert [c.kind for c in waiting] == ["win"]
    first_walk = walk(stack)
    assert first_walk and max(first_walk) < waiting[0].id  # held at the waiting win

    transport.heal()
    drain(stack)
    settle_time(stack)
    second_walk = walk(stack, start=first_walk[-1])
    walked = first_walk + second_walk
    assert len(walked) == len(set(walked))

    by_id = {c.id: c for c in calls(stack)}
    expected = sorted(i for i in acked_ids(stack) if by_id[i].last_outcome != "not_found")
    lost_bet = next(
        c for c in by_id.values() if c.state == CallState.UNKNOWN and "lost" in c.last_detail
    )
    expected = sorted([*expected, lost_bet.id])
    assert walked == expected
    assert waiting[0].id in second_walk
    assert walk(stack, start=walked[-1]) == []


def test_an_unknown_bet_appears_with_its_refund_and_a_dropped_one_not_at_all(
    rig: tuple[Stack, FaultTransport],
) -> None:
    stack, transport = rig
    transport.fail("bet", LOSE_ANSWER, times=1)
    spin(stack, session_for(stack, "bob"))
    transport.fail("bet", DROP, times=1)
    spin(stack, session_for(stack, "carol"))
    settle_time(stack)
    items = window(stack)["data"]["list"]
    round_id = items[0]["round_id"]
    assert [(i["trans_type"], i["round_id"]) for i in items] == [(1, round_id), (16, round_id)]
    bet, refund = items
    assert bet["trans_amount"] == refund["trans_amount"] == Decimal("1.00")
    # Its answer was lost: the balances are not known, 0 and said so (never null).
    assert (bet["prebalance"], bet["balance"], bet["balance_known"]) == (0, 0, False)
    assert refund["balance"] - refund["prebalance"] == Decimal("1.00")
    assert [i["trans_id"] for i in cursor(stack)["data"]] == [bet["trans_id"], refund["trans_id"]]


def test_a_waiting_call_is_not_listed_until_acknowledged(rig: tuple[Stack, FaultTransport]) -> None:
    stack, transport = rig
    transport.fail("win", DROP)
    spin(stack, session_for(stack, "dana"))
    assert [i["trans_type"] for i in window(stack)["data"]["list"]] == [1]
    transport.heal()
    stack.clock.advance(minutes=5)
    drain(stack)
    assert [i["trans_type"] for i in window(stack)["data"]["list"]] == [1, 2]


def _second_operator(stack: Stack) -> tuple[str, int]:
    """A second agent on the same demo casino, which knows a single callback token."""
    token, operator_id = stack.add_operator("casino_two")
    with stack.platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        operator.callback_token_sealed = stack.platform.sealer.seal(stack.callback_token)
    return token, operator_id


def test_another_operators_rows_are_never_visible(rig: tuple[Stack, FaultTransport]) -> None:
    stack, _ = rig
    other_token, _ = _second_operator(stack)
    play(stack, "alice", 3)
    other = httpx.Client(
        base_url=stack.reelhouse.url, headers={"Authorization": f"Bearer {other_token}"}
    )
    with other:
        user = other.post("/v4/user/create", json={"name": "zoe"}).json()["data"]["user_code"]
        httpx.post(
            f"{stack.casino.url}/api/players",
            json={"account": "zoe", "currency": "USD", "balance": "50.00"},
        )
        game = {"user_code": user, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
        url = other.post("/v4/game/game-url", json=game).json()["data"]["game_url"]
        zoe = httpx.get(url, follow_redirects=True).url.path.rsplit("/", 1)[1]
        for _ in range(2):
            assert stack.bots().spin(zoe, "1.00")["code"] == 0
    settle_time(stack)
    mine = set(walk(stack))
    theirs = set(walk(stack, token=other_token))
    assert len(mine) == 6 and len(theirs) == 4 and not mine & theirs
    assert {i["user_code"] for i in window(stack, token=other_token)["data"]["list"]} == {user}
    assert window(stack, token=other_token)["data"]["total"] == 4
    for last_id in [0, *sorted(mine)]:  # whatever id the other agent sends
        page = cursor(stack, last_id, token=other_token)["data"]
        assert not {i["trans_id"] for i in page} & mine
