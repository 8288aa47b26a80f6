"""Bet and win limits: the agent's min bet, max bet and max win per round (0 = no limit). A win
above the max is paid at the max; the round keeps what the game awarded and says it was
capped, in the callback, the feed, the casino's ledger and the round page. Every edge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from reelhouse.domain.states import RoundState
from reelhouse.games import catalogue, engine
from reelhouse.games.rng import SeededRng
from reelhouse.services.rounds import cap_win
from reelhouse.store.models import Operator, Round
from tests.harness import GAME, Stack, running_stack

BET_MINOR = 100  # 1.00 USD


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def open_session(stack: Stack, name: str = "alice", balance: str = "5000.00") -> tuple[int, str]:
    httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": name, "currency": "USD", "balance": balance},
    )
    user = int(stack.call("/v4/user/create", {"name": name})["data"]["user_code"])
    body = {"user_code": user, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    answer = httpx.get(stack.call("/v4/game/game-url", body)["data"]["game_url"])
    assert answer.status_code == 303
    return user, str(answer.headers["location"]).rsplit("/", 1)[1]


def spin(stack: Stack, token: str, bet: str = "1.00", **more: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        json={"bet": bet} | more,
        headers={"Authorization": f"Bearer {token}"},
    )
    envelope: dict[str, Any] = answer.json()
    return envelope


def set_limits(stack: Stack, **limits: int) -> None:
    with stack.platform.db.transaction() as db:
        operator = db.get(Operator, stack.operator_id)
        assert operator is not None
        for name, value in limits.items():
            setattr(operator, name, value)


def seeded(stack: Stack, wanted: Callable[[int], bool]) -> int:
    """Make the next rounds draw from the first seed whose 1.00 round wins what `wanted`
    accepts (the engine is pure, so the search is exact); returns that win."""
    game = catalogue.get_game(GAME)
    assert game is not None
    for seed in range(100_000):
        win = engine.play(game, 96, BET_MINOR, SeededRng(seed)).win_minor
        if wanted(win):
            stack.platform.game_rng = lambda chosen=seed: SeededRng(chosen)
            return win
    raise AssertionError("no seed gives such a round")


def only_round(stack: Stack) -> Round:
    # Straight from the database: an acknowledged win not yet written is written first (a
    # moment later it would be anyway, dispatch/ack_batch.py).
    stack.platform.wallet.write_pending_acks()
    with stack.platform.db.transaction() as db:
        (round_,) = db.scalars(select(Round))
        return round_


def rounds_count(stack: Stack) -> int:
    with stack.platform.db.transaction() as db:
        return int(db.scalar(select(func.count()).select_from(Round)) or 0)


def casino_win(stack: Stack, round_id: int) -> Decimal:
    rows = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    (win,) = [r for r in rows if str(r["round_id"]) == str(round_id) and r["kind"] == "win"]
    return Decimal(win["amount"])


def test_cap_win_every_edge() -> None:
    assert cap_win(0) == (0, False)
    assert cap_win(500) == (500, False)  # no limit at all
    assert cap_win(500, None, None) == (500, False)
    assert cap_win(999, 1000) == (999, False)
    assert cap_win(1000, 1000) == (1000, False)  # equal to the limit: not cut
    assert cap_win(1001, 1000) == (1000, True)
    assert cap_win(0, 1000) == (0, False)  # a loss is never "capped"
    assert cap_win(1001, 1000, 200) == (200, True)  # the smallest limit wins
    assert cap_win(150, None, 200) == (150, False)
    assert cap_win(100, None, 0) == (0, True)  # a grant whose cap is spent pays nothing more
    assert cap_win(0, None, 0) == (0, False)


def test_no_max_win_pays_the_whole_win(stack: Stack) -> None:
    set_limits(stack, max_win_minor=0)
    awarded = seeded(stack, lambda win: win >= 10 * BET_MINOR)
    _, token = open_session(stack)
    answer = spin(stack, token)["data"]
    assert (Decimal(answer["win"]) * 100, answer["win_capped"]) == (awarded, False)
    round_ = only_round(stack)
    assert (round_.win_minor, round_.awarded_win_minor, round_.win_capped) == (
        awarded,
        awarded,
        False,
    )


def test_a_win_above_the_max_is_paid_at_the_max_and_recorded_as_capped(stack: Stack) -> None:
    awarded = seeded(stack, lambda win: win >= 2 * BET_MINOR)
    limit = awarded - 5
    set_limits(stack, max_win_minor=limit)
    user, token = open_session(stack)
    answer = spin(stack, token)
    assert answer["code"] == 0, answer
    data = answer["data"]
    assert Decimal(data["win"]) * 100 == limit and data["win_capped"] is True
    assert data["outcome"]["win_minor"] == awarded  # the outcome is what the game drew
    round_ = only_round(stack)
    assert round_.state == RoundState.SETTLED
    assert (round_.win_minor, round_.awarded_win_minor, round_.win_capped) == (
        limit,
        awarded,
        True,
    )
    assert casino_win(stack, round_.id) * 100 == limit
    body = {"user_code": user, "round_id": round_.id, "provider_id": 1, "game_code": GAME}
    page = httpx.get(stack.call("/v4/game/round-details", body)["data"]["url"]).text
    assert "capped at the maximum win" in page and "Replay verified" in page
    assert f"the game awarded {Decimal(awarded) / 100:.2f} USD" in page


def test_a_win_equal_to_the_max_is_not_capped(stack: Stack) -> None:
    awarded = seeded(stack, lambda win: win >= 2 * BET_MINOR)
    set_limits(stack, max_win_minor=awarded)
    _, token = open_session(stack)
    assert spin(stack, token)["data"]["win_capped"] is False
    round_ = only_round(stack)
    assert (round_.win_minor, round_.win_capped) == (awarded, False)


def test_a_loss_under_a_max_is_not_capped(stack: Stack) -> None:
    seeded(stack, lambda win: win == 0)
    set_limits(stack, max_win_minor=1)
    _, token = open_session(stack)
    data = spin(stack, token)["data"]
    assert (data["win"], data["win_capped"]) == ("0.00", False)


def test_the_max_win_caps_free_rounds_too(stack: Stack) -> None:
    awarded = seeded(stack, lambda win: win >= 2 * BET_MINOR)
    set_limits(stack, max_win_minor=BET_MINOR)
    user, token = open_session(stack)
    now_ms = int(stack.clock.now().timestamp()) * 1000
    fr = stack.call(
        "/v4/game/freeround/start",
        {
            "user_code": user,
            "provider_id": 1,
            "game_code": GAME,
            "bet": "1.00",
            "rounds": 1,
            "expirationDate": now_ms + 3_600_000,
        },
    )["data"]["fr_id"]
    data = spin(stack, token, free_round_id=fr)["data"]
    assert (data["win"], data["win_capped"], data["free_round_id"]) == ("1.00", True, fr)
    assert only_round(stack).awarded_win_minor == awarded


def test_bet_limits_every_edge(stack: Stack) -> None:
    """min 0.10, max 1000.00, lucky-sevens' step 0.05: inside passes, outside is 1012, and a
    refused bet writes nothing."""
    _, token = open_session(stack)
    refused = ["0.05", "0.09", "1000.05", "1000.01", "0.12", "0.101", "0", "-1.00", "1e2", ""]
    for bet in refused:
        answer = spin(stack, token, bet=bet)
        assert answer["code"] == 1012, (bet, answer)
    assert rounds_count(stack) == 0
    for bet in ("0.10", "1000.00", "0.15"):
        assert spin(stack, token, bet=bet)["code"] == 0, bet
    set_limits(stack, min_bet_minor=500, max_bet_minor=500)
    assert spin(stack, token, bet="4.95")["code"] == 1012
    assert spin(stack, token, bet="5.05")["code"] == 1012
    assert spin(stack, token, bet="5.00")["code"] == 0
    assert rounds_count(stack) == 4


def test_a_granted_bet_is_honoured_after_the_limits_change(stack: Stack) -> None:
    user, token = open_session(stack)
    now_ms = int(stack.clock.now().timestamp()) * 1000
    fr = stack.call(
        "/v4/game/freeround/start",
        {
            "user_code": user,
            "provider_id": 1,
            "game_code": GAME,
            "bet": "0.50",
            "rounds": 1,
            "expirationDate": now_ms + 3_600_000,
        },
    )["data"]["fr_id"]
    set_limits(stack, min_bet_minor=100)
    assert spin(stack, token, bet="0.50")["code"] == 1012  # a paid 0.50 is now too small
    assert spin(stack, token, bet="0.50", free_round_id=fr)["code"] == 0
