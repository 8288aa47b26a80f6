"""Exact math against brute force: small generated games, every possible round enumerated.

The brute force runs the real engine (`play`) on every sequence of reel stops, free spins and
retriggers included, and sums outcomes with exact fractions. The exact math must agree with it:
the fast mean (`exact.py`, per-line expectations and Wald), the full sheet (`stats.py`,
enumeration and a moment recursion), and the cap bound (`capbound.py`) must hold.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelhouse.games import catalogue
from reelhouse.games.exact import rtp_breakdown
from reelhouse.games.model import Game
from reelhouse.games.stats import compute_sheet
from tests.games.builders import all_rounds, make_game, symbol

# Rounds enumerated per example stay below this, so an example costs well under a second.
MAX_LEAVES = 4000


@st.composite
def small_games(draw: st.DrawFn, capped: bool = False) -> Game:
    reels = draw(st.integers(2, 3))
    rows = draw(st.integers(1, 2))
    mode = draw(st.sampled_from(["lines", "ways"]))
    pays = st.lists(st.integers(0, 9), min_size=reels, max_size=reels)
    regular = [symbol(code, draw(pays)) for code in ("A", "B", "C")[: draw(st.integers(2, 3))]]
    symbols = list(regular)
    if draw(st.booleans()):
        wild_pays = [0] * reels if mode == "ways" else draw(pays)
        symbols.append(symbol("W", wild_pays, kind="wild", multiplier=draw(st.integers(1, 3))))
    often = st.sampled_from([True, True, True, False])  # features are where the bugs hide
    with_scatter = draw(often)
    if with_scatter:
        symbols.append(symbol("S", draw(pays), kind="scatter"))
    codes = [s["code"] for s in symbols]

    def strips() -> tuple[list[list[str]], list[list[int]]]:
        layout, weights = [], []
        for _ in range(reels):
            length = draw(st.integers(rows, 3))
            # At most one scatter per strip keeps every window to one scatter at most.
            stops = [draw(st.sampled_from([c for c in codes if c != "S"])) for _ in range(length)]
            if with_scatter and draw(often):
                stops[draw(st.integers(0, length - 1))] = "S"
            layout.append(stops)
            weights.append([draw(st.integers(1, 3)) for _ in range(length)])
        return layout, weights

    base, base_weights = strips()
    options: dict[str, Any] = {"rows": rows, "mode": mode, "base_weights": base_weights}
    if mode == "lines":
        patterns = sorted(
            {tuple(draw(st.integers(0, rows - 1)) for _ in range(reels)) for _ in range(3)}
        )
        options["lines"] = [list(p) for p in patterns]
    if with_scatter and draw(often):
        free, free_weights = strips()
        per_spin = math.prod(len(s) for s in free)
        max_spins = draw(st.integers(1, 3))
        while max_spins > 1 and math.prod(len(s) for s in base) * per_spin**max_spins > MAX_LEAVES:
            max_spins -= 1
        awards = [draw(st.integers(0, max_spins)) for _ in range(reels)]
        awards[-1] = max(awards[-1], 1)
        options["free"], options["free_weights"] = free, free_weights
        options["free_spins"] = {
            "awards": awards,
            "multiplier": draw(st.integers(1, 3)),
            "retrigger": draw(often),
            "max_spins": max_spins,
        }
    if capped:
        options["max_win_x"] = draw(st.integers(1, 6))
    return make_game(symbols, base, **options)


def moments(game: Game) -> dict[str, Fraction]:
    rounds = all_rounds(game, game.bet_step_minor)
    credits = game.credits
    mean = sum(p * o.uncapped_win_credits for p, o in rounds)
    second = sum(p * o.uncapped_win_credits**2 for p, o in rounds)
    zero = Fraction(0)
    return {
        "rtp": Fraction(mean, credits),
        "variance": Fraction(second - mean * mean, credits**2),
        "hit": sum((p for p, o in rounds if o.uncapped_win_credits > 0 or o.free_spins), zero),
        "trigger": sum((p for p, o in rounds if o.base.free_spins_awarded > 0), zero),
        "paid": sum((p * o.win_minor for p, o in rounds), zero) / game.bet_step_minor,
        "at_cap": sum(
            (p for p, o in rounds if o.uncapped_win_credits >= game.max_win_credits), zero
        ),
    }


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(small_games())
def test_exact_math_equals_brute_force(game: Game) -> None:
    truth = moments(game)
    fast = rtp_breakdown(game, 96)
    assert fast.rtp == pytest.approx(float(truth["rtp"]), abs=1e-12)
    sheet = compute_sheet(game, 96)
    assert sheet.rtp == pytest.approx(float(truth["rtp"]), abs=1e-12)
    assert sheet.std**2 == pytest.approx(float(truth["variance"]), rel=1e-9, abs=1e-12)
    assert sheet.hit_frequency == pytest.approx(float(truth["hit"]), abs=1e-12)
    assert sheet.feature_frequency == pytest.approx(float(truth["trigger"]), abs=1e-12)
    assert fast.feature_probability == pytest.approx(float(truth["trigger"]), abs=1e-12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_games(capped=True), st.integers(0, 12))
def test_capped_figures_are_exact(game: Game, cap_credits: int) -> None:
    """The round win distribution against brute force: what the game's cap leaves, the odds of
    reaching it, the max win, and the effective RTP under any further cap."""
    rounds = all_rounds(game, game.bet_step_minor)
    truth = moments(game)
    sheet = compute_sheet(game, 96)
    assert sheet.paid_rtp == pytest.approx(float(truth["paid"] / game.credits), abs=1e-12)
    top = max(o.win_minor for _, o in rounds) // game.bet_step_minor
    assert sheet.max_win_x * game.credits == top
    odds = sum((p for p, o in rounds if o.win_minor // game.bet_step_minor == top), Fraction(0))
    assert sheet.max_win_probability == pytest.approx(float(odds), rel=1e-9)
    if sheet.max_win_capped:
        assert sheet.cap_probability == pytest.approx(float(truth["at_cap"]), rel=1e-9)
    cap_x = Fraction(cap_credits, game.credits)
    paid = sum((p * min(o.win_minor // game.bet_step_minor, cap_credits) for p, o in rounds), 0)
    assert sheet.effective_rtp(float(cap_x)) == pytest.approx(float(paid / game.credits), abs=1e-12)


@pytest.mark.parametrize("code", ["lucky-sevens"])
def test_sheet_of_a_catalogue_game(code: str) -> None:
    game = catalogue.get_game(code)
    assert game is not None
    for variant in game.rtp_variants:
        sheet = compute_sheet(game, variant)
        assert abs(sheet.rtp * 100 - variant) < 0.01
        assert 0 < sheet.hit_frequency < 1
        assert sheet.paid_rtp == pytest.approx(sheet.rtp)  # the cap is above every possible win
        assert not sheet.max_win_capped
        assert sum(sheet.base_bands) == pytest.approx(1)


def test_every_variant_is_within_a_hundredth_of_a_point() -> None:
    for info in catalogue.list_games():
        game = catalogue.get_game(info.game_code)
        assert game is not None
        for variant in game.rtp_variants:
            rtp = rtp_breakdown(game, variant).rtp * 100
            assert abs(rtp - variant) < 0.01, f"{game.game_code} {variant}: {rtp}"
