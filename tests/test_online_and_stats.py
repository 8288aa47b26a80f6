"""`/v4/game/online-games` and the statistics (`/v4/statistics/user|day|game`, JSON and CSV)
over real HTTP. The statistics must equal a direct recomputation from the transaction feed
after a bot run of a thousand rounds across two operators whose data never mixes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import threading
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from reelhouse.domain.clock import UTC, FakeClock, unix_ms
from reelhouse.games import catalogue, facts
from reelhouse.games.exact import rtp_breakdown
from reelhouse.services import rounds
from reelhouse.services.statistics import percent
from reelhouse.store.models import Operator, Round
from tests.harness import GAME, Stack, running_stack

START = dt.datetime(2026, 5, 1, 22, 0, tzinfo=UTC)  # two hours before a UTC midnight


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path, clock=FakeClock(START)) as running:
        yield running


def api_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def open_session(
    stack: Stack, name: str, game: str = GAME, token: str | None = None
) -> tuple[int, str]:
    httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": name, "currency": "USD", "balance": "100000.00"},
    )
    user = int(stack.call("/v4/user/create", {"name": name}, token=token)["data"]["user_code"])
    body = {"user_code": user, "provider_id": 1, "game_symbol": game, "lang": "en"}
    answer = httpx.get(stack.call("/v4/game/game-url", body, token=token)["data"]["game_url"])
    assert answer.status_code == 303
    return user, str(answer.headers["location"]).rsplit("/", 1)[1]


def second_operator(stack: Stack, **settings: Any) -> tuple[str, int]:
    """Another agent on the same demo casino (which knows one callback token)."""
    token, operator_id = stack.add_operator("casino_two", **settings)
    with stack.platform.db.transaction() as db:
        operator = db.get(Operator, operator_id)
        assert operator is not None
        operator.callback_token_sealed = stack.platform.sealer.seal(stack.callback_token)
    return token, operator_id


def spin(stack: Stack, token: str, bet: str = "1.00") -> dict[str, Any]:
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        json={"bet": bet},
        headers={"Authorization": f"Bearer {token}"},
    )
    envelope: dict[str, Any] = answer.json()
    assert envelope["code"] == 0, envelope
    return envelope


def ledger(stack: Stack) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    return rows


def csv_of(stack: Stack, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    answer = httpx.post(
        f"{stack.reelhouse.url}{path}?format=csv",
        json=body,
        headers={"Authorization": f"Bearer {token or stack.api_token}"},
    )
    assert answer.status_code == 200
    return answer


# --- live sessions -------------------------------------------------------------------------


def online(stack: Stack, token: str | None = None, **body: Any) -> dict[str, Any]:
    return stack.call("/v4/game/online-games", body, token=token)


def test_online_games_lists_sessions_active_in_the_last_30_minutes(stack: Stack) -> None:
    alice, alice_token = open_session(stack, "alice")
    bob, _ = open_session(stack, "bob")
    stack.clock.advance(minutes=20)
    spin(stack, alice_token, "1.00")
    spin(stack, alice_token, "2.00")
    stack.clock.advance(minutes=10)  # bob idle exactly 30 minutes: still online
    listed = online(stack)["data"]
    assert [item["user_code"] for item in listed] == [alice, bob]  # most recent first
    stack.clock.advance(seconds=1)
    assert [item["user_code"] for item in online(stack)["data"]] == [alice]
    (item,) = online(stack)["data"]
    assert set(item) == {
        "gplay_id", "user_code", "user_name", "provider_id", "game_code", "game_name",
        "last_round_bet", "spend", "win", "start_time", "last_update", "currency_code",
    }  # fmt: skip
    rows = [r for r in ledger(stack) if r["account"] == "alice"]
    assert Decimal(item["spend"]) == sum(Decimal(r["amount"]) for r in rows if r["kind"] == "bet")
    assert Decimal(item["win"]) == sum(Decimal(r["amount"]) for r in rows if r["kind"] == "win")
    assert (item["user_name"], item["game_code"], item["last_round_bet"]) == ("alice", GAME, "2.00")
    assert item["start_time"] == api_time(START)
    assert item["last_update"] == api_time(START + dt.timedelta(minutes=20))
    stack.clock.advance(minutes=20)
    assert online(stack)["data"] == []


def test_online_games_are_the_operators_own_and_paged(stack: Stack) -> None:
    other_token, _ = second_operator(stack)
    open_session(stack, "zoe", token=other_token)
    mine = [open_session(stack, f"p{n}")[0] for n in range(12)]
    assert {i["user_code"] for i in online(stack)["data"]} == set(mine)
    assert [i["user_name"] for i in online(stack, other_token)["data"]] == ["zoe"]
    first = online(stack, limit=10)["data"]
    rest = online(stack, offset=10, limit=10)["data"]
    assert len(first) == 10 and len(rest) == 2
    assert {i["user_code"] for i in first + rest} == set(mine)
    for body in ({"limit": 9}, {"limit": 2001}, {"offset": -1}):
        assert online(stack, **body)["code"] == 1012, body
    assert online(stack, limit="10")["code"] == 1002
    assert online(stack, since=1)["code"] == 0  # a field Reelhouse does not know: ignored
    assert online(stack, limit=2000)["code"] == 0 and online(stack, limit=10)["code"] == 0


# --- the refusals of the statistics --------------------------------------------------------


def user_stats(stack: Stack, token: str | None = None, **body: Any) -> dict[str, Any]:
    return stack.call("/v4/statistics/user", body, token=token)


def test_user_statistics_windows_and_paging(stack: Stack) -> None:
    users = {}
    for n in range(12):
        user, token = open_session(stack, f"p{n:02d}")
        users[user] = spin(stack, token)["data"]
    start = api_time(START)
    hour = api_time(START + dt.timedelta(hours=1))
    first = user_stats(stack, start_time=start, end_time=hour, limit=10)["data"]
    second = user_stats(stack, start_time=start, end_time=hour, offset=10, limit=10)["data"]
    assert (first["total"], first["count"], second["count"], second["offset"]) == (12, 10, 2, 10)
    listed = first["list"] + second["list"]
    assert [i["user_code"] for i in listed] == sorted(users)
    for item in listed:
        assert item["slot_bet"] == users[item["user_code"]]["bet"]
        assert item["slot_win"] == users[item["user_code"]]["win"]
        assert item["user_name"].startswith("p")
    # The window is [start, end): a window ending at the spins' second has none of them.
    assert (
        user_stats(
            stack, start_time=api_time(START - dt.timedelta(hours=1)), end_time=start, limit=10
        )["data"]["total"]
        == 0
    )
    refused = [
        {"end_time": start},  # empty window
        {"end_time": api_time(START - dt.timedelta(seconds=1))},
        {"end_time": api_time(START + dt.timedelta(hours=1, seconds=1))},  # over one hour
        {"start_time": "2026-05-01T22:00:00"},
        {"start_time": "2026-02-30 00:00:00"},
        {"limit": 9},
        {"limit": 2001},
        {"offset": -1},
    ]
    good = {"start_time": start, "end_time": hour, "limit": 10}
    for change in refused:
        assert user_stats(stack, **(good | change))["code"] == 1012, change
    for change in ({"limit": "10"}, {"start_time": 5}):
        assert user_stats(stack, **(good | change))["code"] == 1002, change
    assert user_stats(stack, **(good | {"user_code": 1}))["code"] == 0  # unknown: ignored
    assert user_stats(stack, **(good | {"limit": 2000}))["code"] == 0
    assert user_stats(stack, token="bad", **good)["code"] == 1009
    text = csv_of(stack, "/v4/statistics/user", good).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["user_code"]) for r in rows] == sorted(users)[:10]
    assert rows[0]["slot_bet"] == first["list"][0]["slot_bet"]
    assert list(rows[0]) == ["user_code", "user_name", "slot_bet", "slot_win", "currency_code"]
    assert {r["currency_code"] for r in rows} == {"USD"}


def test_day_and_game_statistics_refusals_and_csv(stack: Stack) -> None:
    _, token = open_session(stack, "alice")
    spin(stack, token)
    for path in ("/v4/statistics/day", "/v4/statistics/game"):
        good = {"start_date": "2026-05-01", "end_date": "2026-05-31"}  # 31 days: the most
        assert stack.call(path, good)["code"] == 0
        for change in (
            {"end_date": "2026-06-01"},  # 32 days
            {"end_date": "2026-04-30"},  # before the start
            {"start_date": "2026-5-1"},
            {"start_date": "2026-02-30"},
        ):
            assert stack.call(path, good | change)["code"] == 1012, (path, change)
        assert stack.call(path, good | {"end_date": 20260501})["code"] == 1002
        answer = httpx.post(
            f"{stack.reelhouse.url}{path}?format=xml",
            json=good,
            headers={"Authorization": f"Bearer {stack.api_token}"},
        )
        assert answer.json()["code"] == 1012
    day = {"start_date": "2026-04-30", "end_date": "2026-05-02"}
    rows = stack.call("/v4/statistics/day", day)["data"]["list"]
    # One currency: the rows it always had, each naming it.
    assert [(r["date"], r["currency_code"]) for r in rows] == [
        ("2026-04-30", "USD"),
        ("2026-05-01", "USD"),
        ("2026-05-02", "USD"),
    ]
    assert [r["rounds"] for r in rows] == [0, 1, 0]
    assert rows[0]["rtp_observed"] is None and rows[0]["bet"] == "0.00"
    answer = csv_of(stack, "/v4/statistics/day", day)
    assert answer.headers["content-type"].startswith("text/csv")
    assert "statistics-day-2026-04-30-2026-05-02.csv" in answer.headers["content-disposition"]
    parsed = list(csv.DictReader(io.StringIO(answer.text)))
    assert parsed[1] == {k: ("" if v is None else str(v)) for k, v in rows[1].items()}
    assert parsed[0]["rtp_observed"] == ""
    game_rows = stack.call("/v4/statistics/game", day)["data"]["list"]
    game_csv = list(csv.DictReader(io.StringIO(csv_of(stack, "/v4/statistics/game", day).text)))
    assert [r["game_code"] for r in game_csv] == [r["game_code"] for r in game_rows] == [GAME]
    assert [r["currency_code"] for r in game_csv] == ["USD"]


# --- a thousand rounds, two operators, recomputed from the feed --------------------------

BETS = ("0.50", "1.00", "2.00")
BATCHES, SPINS_PER_PLAYER = 10, 20  # 5 players x 20 x 10 = 1000 paid rounds


def _grant(stack: Stack, user: int, game: str, token: str | None) -> int:
    body = {
        "user_code": user,
        "provider_id": 1,
        "game_code": game,
        "bet": "0.50",
        "rounds": 5,
        "expirationDate": unix_ms(stack.clock.now() + dt.timedelta(days=1)),
    }
    return int(stack.call("/v4/game/freeround/start", body, token=token)["data"]["fr_id"])


def _bot_run(stack: Stack, sessions: list[tuple[str, str | None]]) -> None:
    """Every player spins in its own thread, batch after batch; the shared clock moves 25
    minutes between batches, across a UTC midnight."""

    def play(index: int, token: str, batch: int) -> None:
        chooser = random.Random(index * 1000 + batch)
        for _ in range(SPINS_PER_PLAYER):
            rounds.spin(stack.platform, token, chooser.choice(BETS))

    for batch in range(BATCHES):
        threads = [
            threading.Thread(target=play, args=(n, token, batch))
            for n, (token, _game) in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        stack.clock.advance(minutes=25)


def _feed(stack: Stack, token: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """The whole transaction feed from start to end, hour window by hour window, paged."""
    items: list[dict[str, Any]] = []
    moment = start
    while moment < end:
        offset = 0
        while True:
            body = {
                "start_time": api_time(moment),
                "end_time": api_time(moment + dt.timedelta(hours=1)),
                "offset": offset,
                "limit": 2000,
            }
            answer = httpx.post(
                f"{stack.reelhouse.url}/v4/game/transaction",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            # Money arrives as exact JSON numbers: read them as Decimals.
            page = json.loads(answer.text, parse_float=Decimal)["data"]
            items += page["list"]
            offset += page["count"]
            if offset >= page["total"]:
                break
        moment += dt.timedelta(hours=1)
    return items


def _money(amount: Decimal | int) -> int:
    return int(Decimal(amount) * 100)


def _expected(stack: Stack, items: list[dict[str, Any]], key: Any) -> dict[Any, dict[str, Any]]:
    """Bets, wins, GGR, rounds, players, stakes and RTPs per key, from feed items alone (and
    the stored bet of each settled round, which is a free round's stake)."""
    with stack.platform.db.transaction() as db:
        wins = [int(i["round_id"]) for i in items if i["trans_type"] == 2]
        stored = {r.id: r for r in db.scalars(select(Round).where(Round.id.in_(wins)))}
    out: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {
            "bet": 0,
            "win": 0,
            "rounds": 0,
            "free": 0,
            "stake": 0,
            "players": set(),
            "variants": defaultdict(int),
        }
    )
    for item in items:
        tally = out[key(item)]
        tally["players"].add(item["user_code"])
        amount = _money(item["trans_amount"])
        if item["trans_type"] == 1:
            tally["bet"] += amount
        elif item["trans_type"] == 16:
            tally["bet"] -= amount
        else:
            round_ = stored[int(item["round_id"])]
            tally["win"] += amount
            tally["rounds"] += 1
            tally["free"] += round_.free_round_id is not None
            tally["stake"] += round_.bet_minor
            played = (round_.game_code, round_.rtp_variant, round_.bet_minor, round_.win_cap_minor)
            tally["variants"][played] += round_.bet_minor
    return out


def _theory(variants: dict[tuple[str, int, int, int | None], int]) -> str | None:
    """Stake-weighted exact RTP; a round under a max win per round at the effective RTP that
    cap leaves at its bet (facts.json's table, docs/rounds.md)."""
    total = sum(variants.values())
    weighted = Fraction(0)
    for (code, variant, bet, cap), stake in variants.items():
        game = catalogue.get_game(code)
        assert game is not None
        rtp = Fraction(rtp_breakdown(game, variant).rtp)
        if cap:
            effective = facts.effective_rtp(game, variant, Fraction(cap, bet))
            assert effective is not None
            rtp = Fraction(effective) / 100
        weighted += rtp * stake
    return percent(weighted / total) if total else None


def _check_row(row: dict[str, Any], tally: dict[str, Any]) -> None:
    assert _money(row["bet"]) == tally["bet"]
    assert _money(row["win"]) == tally["win"]
    assert _money(row["ggr"]) == tally["bet"] - tally["win"]
    assert (row["rounds"], row["free_rounds"], row["players"]) == (
        tally["rounds"],
        tally["free"],
        len(tally["players"]),
    )
    assert _money(row["stake"]) == tally["stake"]
    assert row["rtp_observed"] == percent(Fraction(tally["win"], tally["stake"]))
    assert row["rtp_theoretical"] == _theory(tally["variants"])


def test_statistics_match_the_transactions_after_a_thousand_rounds(stack: Stack) -> None:
    other_token, _ = second_operator(stack, rtp_percent=Decimal(94), max_win_minor=300)
    plan = [
        ("a0", GAME, None),
        ("a1", GAME, None),
        ("a2", "dragon-hoard", None),
        ("b0", GAME, other_token),
        ("b1", "prairie-thunder", other_token),
    ]
    players: dict[str | None, set[int]] = defaultdict(set)
    sessions = []
    for name, game, token in plan:
        user, session = open_session(stack, name, game, token)
        players[token].add(user)
        sessions.append((session, token))
        if name in ("a0", "b0"):  # some free rounds on each side
            fr_id = _grant(stack, user, game, token)
            for _ in range(5):
                rounds.spin(stack.platform, session, "0.50", fr_id)
    _bot_run(stack, sessions)
    end = stack.clock.now() + dt.timedelta(hours=1)
    seen: set[int] = set()
    for token in (None, other_token):
        items = _feed(stack, token or stack.api_token, START, end)
        assert {i["user_code"] for i in items} == players[token]  # never the other's players
        assert not seen & {i["trans_id"] for i in items}
        seen |= {i["trans_id"] for i in items}
        # Per player, hour by hour, as /v4/statistics/user reports it.
        moment = START
        while moment < end:
            window = [
                i
                for i in items
                if api_time(moment) <= i["regdate"] < api_time(moment + dt.timedelta(hours=1))
            ]
            expected = _expected(stack, window, lambda i: i["user_code"])
            body = {
                "start_time": api_time(moment),
                "end_time": api_time(moment + dt.timedelta(hours=1)),
                "limit": 10,
            }
            listed = user_stats(stack, token, **body)["data"]["list"]
            assert {i["user_code"] for i in listed} == set(expected)
            for item in listed:
                assert _money(item["slot_bet"]) == expected[item["user_code"]]["bet"]
                assert _money(item["slot_win"]) == expected[item["user_code"]]["win"]
            moment += dt.timedelta(hours=1)
        days = {"start_date": "2026-05-01", "end_date": "2026-05-02"}
        by_day = _expected(stack, items, lambda i: i["regdate"][:10])
        day_rows = stack.call("/v4/statistics/day", days, token=token)["data"]["list"]
        assert [r["date"] for r in day_rows] == ["2026-05-01", "2026-05-02"]
        assert all(r["rounds"] > 0 for r in day_rows)  # the run crossed midnight
        for row in day_rows:
            _check_row(row, by_day[row["date"]])
        by_game = _expected(stack, items, lambda i: i["game_code"])
        game_rows = stack.call("/v4/statistics/game", days, token=token)["data"]["list"]
        assert {r["game_code"] for r in game_rows} == set(by_game)
        for row in game_rows:
            _check_row(row, by_game[row["game_code"]])
        side = [name for name, _game, owner in plan if owner == token]
        paid = len(side) * BATCHES * SPINS_PER_PLAYER
        assert sum(r["rounds"] for r in game_rows) == paid + 5
    # A bet and a win for each of the 1000 paid rounds, a win for each of the 10 free ones.
    assert len(seen) == 2 * len(plan) * BATCHES * SPINS_PER_PLAYER + 10
