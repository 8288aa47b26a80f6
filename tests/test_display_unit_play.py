"""Display units in play: a BTC player sees and bets in mBTC (or the unit its launch names)
while the wallet, the rounds and the Main API stay in BTC's satoshis (docs/operator-guide.md,
"Display units").

The rig is tests/test_operator_currencies.py's: the app in-process, the demo casino as the
wallet, every callback body kept as it went on the wire; both databases."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reelhouse.domain.display_units import display_unit
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.money import currency, format_fixed
from reelhouse.services import backoffice_settings, launch, operator_currencies
from reelhouse.store.models import GameSession, LaunchToken, Operator, Round, WalletCall
from tests.harness import GAME
from tests.test_operator_currencies import (
    NAME,
    PLAYER,
    WHO,
    Rig,
    post,
    rig,
    seeds_for,
    spin,
    wire_amounts,
)

BTC = currency("BTC")
MBTC = display_unit("mBTC")
UBTC = display_unit("uBTC")
BET_MINOR = 1_000  # 0.01 mBTC: 1000 satoshis, 0.00001000 BTC on SlotCity's wire
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def offer_btc(r: Rig, unit: str | None = "mBTC") -> None:
    """BTC beside the operator's first currency (EUR), its players shown `unit` by default."""
    operator_currencies.add_currency(
        r.app.platform,
        NAME,
        "BTC",
        min_bet_minor=1_000,
        max_bet_minor=1_000_000,
        unit_name=unit,
    )
    r.app.casino.create_player(PLAYER, "BTC", "1")


def game_url(r: Rig, **fields: Any) -> dict[str, Any]:
    """The v4 game-url's whole answer, for the rig's player."""
    user = post(r, "/v4/user/create", {"name": PLAYER})["data"]["user_code"]
    body = {"user_code": user, "provider_id": 1, "game_symbol": GAME} | fields
    return post(r, "/v4/game/game-url", body)


def opened(r: Rig, **fields: Any) -> str:
    """A session launched with `fields`; its token."""
    answer = game_url(r, **fields)
    assert answer["code"] == 0, answer
    return launch.open_launch(r.app.platform, answer["data"]["game_url"].rsplit("/", 1)[1])


def api_get(r: Rig, path: str, session_token: str) -> Any:
    """A game API GET with the session's token, its envelope's data (code 0)."""
    bearer = {"Authorization": f"Bearer {session_token}"}
    answer = r.app._run(r.app.client.get(path, headers=bearer))
    envelope = json.loads(answer.text)
    assert envelope["code"] == 0, envelope
    return envelope["data"]


def state(r: Rig, session_token: str) -> dict[str, Any]:
    answer = r.app._run(
        r.app.client.get("/api/game/state", headers={"Authorization": f"Bearer {session_token}"})
    )
    envelope: dict[str, Any] = json.loads(answer.text)
    assert envelope["code"] == 0, envelope
    data: dict[str, Any] = envelope["data"]
    return data


def spin_code(r: Rig, session_token: str, bet: str) -> int:
    answer = r.app.post("/api/game/spin", json.dumps({"bet": bet}).encode(), session_token)
    return int(json.loads(answer.text)["code"])


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def test_a_btc_player_sees_and_bets_in_the_operators_mbtc(
    database_url: str, tmp_path: Path
) -> None:
    """The operator's default for BTC is mBTC: the state's amounts have mBTC's 5 decimals and
    its symbol; a bet of "0.01" mBTC debits exactly 1000 satoshis, sent as 0.00001000 BTC;
    the win is shown in mBTC; a tenth of a satoshi is refused, nothing written."""
    with rig(database_url, tmp_path, "slotcity-v4") as r:
        offer_btc(r)
        session_token = opened(r, currency="BTC")
        shown = state(r, session_token)
        assert shown["currency"] == "BTC"
        assert shown["display_unit"] == {"code": "mBTC", "symbol": "mBTC", "decimals": 5}
        assert shown["currency_exponent"] == 5
        # 1 BTC funded is 1000 mBTC; the limits 1000 and 1000000 satoshis are 0.01 and 10 mBTC.
        assert shown["balance"] == "1000.00000"
        assert (shown["min_bet"], shown["max_bet"]) == ("0.01000", "10.00000")
        assert shown["bet_levels"][0] == "0.01000"
        assert {decimals(level) for level in shown["bet_levels"]} == {5}
        assert decimals(shown["session_figures"]["net_position"]) == 5

        # A tenth of a satoshi, and text that is not an amount: refused, never rounded.
        before, sent = r.app.row_counts(), len(r.transport.sent)
        for bet in ("0.000001", "0.0100001", "1e-3x"):
            assert spin_code(r, session_token, bet) == ApiCode.PARAMETERS_INVALID, bet
        assert r.app.row_counts() == before and len(r.transport.sent) == sent

        losing, winning = seeds_for(BET_MINOR)
        lost = spin(r, session_token, "0.01", losing)
        won = spin(r, session_token, "0.01", winning)
        r.app.platform.wallet.write_pending_acks()
        with r.app.platform.db.transaction() as session:
            rounds = session.scalars(select(Round).order_by(Round.created_at_utc, Round.id)).all()
            calls = session.scalars(select(WalletCall)).all()
        assert [round_.bet_minor for round_ in rounds] == [BET_MINOR, BET_MINOR]
        win_minor = rounds[1].win_minor
        assert win_minor > 0
        # The wallet saw BTC, to the satoshi: each stake 0.00001000, the win in BTC too.
        stakes = [text for name, text in wire_amounts(r) if name == "amount"]
        assert stakes.count("0.00001000") >= 2, stakes
        assert format_fixed(win_minor, BTC) in stakes
        bets = [c for c in calls if c.amount_minor == BET_MINOR]
        assert len(bets) >= 2
        ledger = r.app.casino.ledger(None)
        assert {row["currency"] for row in ledger} == {"BTC"}
        end_minor = 100_000_000 - 2 * BET_MINOR + win_minor
        assert r.app.casino.player(PLAYER)["balance_minor"] == end_minor

        # The spin answers in mBTC.
        assert (lost["bet"], lost["win"]) == ("0.01000", "0.00000")
        assert won["win"] == format_fixed(win_minor, MBTC.view)
        assert won["balance"] == format_fixed(end_minor, MBTC.view)

        # The state, the history and the round page: mBTC as well.
        again = state(r, session_token)
        assert again["last_round"]["win"] == format_fixed(win_minor, MBTC.view)
        assert again["balance"] == format_fixed(end_minor, MBTC.view)
        history = api_get(r, "/api/game/history?limit=5", session_token)
        assert history["currency"] == "BTC" and history["display_unit"]["symbol"] == "mBTC"
        assert [h["bet"] for h in history["rounds"]] == ["0.01000", "0.01000"]
        assert history["rounds"][0]["win"] == format_fixed(win_minor, MBTC.view)
        page = r.app.get(history["rounds"][0]["details_url"].removeprefix("http://rh.invalid"))
        assert f"{format_fixed(win_minor, MBTC.view)} mBTC" in page.text
        assert "Amounts in BTC" in page.text

        # The Main API's feed stays in BTC.
        window = {"start_time": "2026-05-01 08:30:00", "end_time": "2026-05-01 09:30:00"}
        feed = post(r, "/v4/game/transaction", window | {"limit": 100})["data"]["list"]
        assert {item["currency_code"] for item in feed} == {"BTC"}
        assert Decimal("0.00001") in {item["trans_amount"] for item in feed}


def test_a_launch_names_its_own_unit_and_a_session_keeps_it(
    database_url: str, tmp_path: Path
) -> None:
    """`display_unit` per launch overrides the operator's default, by code or symbol, and
    "BTC" names BTC itself; a session keeps its unit when the default changes later."""
    with rig(database_url, tmp_path, "slotcity-v4") as r:
        offer_btc(r)
        micro = opened(r, currency="BTC", display_unit="uBTC")
        shown = state(r, micro)
        assert shown["display_unit"] == {"code": "uBTC", "symbol": "μBTC", "decimals": 2}
        assert (shown["balance"], shown["min_bet"]) == ("1000000.00", "10.00")
        by_symbol = opened(r, currency="BTC", display_unit="μBTC")
        assert state(r, by_symbol)["display_unit"]["code"] == "uBTC"
        plain = state(r, opened(r, currency="BTC", display_unit="BTC"))
        assert (plain["display_unit"], plain["currency_exponent"]) == (None, 8)
        assert plain["balance"] == "1.00000000"

        # A bet of 10 μBTC is 1000 satoshis.
        losing, _winning = seeds_for(BET_MINOR)
        assert spin(r, micro, "10", losing)["bet"] == "10.00"
        assert spin_code(r, micro, "0.001") == ApiCode.PARAMETERS_INVALID  # a tenth of a sat

        # The default changes to sat: later launches show it, the open session keeps μBTC.
        with r.app.platform.db.transaction() as session:
            operator = session.get(Operator, r.operator_id)
            assert operator is not None
            changed = operator_currencies.set_display_unit(session, operator, "BTC", "sat")
        assert changed.unit_code == "sat"
        assert state(r, micro)["display_unit"]["code"] == "uBTC"
        sat = state(r, opened(r, currency="BTC"))
        assert (sat["display_unit"]["code"], sat["balance"]) == ("sat", "99999000")
        with r.app.platform.db.transaction() as session:
            units = {s.display_unit for s in session.scalars(select(GameSession))}
        assert units == {"uBTC", "sat", None}


@SQLITE
def test_a_unit_not_of_the_sessions_currency_is_refused_with_nothing_written(
    database_url: str, tmp_path: Path
) -> None:
    """mETH for a BTC session, an unknown unit, a too long name, mBTC for EUR: 1012 from the
    game-url and iGamingAce-style setters, before the wallet is asked or a row written."""
    with rig(database_url, tmp_path, "slotcity-v4") as r:
        offer_btc(r)
        game_url(r)  # the player exists, launched once in EUR: not what is counted
        before, sent = r.app.row_counts(), len(r.transport.sent)
        for currency_code, unit in (
            ("BTC", "mETH"),
            ("BTC", "mbtc"),
            ("BTC", "ETH"),
            ("BTC", "x" * 9),
            ("BTC", "x" * 5000),
            ("EUR", "mBTC"),
        ):
            answer = game_url(r, currency=currency_code, display_unit=unit)
            assert answer["code"] == ApiCode.PARAMETERS_INVALID, (unit, answer)
        assert r.app.row_counts() == before and len(r.transport.sent) == sent
        with r.app.platform.db.transaction() as session:
            # Only the first launch's (in EUR, no unit).
            tokens = session.scalars(select(LaunchToken)).all()
            assert [(t.currency, t.display_unit) for t in tokens] == [("EUR", None)]

        # The operator's default: only one of the currency's own units, and only a currency
        # it offers (3025).
        with r.app.platform.db.transaction() as session:
            operator = session.get(Operator, r.operator_id)
            assert operator is not None
            for code, unit, expected in (
                ("BTC", "mETH", ApiCode.PARAMETERS_INVALID),
                ("EUR", "mBTC", ApiCode.PARAMETERS_INVALID),
                ("LTC", "mLTC", ApiCode.CURRENCY_NOT_OFFERED),
            ):
                with pytest.raises(ReelhouseError) as refused:
                    operator_currencies.set_display_unit(session, operator, code, unit)
                assert refused.value.code is expected, (code, unit)
        with pytest.raises(ReelhouseError) as refused:
            operator_currencies.add_currency(
                r.app.platform, NAME, "ETH", min_bet_minor=1, max_bet_minor=9, unit_name="mBTC"
            )
        assert refused.value.code is ApiCode.PARAMETERS_INVALID
        assert r.app.row_counts() == before


@SQLITE
def test_a_session_without_a_unit_is_unchanged(database_url: str, tmp_path: Path) -> None:
    """EUR (no units) and BTC without a default: amounts in the currency, no display unit."""
    with rig(database_url, tmp_path, "slotcity-v4") as r:
        offer_btc(r, unit=None)
        r.app.casino.create_player("eur01", "EUR", "100")
        user = post(r, "/v4/user/create", {"name": "eur01"})["data"]["user_code"]
        body = {"user_code": user, "provider_id": 1, "game_symbol": GAME}
        url = post(r, "/v4/game/game-url", body)["data"]["game_url"]
        eur = state(r, launch.open_launch(r.app.platform, url.rsplit("/", 1)[1]))
        assert (eur["currency"], eur["display_unit"], eur["currency_exponent"]) == ("EUR", None, 2)
        assert eur["balance"] == "100.00"
        btc = state(r, opened(r, currency="BTC"))
        assert (btc["display_unit"], btc["currency_exponent"], btc["balance"]) == (
            None,
            8,
            "1.00000000",
        )


@SQLITE
def test_igamingace_a_launch_and_the_back_office_choose_the_unit(
    database_url: str, tmp_path: Path
) -> None:
    """iGamingAce A's launch takes `displayUnit`; the back office's Settings lists each
    currency's unit and its choices and sets it (audited)."""
    with rig(database_url, tmp_path, "igamingace-a") as r:
        backoffice_settings.add_currency(
            r.app.platform, r.operator_id, "BTC", ("0.00001", "0.01", "0"), WHO, "mBTC"
        )
        r.app.casino.create_player(PLAYER, "BTC", "1")
        assert post(r, "/v1/player/link", {"playerId": PLAYER})["success"]
        body = {"playerId": PLAYER, "providerId": 1, "gameId": numeric_game_id(GAME)}
        body |= {"currency": "BTC"}
        for unit, expected in ((None, "mBTC"), ("sat", "sat")):
            answer = post(r, "/v1/game/launch", body | ({"displayUnit": unit} if unit else {}))
            assert answer["success"] is True, answer
            token = launch.open_launch(r.app.platform, str(answer["data"]).rsplit("/", 1)[1])
            assert state(r, token)["display_unit"]["code"] == expected
        refused = post(r, "/v1/game/launch", body | {"displayUnit": "mETH"})
        assert refused["success"] is False, refused

        view = backoffice_settings.settings_view(r.app.platform, r.operator_id)
        btc = view["currencies"][1]
        assert (btc["currency"], btc["display_unit"]) == ("BTC", "mBTC")
        assert btc["units"] == ["mBTC", "uBTC", "sat"]
        assert view["currencies"][0]["units"] == []
        backoffice_settings.set_display_unit(r.app.platform, r.operator_id, "BTC", "uBTC", WHO)
        view = backoffice_settings.settings_view(r.app.platform, r.operator_id)
        assert view["currencies"][1]["display_unit"] == "uBTC"
        backoffice_settings.set_display_unit(r.app.platform, r.operator_id, "BTC", "", WHO)
        view = backoffice_settings.settings_view(r.app.platform, r.operator_id)
        assert view["currencies"][1]["display_unit"] == ""


@SQLITE
def test_the_migration_adds_the_nullable_unit_at_the_single_head(
    database_url: str, tmp_path: Path
) -> None:
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    from reelhouse.store.migrate import alembic_config

    with rig(database_url, tmp_path, "slotcity-v4") as r:
        engine = r.app.platform.db.engine
        for table in ("operators", "operator_currencies", "launch_tokens", "game_sessions"):
            columns = {c["name"]: c for c in inspect(engine).get_columns(table)}
            assert columns["display_unit"]["nullable"], table
        script = ScriptDirectory.from_config(alembic_config())
        assert script.get_current_head() == "0023_display_units"
        with engine.connect() as conn:
            heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        assert heads == {"0023_display_units"}
