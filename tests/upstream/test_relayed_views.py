"""Relayed rounds in every view: rounds a Hub88 supplier played through the relay (one bet and
two wins, one bet rolled back, one loss closed on its bet) appear in the transaction feeds,
statistics, online games, round details and replay, the round page, the back office and
reconciliation, with their provider, and are never taken for Reelhouse's own games."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from reelhouse.backoffice.web import PREFIX, SESSION_COOKIE
from reelhouse.services import backoffice_users, ledger_export, round_details
from reelhouse.services.backoffice_users import Role
from reelhouse.services.reconcile import DIFFERENCES, reconcile
from reelhouse.services.replay import replay_round
from reelhouse.store.models import Round
from tests.harness import OPERATOR_NAME
from tests.upstream.rig import (
    GAME,
    PROVIDER_ID,
    PROVIDER_NAME,
    WIRE_PER_CENT,
    Aggregated,
    aggregated_stack,
    drain,
)

TITLE = "Demo supplier"  # the provider's title, as the rig registers it
GAME_NAME = "Fruit Bonanza"
GAME_ID = f"{PROVIDER_NAME}/{GAME}"
PASSWORD = "correct horse battery staple"
BET_LABEL = "20 lines x 0.125"  # how the supplier describes its bet (Hub88 `bet`)


@dataclass
class Played:
    aggregated: Aggregated
    paid: int  # the round with one bet and two wins
    rolled_back: int  # the round whose bet the provider rolled back
    lost: int  # the round closed on its bet (a win of 0)
    user_code: int


@pytest.fixture
def played(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Played]:
    # The same algorithm with cheap parameters: these tests are not about hashing.
    monkeypatch.setattr(
        backoffice_users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    with aggregated_stack(database_url, tmp_path) as aggregated:
        yield _play(aggregated)


def _play(aggregated: Aggregated) -> Played:
    player = aggregated.launch("ada", "100.00")
    wallet = aggregated.wallet
    cents = WIRE_PER_CENT

    def bet(ref: str, amount: int, **kw: Any) -> str:
        answer = wallet.bet(player.token, player.user, GAME, ref, amount * cents, "USD", **kw)
        assert answer.status == "RS_OK", answer
        uuid: str = answer.request.document()["transaction_uuid"]
        return uuid

    paid_bet = bet("r-1", 250, bet=BET_LABEL)
    for amount, closed in ((100, False), (400, True)):
        win = wallet.win(
            player.token, player.user, GAME, "r-1", amount * cents, "USD",
            reference_transaction_uuid=paid_bet, round_closed=closed,
        )  # fmt: skip
        assert win.status == "RS_OK", win
    drain(aggregated.stack)
    cancelled_bet = bet("r-2", 100)
    rollback = wallet.rollback(player.token, GAME, "r-2", cancelled_bet)
    assert rollback.status == "RS_OK", rollback
    bet("r-3", 50, round_closed=True)
    drain(aggregated.stack)
    aggregated.stack.platform.wallet.write_pending_acks()
    with aggregated.stack.platform.db.transaction() as session:
        rounds = {r.upstream_round_ref: r for r in session.scalars(select(Round))}
    assert {ref: r.state for ref, r in rounds.items()} == {
        "r-1": "settled",
        "r-2": "cancelled",
        "r-3": "settled",
    }
    return Played(
        aggregated, rounds["r-1"].id, rounds["r-2"].id, rounds["r-3"].id, int(player.user)
    )


def _call(played: Played, path: str, body: dict[str, Any]) -> Any:
    answer = played.aggregated.stack.call(path, body)
    assert answer["code"] == 0, answer
    return answer["data"]


def _now(played: Played) -> dt.datetime:
    now: dt.datetime = played.aggregated.stack.clock.now()
    return now


def _api_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def test_the_transaction_feeds_name_the_provider_of_each_relayed_call(played: Played) -> None:
    now = _now(played)
    window = {
        "start_time": _api_time(now - dt.timedelta(minutes=59)),
        "end_time": _api_time(now + dt.timedelta(seconds=1)),
        "limit": 100,
    }
    rows = _call(played, "/v4/game/transaction", window)["list"]
    played.aggregated.stack.clock.advance(seconds=60)  # past the cursor's settle time
    cursor = _call(played, "/v4/game/transaction-id", {"last_id": 0, "limit": 100})
    assert [r["trans_id"] for r in cursor] == sorted(r["trans_id"] for r in rows)
    by_round: dict[str, list[int]] = {}
    for row in rows:
        assert (row["provider_id"], row["provider_name"]) == (PROVIDER_ID, TITLE)
        assert (row["game_code"], row["game_name"]) == (GAME_ID, GAME_NAME)
        by_round.setdefault(row["round_id"], []).append(row["trans_type"])
    # One bet and two wins; a bet and its cancel; a bet and its win of 0.
    assert by_round == {
        str(played.paid): [1, 2, 2],
        str(played.rolled_back): [1, 16],
        str(played.lost): [1, 2],
    }


def test_statistics_count_a_relayed_round_once_and_claim_no_theoretical_rtp(
    played: Played,
) -> None:
    day = _now(played).date().isoformat()
    games = _call(played, "/v4/statistics/game", {"start_date": day, "end_date": day})["list"]
    assert len(games) == 1
    row = games[0]
    assert (row["provider_id"], row["game_code"], row["game_name"]) == (
        PROVIDER_ID,
        GAME_ID,
        GAME_NAME,
    )
    # The rolled-back bet counts as neither bet nor round; two wins make one round.
    assert (row["bet"], row["win"], row["stake"], row["rounds"]) == ("3.00", "5.00", "3.00", 2)
    assert row["rtp_theoretical"] is None
    days = _call(played, "/v4/statistics/day", {"start_date": day, "end_date": day})["list"]
    assert (days[0]["bet"], days[0]["rounds"], days[0]["rtp_theoretical"]) == ("3.00", 2, None)
    now = _now(played)
    users = _call(
        played,
        "/v4/statistics/user",
        {
            "start_time": _api_time(now - dt.timedelta(minutes=59)),
            "end_time": _api_time(now + dt.timedelta(seconds=1)),
            "limit": 10,
        },
    )["list"]
    assert [(u["user_code"], u["slot_bet"], u["slot_win"]) for u in users] == [
        (played.user_code, "3.00", "5.00")
    ]


def test_online_games_name_the_provider_and_its_game(played: Played) -> None:
    sessions = _call(played, "/v4/game/online-games", {})
    assert [(s["provider_id"], s["game_code"], s["game_name"]) for s in sessions] == [
        (PROVIDER_ID, GAME_ID, GAME_NAME)
    ]


def test_round_details_show_what_the_provider_told_and_claim_no_replay(played: Played) -> None:
    platform = played.aggregated.stack.platform
    view = round_details.round_view(platform, played.paid)
    assert view is not None
    assert (view.provider_id, view.provider_name, view.game_name) == (
        PROVIDER_ID,
        TITLE,
        GAME_NAME,
    )
    assert (view.upstream_round_ref, view.played_upstream) == ("r-1", True)
    assert view.upstream_bet == BET_LABEL
    assert (view.bet, view.win, view.spins) == ("2.50", "5.00", ())
    assert not view.replay_verified
    assert "played at provider Demo supplier" in view.replay_reason
    assert "math" not in view.replay_reason
    assert [t["trans_type"] for t in view.transactions] == [1, 2, 2]
    cancelled = round_details.round_view(platform, played.rolled_back)
    assert cancelled is not None
    assert (cancelled.state, cancelled.win) == ("cancelled", "0.00")
    assert cancelled.not_shown_because is not None
    assert "casino did not confirm" not in cancelled.not_shown_because
    assert [t["trans_type"] for t in cancelled.transactions] == [1, 16]
    check = replay_round(platform, played.lost)
    assert not check.verified and "nothing to replay" in check.reason


def test_the_round_page_of_a_relayed_round(played: Played) -> None:
    body = {
        "user_code": played.user_code,
        "round_id": str(played.paid),
        "provider_id": PROVIDER_ID,
        "game_code": GAME_ID,
    }
    url = _call(played, "/v4/game/round-details", body)["url"]
    page = httpx.get(url)
    assert page.status_code == 200
    assert "Demo supplier" in page.text and "r-1" in page.text and BET_LABEL in page.text
    assert "Replay verified" not in page.text and "Replay not verified" not in page.text
    assert "nothing to replay" in page.text
    # The provider is part of what must match, like the player and the game.
    wrong = played.aggregated.stack.call("/v4/game/round-details", body | {"provider_id": 1})
    assert wrong["code"] == 2013
    unknown = played.aggregated.stack.call("/v4/game/round-details", body | {"provider_id": 99})
    assert unknown["code"] == 2007


def test_the_back_office_lists_and_shows_relayed_rounds(played: Played) -> None:
    stack = played.aggregated.stack
    email = "ops@casino-one.example"
    backoffice_users.create_user(stack.platform, email, PASSWORD, Role.OPERATOR, OPERATOR_NAME)
    token = backoffice_users.login(stack.platform, email, PASSWORD)
    base = f"{stack.reelhouse.url}{PREFIX}/o/{stack.operator_id}"
    for path in ("/rounds", "/transactions", f"/rounds/{played.paid}"):
        answer = httpx.get(base + path, cookies={SESSION_COOKIE: token})
        assert answer.status_code == 200, (path, answer.text)
        assert f"{GAME_NAME} ({TITLE})" in answer.text, path
    day = _now(played).date().isoformat()
    for path, shown in (
        ("/sessions", GAME_NAME),
        (f"/stats?by=game&from={day}&to={day}", GAME_ID),
        # The rolled-back bet is not a bet: 2.50 and 0.50 bet, 5.00 won.
        (f"/stats?by=player&from={day}&to={day}", "<td>3.00</td><td>5.00</td><td>-2.00</td>"),
    ):
        answer = httpx.get(base + path, cookies={SESSION_COOKIE: token})
        assert answer.status_code == 200, (path, answer.text)
        assert shown in answer.text, (path, answer.text)
    detail = httpx.get(f"{base}/rounds/{played.paid}", cookies={SESSION_COOKIE: token}).text
    assert 'id="round-upstream-ref">r-1<' in detail
    assert "nothing to replay" in detail


def test_relayed_calls_reconcile_with_the_casinos_ledger(played: Played, tmp_path: Path) -> None:
    stack = played.aggregated.stack
    day = _now(played).date()
    answer = httpx.get(f"{stack.casino.url}/api/ledger", params={"date": day.isoformat()})
    path = tmp_path / "ledger.json"
    path.write_text(answer.text, encoding="utf-8")
    report = reconcile(stack.platform, OPERATOR_NAME, day, ledger_export.from_file(path))
    assert [i for i in report.items if i.finding in DIFFERENCES] == []
    assert report.reelhouse_calls == 7  # three bets, three wins, one cancel


@pytest.fixture
def aggregated(database_url: str, tmp_path: Path) -> Iterator[Aggregated]:
    with aggregated_stack(database_url, tmp_path) as aggregated:
        yield aggregated


def test_a_refund_hours_after_its_bet_is_taken_off_the_bets_of_its_own_window(
    aggregated: Aggregated,
) -> None:
    player = aggregated.launch("bea", "20.00")
    wallet, stack = aggregated.wallet, aggregated.stack
    bet = wallet.bet(player.token, player.user, GAME, "r-9", 100 * WIRE_PER_CENT, "USD")
    assert bet.status == "RS_OK", bet
    stack.clock.advance(hours=2)
    uuid = bet.request.document()["transaction_uuid"]
    assert wallet.rollback(player.token, GAME, "r-9", uuid).status == "RS_OK"
    drain(stack)
    now = stack.clock.now()
    window = {
        "start_time": _api_time(now - dt.timedelta(minutes=59)),
        "end_time": _api_time(now + dt.timedelta(seconds=1)),
        "limit": 10,
    }
    answer = stack.call("/v4/statistics/user", window)
    assert answer["code"] == 0, answer
    # The player's only row in this window is the refund: listed, with a negative bet.
    assert [(u["user_code"], u["slot_bet"], u["slot_win"]) for u in answer["data"]["list"]] == [
        (int(player.user), "-1.00", "0.00")
    ]
    day = now.date().isoformat()
    rows = stack.call("/v4/statistics/day", {"start_date": day, "end_date": day})["data"]["list"]
    assert (rows[0]["bet"], rows[0]["win"], rows[0]["rounds"]) == ("0.00", "0.00", 0)


def test_reelhouses_game_client_does_not_take_an_upstream_session(
    aggregated: Aggregated,
) -> None:
    """The token handed to the provider names a session of its game, not one of Reelhouse's:
    the game client's state and spin answer it as an unknown session, never crash."""
    player = aggregated.launch("cyd", "20.00")
    url = aggregated.stack.reelhouse.url
    headers = {"Authorization": f"Bearer {player.token}"}
    state = httpx.get(f"{url}/api/game/state", headers=headers)
    spin = httpx.post(f"{url}/api/game/spin", json={"bet": "1.00"}, headers=headers)
    page = httpx.get(f"{url}/play/s/{player.token}")
    assert (state.status_code, spin.status_code, page.status_code) == (200, 200, 410)
    assert state.json()["code"] == spin.json()["code"] == 3001, (state.text, spin.text)
