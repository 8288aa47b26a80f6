"""Statistics and events of an operator with two currencies (docs/operator-guide.md,
"Currencies"; docs/api.md, "Per currency"; docs/webhooks.md), on both databases.

The operator's first currency is EUR and it adds JPY; one player plays in each, both at a
stake of 100 minor units (1.00 EUR, 100 JPY), so a sum across currencies would show at once.
Every statistics row (per player, per day, per game; JSON and CSV) must hold exactly the
figures of its own currency's rounds, named by `currency_code`, and every event with an
amount must name the currency of its player.

In-process, the rig of tests/test_operator_currencies.py (the demo casino as the wallet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from reelhouse.domain.events import EVENT_KINDS, EventKind
from reelhouse.domain.money import currency, format_fixed, to_minor
from reelhouse.games import catalogue
from reelhouse.games.rng import SeededRng
from reelhouse.services import backoffice_ops, operator_currencies, statistics, webhooks
from reelhouse.services.launch import open_launch
from reelhouse.store import events
from reelhouse.store.db import Database
from reelhouse.store.migrate import alembic_config
from reelhouse.store.models import OperatorEvent, Player, Round
from tests.harness import GAME
from tests.test_bad_input import signed_in
from tests.test_operator_currencies import EXPIRES, NAME, NOW, Rig, post, rig, seeds_for, spin

DAY = NOW.date().isoformat()
WINDOW = {"start_time": "2026-05-01 08:30:00", "end_time": "2026-05-01 09:30:00"}
# Each player, its currency, its stake as the client sends it, and whether each round wins.
PLAYS = {
    "eur_player": ("EUR", "1.00", (False, True)),
    "jpy_player": ("JPY", "100", (True, False, False)),
}


def _launch(r: Rig, name: str, code: str) -> tuple[int, str]:
    """The player's user_code and a real-money session in `code` (which fixes its currency)."""
    r.app.casino.create_player(name, code, "1000")
    user = post(r, "/v4/user/create", {"name": name})["data"]["user_code"]
    body = {"user_code": user, "provider_id": 1, "game_symbol": GAME, "currency": code}
    answer = post(r, "/v4/game/game-url", body)
    assert answer["code"] == 0, answer
    return int(user), open_launch(r.app.platform, answer["data"]["game_url"].rsplit("/", 1)[1])


def _grant(r: Rig, user: int, bet: str) -> int:
    body = {"user_code": user, "provider_id": 1, "game_code": GAME, "bet": bet, "rounds": 1}
    body |= {"expirationDate": int(EXPIRES.timestamp()) * 1000}
    answer = post(r, "/v4/game/freeround/start", body)
    assert answer["code"] == 0, answer
    return int(answer["data"]["fr_id"])


def _csv(r: Rig, path: str, body: dict[str, Any]) -> list[dict[str, str]]:
    answer = r.app.post(f"{path}?format=csv", json.dumps(body).encode(), r.app.api_token)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


def _as_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[dict[str, str]]:
    """JSON rows as the CSV writes them: every column as text, null empty."""
    return [{c: "" if row[c] is None else str(row[c]) for c in columns} for row in rows]


def _stats(r: Rig, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = post(r, path, body)
    assert answer["code"] == 0, answer
    data: dict[str, Any] = answer["data"]
    # Money as the JSON numbers went on the wire (parsed as Decimal): compare as text.
    for row in data["list"]:
        for name in ("slot_bet", "slot_win", "bet", "win", "ggr", "stake"):
            if isinstance(row.get(name), Decimal):
                row[name] = str(row[name])
    return data


def test_statistics_and_events_are_per_currency(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with rig(database_url, tmp_path, "slotcity-v4") as r:
        platform = r.app.platform
        operator_currencies.add_currency(
            platform, NAME, "JPY", min_bet_minor=10, max_bet_minor=10_000
        )
        webhooks.set_big_win(platform, NAME, 1)  # every winning round is also a big win
        users: dict[str, int] = {}
        tokens: dict[str, str] = {}
        for name, (code, bet, outcomes) in PLAYS.items():
            user, token = _launch(r, name, code)
            users[name], tokens[name] = user, token
            losing, winning = seeds_for(to_minor(bet, currency(code)))
            for wins in outcomes:
                spin(r, token, bet, winning if wins else losing)
        # A free round in JPY, the grant's only one (used up: its event comes with the
        # round), and an EUR grant withdrawn before it is played.
        fr_id = _grant(r, users["jpy_player"], "100")
        platform.game_rng = lambda: SeededRng(1)
        free = r.app.post(
            "/api/game/spin",
            json.dumps({"bet": "100", "free_round_id": fr_id}).encode(),
            tokens["jpy_player"],
        ).json()
        assert free["code"] == 0, free
        withdrawn = _grant(r, users["eur_player"], "0.50")
        assert post(r, "/v4/game/freeround/cancel", {"fr_id": withdrawn})["code"] == 0
        platform.wallet.write_pending_acks()

        with platform.db.transaction() as session:
            rounds = session.scalars(select(Round).order_by(Round.id)).all()
            currency_of = {p.id: p.currency for p in session.scalars(select(Player)).all()}
            raw_events = session.scalars(
                select(OperatorEvent).order_by(OperatorEvent.sequence)
            ).all()
            sent = [(row.kind, json.loads(row.payload_json)) for row in raw_events]
        assert {currency_of[users[name]] for name in PLAYS} == {"EUR", "JPY"}

        # What each currency's figures must be, from the rounds themselves.
        expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for round_ in rounds:
            code = currency_of[round_.player_id]
            assert round_.currency == code  # written with the round
            paid = 0 if round_.free_round_id else round_.bet_minor
            expected[code]["bet"] += paid
            expected[code]["win"] += round_.win_minor
            expected[code]["rounds"] += 1
            expected[code]["free_rounds"] += 1 if round_.free_round_id else 0
            expected[code]["stake"] += round_.bet_minor
        assert expected["EUR"]["rounds"] == 2 and expected["JPY"]["rounds"] == 4

        def money(code: str, minor: int) -> str:
            return format_fixed(minor, currency(code))

        # Per player: each row in its player's currency.
        users_page = _stats(r, "/v4/statistics/user", WINDOW | {"limit": 100})
        by_user = {row["user_code"]: row for row in users_page["list"]}
        for name, (code, _, _) in PLAYS.items():
            row = by_user[users[name]]
            assert row["currency_code"] == code
            assert (row["slot_bet"], row["slot_win"]) == (
                money(code, expected[code]["bet"]),
                money(code, expected[code]["win"]),
            )
        user_csv = _csv(r, "/v4/statistics/user", WINDOW | {"limit": 100})
        assert list(user_csv[0]) == list(statistics.USER_COLUMNS)
        assert user_csv == _as_csv(users_page["list"], statistics.USER_COLUMNS)

        # Per day: a row per day and currency, the first currency first, days without play
        # included; nothing of one currency in the other's row.
        days = {"start_date": "2026-04-30", "end_date": DAY}
        day_page = _stats(r, "/v4/statistics/day", days)
        assert day_page["currency"] == "EUR"
        assert [(row["date"], row["currency_code"]) for row in day_page["list"]] == [
            ("2026-04-30", "EUR"),
            ("2026-04-30", "JPY"),
            (DAY, "EUR"),
            (DAY, "JPY"),
        ]
        for row in day_page["list"][:2]:
            assert (row["bet"], row["rounds"], row["players"]) == (
                money(row["currency_code"], 0),
                0,
                0,
            )
        for row in day_page["list"][2:]:
            code = row["currency_code"]
            want = expected[code]
            assert row["bet"] == money(code, want["bet"])
            assert row["win"] == money(code, want["win"])
            assert row["ggr"] == money(code, want["bet"] - want["win"])
            assert row["stake"] == money(code, want["stake"])
            assert (row["rounds"], row["free_rounds"], row["players"]) == (
                want["rounds"],
                want["free_rounds"],
                1,
            )
            assert row["rtp_observed"] == statistics.percent(Fraction(want["win"], want["stake"]))
        day_csv = _csv(r, "/v4/statistics/day", days)
        assert list(day_csv[0]) == list(statistics.DAY_COLUMNS)
        assert day_csv == _as_csv(day_page["list"], statistics.DAY_COLUMNS)

        # Per game: one row per variant and currency.
        one_day = {"start_date": DAY, "end_date": DAY}
        game_page = _stats(r, "/v4/statistics/game", one_day)
        assert [(row["game_code"], row["currency_code"]) for row in game_page["list"]] == [
            (GAME, "EUR"),
            (GAME, "JPY"),
        ]
        game = catalogue.get_game(GAME)
        assert game is not None
        for row in game_page["list"]:
            code = row["currency_code"]
            assert (row["bet"], row["win"], row["rounds"]) == (
                money(code, expected[code]["bet"]),
                money(code, expected[code]["win"]),
                expected[code]["rounds"],
            )
        game_csv = _csv(r, "/v4/statistics/game", one_day)
        assert list(game_csv[0]) == list(statistics.GAME_COLUMNS)
        assert game_csv == _as_csv(game_page["list"], statistics.GAME_COLUMNS)

        # The back office's dashboard: one currency at a time, the first unless picked.
        first = backoffice_ops.dashboard(platform, r.operator_id)
        assert (first.currency, first.currencies) == ("EUR", ["EUR", "JPY"])
        assert first.today["bet"] == money("EUR", expected["EUR"]["bet"])
        assert {row["currency_code"] for row in first.days} == {"EUR"}
        picked = backoffice_ops.dashboard(platform, r.operator_id, "JPY")
        assert picked.currency == "JPY" and picked.today["rounds"] == expected["JPY"]["rounds"]
        assert backoffice_ops.dashboard(platform, r.operator_id, "GBP").currency == "EUR"
        # Its page: the currency picked, its figures, a link to the other currency; the
        # statistics page per player names each player's currency.
        cookies = signed_in(r.app, monkeypatch)
        root = f"/backoffice/o/{r.operator_id}"
        page = r.app.get(f"{root}/?currency=JPY", cookies=cookies).text
        jpy_bet = money("JPY", expected["JPY"]["bet"])
        assert f'<b id="today-bet">{jpy_bet}</b>' in page
        assert '<a href="?currency=EUR">EUR</a>' in page and 'aria-current="page">JPY' in page
        page = r.app.get(f"{root}/stats?by=player&from={DAY}&to={DAY}", cookies=cookies).text
        assert "<td>JPY</td>" in page and "<td>EUR</td>" in page

        # Every event with an amount names its player's currency.
        round_player = {round_.id: round_.player_id for round_ in rounds}
        kinds = [kind for kind, _ in sent]
        assert kinds.count(EventKind.ROUND_SETTLED) == len(rounds)
        assert EventKind.BIG_WIN in kinds and EventKind.FREE_ROUNDS_FINISHED in kinds
        for kind, data in sent:
            assert set(data) == set(EVENT_KINDS[EventKind(kind)].fields), kind
            if "round_id" in data:
                assert data["currency"] == currency_of[round_player[data["round_id"]]]
        finished = {
            data["fr_id"]: data["currency"]
            for kind, data in sent
            if kind == EventKind.FREE_ROUNDS_FINISHED
        }
        assert finished == {fr_id: "JPY", withdrawn: "EUR"}

        # A round from before migration 0022 (no currency of its own) is its player's.
        jpy_round = next(rd for rd in rounds if currency_of[rd.player_id] == "JPY")
        with platform.db.transaction() as session:
            older = Round(
                id=jpy_round.id,
                operator_id=jpy_round.operator_id,
                player_id=jpy_round.player_id,
                game_code=jpy_round.game_code,
                bet_minor=jpy_round.bet_minor,
                win_minor=jpy_round.win_minor,
                free_round_id=None,
                state="settled",
                demo=False,
                currency=None,
            )
            events.round_finished(session, older, dt.datetime.now(dt.UTC))
            (staged,) = session.info.pop("reelhouse.staged_events")
        assert staged.data["currency"] == "JPY"


def test_the_round_currency_migration_adds_a_nullable_column(database_url: str) -> None:
    """0022 adds a nullable rounds.currency on top of 0021, in one linear history (a single
    head: get_current_head refuses several); the migrated schema is the models'
    (tests/test_spin_query_plans.py compares the rest)."""
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() is not None
    assert script.get_revision("0022_round_currency").down_revision == "0021_stricter_rules"
    db = Database(database_url)
    try:
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("rounds")}
        assert columns["currency"]["nullable"]
    finally:
        db.dispose()
