"""Small games built in code for rule tests and property tests, plus brute-force evaluation."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from reelhouse.games.engine import play
from reelhouse.games.model import Game, StripSet, parse_game
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.rng import DrawsExhausted, ReplayRng
from reelhouse.games.stats import Sheet

VARIANT = 96


def symbol(
    code: str, pays: list[int], kind: str = "regular", multiplier: int = 1
) -> dict[str, Any]:
    return {
        "code": code,
        "name": code.title(),
        "kind": kind,
        "pays": pays,
        "multiplier": multiplier,
    }


def make_game(
    symbols: list[dict[str, Any]],
    base: list[list[str]],
    *,
    rows: int = 1,
    mode: str = "lines",
    lines: list[list[int]] | None = None,
    base_weights: list[list[int]] | None = None,
    free: list[list[str]] | None = None,
    free_weights: list[list[int]] | None = None,
    free_spins: dict[str, Any] | None = None,
    credits: int = 1,
    max_win_x: int = 100_000,
) -> Game:
    reels = len(base)
    document: dict[str, Any] = {
        "game_code": "test-game",
        "name": "Test Game",
        "volatility": "low",
        "reels": reels,
        "rows": rows,
        "mode": mode,
        "credits": credits,
        "max_win_x": max_win_x,
        "rtp_variants": [VARIANT],
        "symbols": symbols,
    }
    if mode == "lines":
        document["lines"] = lines or [[0] * reels]
    if free_spins is not None:
        document["free_spins"] = free_spins
    variant: dict[str, Any] = {
        "rtp_percent": VARIANT,
        "base": {"strips": base, "weights": base_weights or [[1] * len(s) for s in base]},
    }
    if free is not None:
        variant["free"] = {"strips": free, "weights": free_weights or [[1] * len(s) for s in free]}
    return parse_game(document, {VARIANT: variant})


def _strips_for_draw(game: Game, index: int) -> StripSet:
    """`play` draws one number per reel, left to right: the base spin, then each free spin."""
    math = game.variant(VARIANT)
    if index < game.reels:
        return math.base
    assert math.free is not None
    return math.free


def all_rounds(game: Game, bet_minor: int) -> list[tuple[Fraction, SpinOutcome]]:
    """Every possible round with its exact probability, by running the real engine on every
    sequence of stops (one representative draw per stop, weighted by the stop's weight)."""
    rounds: list[tuple[Fraction, SpinOutcome]] = []
    stack: list[tuple[tuple[int, ...], Fraction]] = [((), Fraction(1))]
    while stack:
        draws, probability = stack.pop()
        try:
            outcome = play(game, VARIANT, bet_minor, ReplayRng(draws))
        except DrawsExhausted:
            reel = _strips_for_draw(game, len(draws)).reels[len(draws) % game.reels]
            lower = 0
            for weight, upper in zip(reel.weights, reel.cumulative, strict=True):
                stack.append(((*draws, lower), probability * Fraction(weight, reel.total_weight)))
                lower = upper
            continue
        rounds.append((probability, outcome))
    assert sum(p for p, _ in rounds) == 1
    return rounds


def assert_round_figures(sheet: Sheet, rounds: list[tuple[Fraction, SpinOutcome]]) -> None:
    """The sheet's whole-round figures against every round: what a round pays (after the
    game's cap), the max win and its odds, and the effective RTP under a few caps."""
    game = sheet.game
    paid: dict[int, Fraction] = {}
    for p, o in rounds:
        win = min(o.uncapped_win_credits, game.max_win_credits)
        paid[win] = paid.get(win, Fraction(0)) + p
    for credits, probability in paid.items():
        assert sheet.distribution[credits] == pytest.approx(float(probability), abs=1e-12)
    assert float(sheet.distribution.sum()) == pytest.approx(1.0, abs=1e-12)
    top = max(paid)
    assert sheet.max_win_x * game.credits == pytest.approx(top)
    assert sheet.max_win_probability == pytest.approx(float(paid[top]), rel=1e-9)
    for cap in (1, top // 2, top):
        capped = sum(p * min(o.uncapped_win_credits, cap) for p, o in rounds) / game.credits
        assert sheet.effective_rtp(cap / game.credits) == pytest.approx(float(capped), rel=1e-9)
