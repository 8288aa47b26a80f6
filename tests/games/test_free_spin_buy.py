"""A bonus buy of free spins (engine.py, exact.buy_rtp): the real engine, enumerated on a tiny
game with exact fractions, agrees with the exact buy RTP and the sheet's; every variant of
Pearl Diver has its buy RTP from two methods and a quick simulation of its buys within 3
sigma; a bought round replays from its draws, and the same draws as a base round do not.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from reelhouse.games import catalogue
from reelhouse.games.bet_modes import BUY
from reelhouse.games.engine import play
from reelhouse.games.exact import buy_rtp
from reelhouse.games.hold_model import HoldDataError
from reelhouse.games.model import Game, parse_game
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.replay import replay
from reelhouse.games.rng import SeededRng
from reelhouse.games.simulate import simulate_chunk
from reelhouse.games.stats import compute_sheet
from tests.games.test_hold_and_win import every_round

CODE = "pearl-diver"
AGREE = 1e-12
SIGMAS = 3.0
# A bought feature's win has a standard deviation of about 0.9 prices: 4,000 buys resolve
# its RTP to about 1.4 points, enough to catch an engine that disagrees with the chain.
QUICK_BUYS = 4_000


def pearl_diver() -> Game:
    game = catalogue.get_game(CODE)
    assert game is not None
    return game


VARIANTS = pearl_diver().rtp_variants


def tiny_document() -> dict[str, Any]:
    """2 reels x 1 row: one scatter buys 1 free spin (x2), two award 2; at most 3 per feature."""
    return {
        "game_code": "tiny-dive",
        "name": "Tiny Dive",
        "volatility": "high",
        "reels": 2,
        "rows": 1,
        "mode": "lines",
        "credits": 1,
        "max_win_x": 1000,
        "rtp_variants": [96],
        "lines": [[0, 0]],
        "symbols": [
            {"code": "A", "name": "A", "kind": "regular", "pays": [0, 3]},
            {"code": "W", "name": "W", "kind": "wild", "pays": [0, 4], "multiplier": 2},
            {"code": "S", "name": "S", "kind": "scatter", "pays": [1, 2]},
        ],
        "free_spins": {"awards": [1, 2], "multiplier": 2, "retrigger": True, "max_spins": 3},
        "bonus_buy": {"price_x": 3},
    }


def tiny_game() -> Game:
    variant = {
        "rtp_percent": 96,
        "base": {"strips": [["A", "S", "W"], ["S", "A", "A"]], "weights": [[1, 1, 1], [1, 1, 2]]},
        "free": {"strips": [["A", "S", "W"], ["A", "S", "W"]], "weights": [[1, 2, 1], [1, 1, 1]]},
    }
    return parse_game(tiny_document(), {96: variant})


def test_the_engine_agrees_with_the_exact_buy_rtp_round_by_round() -> None:
    game = tiny_game()
    assert game.bonus_buy is not None and game.bonus_buy.start_spins == 1
    bought = every_round(game, BUY)
    assert all(o.bet_minor == 3 and o.bet_mode == BUY and not o.base.stops for _, o in bought)
    assert max(len(o.free_spins) for _, o in bought) == 3  # retriggers reach the limit
    mean = sum(p * o.uncapped_win_credits for p, o in bought)
    assert float(mean) / 3 == pytest.approx(buy_rtp(game, 96), abs=AGREE)
    rows = dict(compute_sheet(game, 96).extra)
    assert float(rows["bonus buy RTP %"]) == pytest.approx(float(mean) / 3 * 100, abs=1e-6)


def test_a_buy_of_a_game_without_a_feature_or_with_extra_fields_is_refused() -> None:
    document = tiny_document()
    del document["free_spins"]
    document["symbols"] = document["symbols"][:2]
    with pytest.raises(HoldDataError, match="a bonus buy needs a feature"):
        parse_game(document, {96: {"rtp_percent": 96, "base": tiny_game_strips()}})
    document = tiny_document() | {"bonus_buy": {"price_x": 3, "start_cash": 2}}
    with pytest.raises(HoldDataError, match="only price_x"):
        parse_game(document, {96: {"rtp_percent": 96, "base": {}, "free": {}}})


def tiny_game_strips() -> dict[str, Any]:
    return {"strips": [["A", "W"], ["W", "A"]], "weights": [[1, 1], [1, 1]]}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_buys_near_its_rtp_and_a_simulation_agrees(variant: int) -> None:
    game = pearl_diver()
    assert game.bonus_buy is not None
    exact = buy_rtp(game, variant)
    # The tuner fits the free strips so that the buy returns the variant's RTP.
    assert abs(exact - variant / 100) < 0.00001
    bought = simulate_chunk(game, variant, QUICK_BUYS, np.random.default_rng(variant), BUY)
    assert bought.triggers == QUICK_BUYS
    price = game.bonus_buy.price_x * game.credits
    rtp = bought.paid / (bought.spins * price)
    std = math.sqrt(bought.paid_squared / bought.spins - (bought.paid / bought.spins) ** 2)
    z = (rtp - exact) / (std / price / math.sqrt(bought.spins))
    assert abs(z) <= SIGMAS, f"buy RTP {rtp:.5f} vs exact {exact:.5f}: z = {z:.2f}"


def test_a_bought_round_replays_from_its_draws() -> None:
    game = pearl_diver()
    bet = 3 * game.bet_step_minor
    hashed = catalogue.math_hash(game, 96)
    source = SeededRng(5)
    for _ in range(5):
        outcome = play(game, 96, bet, source, BUY)
        assert outcome.bet_minor == 50 * bet and outcome.base.win_credits == 0
        assert len(outcome.free_spins) >= 10
        stored = json.loads(json.dumps(outcome.to_json()))
        assert stored["bet_mode"] == "buy"
        assert SpinOutcome.from_json(stored) == outcome
        found = replay(CODE, 96, hashed, outcome.bet_minor, outcome.draws, stored)
        assert found.verified, found.reason
    # The same draws stored as a base round do not replay.
    as_base = {key: value for key, value in stored.items() if key != "bet_mode"}
    assert not replay(CODE, 96, hashed, outcome.bet_minor, outcome.draws, as_base).verified
