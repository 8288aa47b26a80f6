"""Expanding wilds (games/expanding_wilds.py): the rule by hand, brute force on small games,
every catalogue variant's factorised exact mean against the enumeration of every stop
combination, and replay of a round in which a wild expanded."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelhouse.games import catalogue
from reelhouse.games.engine import evaluate, play
from reelhouse.games.exact import rtp_breakdown, spin_means
from reelhouse.games.model import Game
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.replay import replay
from reelhouse.games.rng import SeededRng
from reelhouse.games.stats import compute_sheet
from reelhouse.games.vector import vector_game
from tests.games.builders import VARIANT, all_rounds, assert_round_figures, make_game, symbol

CODE = "starfall-lanes"


def expanding(multiplier: int = 1) -> dict[str, object]:
    return symbol("X", [0, 0, 0], kind="wild", multiplier=multiplier) | {"expanding": True}


def test_a_wild_fills_its_reel_before_the_lines_are_read() -> None:
    game = make_game(
        [symbol("A", [0, 0, 10]), symbol("B", [0, 0, 4]), expanding(multiplier=2)],
        [["A", "B", "B"], ["B", "X", "B", "A"], ["A", "A", "B"]],
        rows=3,
        lines=[[0, 0, 0], [1, 1, 1], [2, 2, 2]],
    )
    result = evaluate(game, game.variant(VARIANT).base, (0, 0, 0), in_feature=False)
    a, b, x = 0, 1, 2
    assert result.landed == ((a, b, b), (b, x, b), (a, a, b))
    assert result.grid == ((a, b, b), (x, x, x), (a, a, b))
    assert result.expanded == (1,)
    # Every line now crosses the wild x2: A X A = 20, B X A = 0, B X B = 8.
    assert sorted((w.line, w.win_credits) for w in result.line_wins) == [(0, 20), (2, 8)]
    nothing = evaluate(game, game.variant(VARIANT).base, (0, 2, 0), in_feature=False)
    assert nothing.expanded == () and nothing.landed == ()


@st.composite
def small_games(draw: st.DrawFn) -> Game:
    reels, rows = draw(st.integers(2, 3)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["lines", "ways"]))
    pays = st.lists(st.integers(0, 9), min_size=reels, max_size=reels)
    symbols = [symbol(code, draw(pays)) for code in "AB"]
    symbols.append(symbol("X", [0] * reels, kind="wild", multiplier=draw(st.integers(1, 3))))
    symbols[-1]["expanding"] = True
    with_scatter = draw(st.booleans())
    if with_scatter:
        symbols.append(symbol("S", draw(pays), kind="scatter"))
    strips, weights = [], []
    for _ in range(reels):
        strip = [draw(st.sampled_from("ABX")) for _ in range(draw(st.integers(rows, 4)))]
        if with_scatter:
            strip[0] = "S"  # one per strip: at most one in a window
        strips.append(strip)
        weights.append([draw(st.integers(1, 3)) for _ in strip])
    lines = sorted({tuple(draw(st.integers(0, rows - 1)) for _ in range(reels)) for _ in range(3)})
    options = {"lines": [list(line) for line in lines]} if mode == "lines" else {}
    return make_game(symbols, strips, rows=rows, mode=mode, base_weights=weights, **options)


# Fifteen games: each costs a whole sheet (the suite keeps its time); the catalogue's own
# variants are held to the enumeration below.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_games())
def test_both_exact_methods_equal_brute_force_over_the_engine(game: Game) -> None:
    rounds = all_rounds(game, 1)
    mean = sum(p * o.uncapped_win_credits for p, o in rounds)
    hit = sum((p for p, o in rounds if o.uncapped_win_credits), Fraction(0))
    # Relative: a mean of thousands of credits has no 1e-12 absolute digits in a double.
    assert rtp_breakdown(game, VARIANT).rtp == pytest.approx(float(mean), rel=1e-12)
    sheet = compute_sheet(game, VARIANT)
    assert sheet.rtp == pytest.approx(float(mean), rel=1e-12)
    assert sheet.hit_frequency == pytest.approx(float(hit), abs=1e-12)
    assert_round_figures(sheet, rounds)


def enumerated_credits(game: Game, strip_set: str) -> dict[int, float]:
    """Per variant: E[win of one spin] on its "base" or "free" strips, from the win of every
    stop combination (the variants share the strips' symbols, not their weights)."""
    vg = vector_game(game, game.rtp_variants[0])
    tables = vg.base if strip_set == "base" else vg.free
    assert tables is not None
    lengths = [len(w) for w in tables.weights]
    rest = np.indices(lengths[1:]).reshape(len(lengths) - 1, -1)
    wins = np.stack(  # one block per stop of the first reel keeps the arrays small
        [
            vg.evaluate(tables, np.vstack([np.full(rest.shape[1], first), rest]))[0]
            for first in range(lengths[0])
        ]
    ).reshape(lengths)
    means = {}
    for variant in game.rtp_variants:
        strips = getattr(game.variant(variant), strip_set)
        value = wins.astype(np.float64)
        for reel in reversed(strips.reels):
            value = value @ (np.asarray(reel.weights, dtype=np.float64) / reel.total_weight)
        means[variant] = float(value)
    return means


def test_every_variant_factorised_against_the_enumeration() -> None:
    """The per-line factorisation (exact.py) and the enumeration of every stop combination
    (vector.py's evaluation, which stats.py and the simulation use), for the base and the
    free-spin strips of every variant; the simulation of every variant is in
    test_simulation.py."""
    game = catalogue.get_game(CODE)
    assert game is not None and game.free_spins is not None
    base = enumerated_credits(game, "base")
    free = enumerated_credits(game, "free")
    for variant in game.rtp_variants:
        math = game.variant(variant)
        assert math.free is not None
        assert spin_means(game, math.base, 1).total_credits == pytest.approx(
            base[variant], rel=1e-12
        )
        assert spin_means(game, math.free, 1).total_credits == pytest.approx(
            free[variant], rel=1e-12
        )
        assert abs(rtp_breakdown(game, variant).rtp * 100 - variant) < 0.01


def test_a_round_with_an_expanded_wild_replays_from_its_draws() -> None:
    game = catalogue.get_game(CODE)
    assert game is not None
    source = SeededRng(5)
    outcome = next(o for o in (play(game, 94, 100, source) for _ in range(2000)) if o.base.expanded)
    stored = json.loads(json.dumps(outcome.to_json()))
    assert stored["base"]["expanded"] == list(outcome.base.expanded)
    assert SpinOutcome.from_json(stored) == outcome
    result = replay(CODE, 94, catalogue.math_hash(game, 94), 100, outcome.draws, stored)
    assert result.verified, result.reason
