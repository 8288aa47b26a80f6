"""The bonus buy through the game API (docs/api.md, spin; docs/jurisdictions.md): a buy is
charged its price, within the agent's bet limits, and its round replays from its draws; a
jurisdiction that forbids it refuses it (3030), as a game without one does (3031), and each
refusal changes nothing. On both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import PROFILES
from reelhouse.games import catalogue
from reelhouse.games.replay import replay
from reelhouse.services import launch, operators, players, round_details, rounds
from reelhouse.store.models import RgAuditEntry, Round
from tests.inprocess_app import OPERATOR, App, inprocess_app

PLAYER = "bo"
GAME = "golden-vault"
PRICE_X = 60  # golden-vault's bonus buy costs 60 bets


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(database_url, tmp_path) as running:
        yield running


def _fund(app: App, money: str, player: str = PLAYER) -> None:
    """The operator plays in `money`, and the player has plenty of it at the casino."""
    with app.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR).currency = money
    app.casino.create_player(player, money, "100000.00")


def _launch(app: App, jurisdiction: str, player: str = PLAYER, game: str = GAME) -> str:
    with app.platform.db.transaction() as session:
        operator = operators.find_by_name(session, OPERATOR)
    user_code = players.create_or_get(app.platform, operator.id, player).user_code
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": game}
    body["jurisdiction"] = jurisdiction
    answer = app.post("/v4/game/game-url", json.dumps(body).encode(), app.api_token).json()
    assert answer["code"] == 0, answer
    return launch.open_launch(app.platform, answer["data"]["game_url"].rsplit("/", 1)[1])


def _spin(app: App, token: str, bet: str, **flags: Any) -> dict[str, Any]:
    body = json.dumps({"bet": bet} | flags).encode()
    answer: dict[str, Any] = app.post("/api/game/spin", body, token).json()
    return answer


def _refused(
    app: App, token: str, bet: str, code: ApiCode, player: str = PLAYER, **flags: Any
) -> None:
    before = (app.row_counts(), app.casino.player(player)["balance"])
    answer = _spin(app, token, bet, **flags)
    assert answer["code"] == code, answer
    assert (app.row_counts(), app.casino.player(player)["balance"]) == before


def test_a_buy_is_charged_its_price_and_replays(app: App) -> None:
    assert PROFILES["mt"].bonus_buy_allowed
    _fund(app, "USD")
    token = _launch(app, "mt")
    state = app._run(
        app.client.get("/api/game/state", headers={"Authorization": f"Bearer {token}"})
    )
    assert state.json()["data"]["game"]["bonus_buy"] == {"price_x": PRICE_X}
    before = Decimal(app.casino.player(PLAYER)["balance"])
    answer = _spin(app, token, "1.00", bet_mode="buy")
    assert answer["code"] == 0, answer
    data = answer["data"]
    assert data["bet"] == "60.00"  # the price: what the wallet was charged
    outcome = data["outcome"]
    assert outcome["bet_mode"] == "buy" and outcome["bet_minor"] == 6000
    assert outcome["hold"]["win_minor"] == outcome["win_minor"] == int(Decimal(data["win"]) * 100)
    assert Decimal(app.casino.player(PLAYER)["balance"]) == before - 60 + Decimal(data["win"])
    with app.platform.db.transaction() as session:
        round_ = session.scalars(select(Round).where(Round.id == int(data["round_id"]))).one()
        stored = (round_.rtp_variant, round_.math_hash, round_.bet_minor, round_.draws_json)
        outcome_json = json.loads(round_.outcome_json)
    variant, math_hash, stake, draws = stored
    assert stake == 6000
    game = catalogue.get_game(GAME)
    assert game is not None and math_hash == catalogue.math_hash(game, variant)
    found = replay(GAME, variant, math_hash, stake, json.loads(draws), outcome_json)
    assert found.verified, found.reason
    # The round-details page shows the final respin board: every coin with its value, and
    # the feature's total (the client's history shows the same board).
    view = round_details.round_view(app.platform, int(data["round_id"]))
    assert view is not None
    board = view.spins[-1]
    hold = outcome["hold"]
    coins = hold["coins"] + [c for respin in hold["respins"] for c in respin["landed"]]
    shown = [w for w in board.wins if "reel" in w.text]
    assert len(shown) == len(coins)
    assert sum(Decimal(w.amount) for w in shown) * 100 == sum(c[2] for c in coins)
    assert Decimal(board.win) * 100 == hold["win_minor"]
    assert sum(cell.winning for row in board.rows for cell in row) == len(coins)

    # The agent's bet limits (at most 1000.00 here) apply to the price: 20.00 x 60 is above.
    _refused(app, token, "20.00", ApiCode.PARAMETERS_INVALID, bet_mode="buy")
    # A bet off the game's step is refused even where its price would be on it.
    _refused(app, token, "0.01", ApiCode.PARAMETERS_INVALID, bet_mode="buy")
    _refused(app, token, "1.00", ApiCode.BET_MODE_UNKNOWN, bet_mode="super")
    _refused(app, token, "1.00", ApiCode.VALIDATION_ERROR, bet_mode="x" * 17)


def test_a_free_spin_buy_is_charged_its_price_replays_and_is_refused_where_forbidden(
    app: App,
) -> None:
    """Pearl Diver sells its free spins for 50 bets: the round has no base spin, at least the
    trigger's 10 free spins, and replays; a profile that forbids buying refuses it (3030)."""
    _fund(app, "USD")
    token = _launch(app, "mt", game="pearl-diver")
    before = Decimal(app.casino.player(PLAYER)["balance"])
    answer = _spin(app, token, "0.20", bet_mode="buy")
    assert answer["code"] == 0, answer
    data, outcome = answer["data"], answer["data"]["outcome"]
    assert data["bet"] == "10.00" and outcome["bet_mode"] == "buy"
    assert outcome["base"]["stops"] == [] and len(outcome["free_spins"]) >= 10
    assert Decimal(app.casino.player(PLAYER)["balance"]) == before - 10 + Decimal(data["win"])
    with app.platform.db.transaction() as session:
        round_ = session.scalars(select(Round).where(Round.id == int(data["round_id"]))).one()
        stored = (round_.rtp_variant, round_.math_hash, round_.bet_minor, round_.draws_json)
        outcome_json = json.loads(round_.outcome_json)
    variant, math_hash, stake, draws = stored
    assert stake == 1000
    found = replay("pearl-diver", variant, math_hash, stake, json.loads(draws), outcome_json)
    assert found.verified, found.reason
    # Its round details show the free spins alone: there was no base spin to show.
    view = round_details.round_view(app.platform, int(data["round_id"]))
    assert view is not None and view.spins[0].title.startswith("Free spin 1 of ")
    assert len(view.spins) == len(outcome["free_spins"])
    assert not PROFILES["uk"].bonus_buy_allowed
    player = f"{PLAYER}_uk"
    _fund(app, "GBP", player)
    forbidden = _launch(app, "uk", player, game="pearl-diver")
    _refused(app, forbidden, "0.20", ApiCode.BONUS_BUY_FORBIDDEN, player, bet_mode="buy")


def _audited(app: App, code: ApiCode) -> int:
    with app.platform.db.transaction(read_only=True) as session:
        return len(session.scalars(select(RgAuditEntry).where(RgAuditEntry.code == code)).all())


def test_every_profile_refuses_a_buy_exactly_where_it_forbids_one(app: App) -> None:
    """Each profile in turn, in one app: a buy sent straight to the game API is refused with
    3030 where the profile forbids buying a feature, changing nothing, and a spin at the bet
    is still played; where it allows one, the buy is played (or refused by the stake cap,
    never by 3030). tests/test_jurisdictions.py tries every profile's other rules the same way."""
    for code in sorted(PROFILES):
        rules = PROFILES[code]
        # A player plays in one currency: one per profile, in the currency its cap is written in.
        money = sorted(rules.max_stake_minor)[0] if rules.max_stake_minor else "USD"
        player = f"{PLAYER}_{code}"
        _fund(app, money, player)
        token = _launch(app, code, player)
        if not rules.bonus_buy_allowed:
            audited = _audited(app, ApiCode.BONUS_BUY_FORBIDDEN)
            _refused(app, token, "1.00", ApiCode.BONUS_BUY_FORBIDDEN, player, bet_mode="buy")
            # The refusal's one write: its responsible-gaming audit row.
            assert _audited(app, ApiCode.BONUS_BUY_FORBIDDEN) == audited + 1, code
            assert _spin(app, token, "1.00")["code"] == 0, code  # a spin at the bet is played
        else:
            answer = _spin(app, token, "0.10", bet_mode="buy")
            assert answer["code"] in (0, ApiCode.JURISDICTION_STAKE_ABOVE_MAX), (code, answer)
    assert {c for c, p in PROFILES.items() if not p.bonus_buy_allowed} >= {"uk", "de", "nl"}


def test_a_free_round_is_never_a_buy_and_a_game_without_one_has_no_buy() -> None:
    vault, sevens = catalogue.get_game(GAME), catalogue.get_game("lucky-sevens")
    assert vault is not None and sevens is not None
    assert rounds.bet_mode(vault, "buy", None) == "buy"
    assert rounds.bet_mode(vault, "base", 7) == "base"
    for game, name, free_round_id, code in (
        (vault, "buy", 7, ApiCode.BET_MODE_NOT_FREE),
        (sevens, "buy", None, ApiCode.BET_MODE_UNKNOWN),
        (vault, "Buy", None, ApiCode.BET_MODE_UNKNOWN),
    ):
        with pytest.raises(ReelhouseError) as refused:
            rounds.bet_mode(game, name, free_round_id)
        assert refused.value.code is code
