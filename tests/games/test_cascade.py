"""Cascades with cluster pays (games/cascade.py): the rules by hand, the engine's evaluator
against the exact enumeration (two independent cluster finders), brute force on small games,
every catalogue variant against a sample of the engine and a simulation, and replay."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelhouse.games import cascade, cascade_exact, catalogue
from reelhouse.games.engine import evaluate, play
from reelhouse.games.exact import rtp_breakdown
from reelhouse.games.model import Game, GameDataError, build_strips, parse_game
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.replay import replay
from reelhouse.games.rng import SeededRng
from reelhouse.games.simulate import simulate
from reelhouse.games.stats import compute_sheet
from tests.games.builders import VARIANT, all_rounds, assert_round_figures

CODE = "crystal-cascade"
SIGMAS = 3.0
# With a standard deviation near one bet this resolves the RTP to about 0.7 pp (1 sigma 0.24).
SIMULATED_SPINS = 200_000
# Engine evaluations compared with the table per variant (about 0.25 ms each).
SAMPLED_SPINS = 300


def cluster_game(
    symbols: list[dict[str, Any]],
    strips: list[list[str]],
    rows: int,
    *,
    weights: list[list[int]] | None = None,
    max_cascades: int = 20,
    multipliers: list[int] | None = None,
) -> Game:
    document = {
        "game_code": "test-cluster",
        "name": "Test Cluster",
        "volatility": "low",
        "reels": len(strips),
        "rows": rows,
        "mode": "cluster",
        "credits": 1,
        "max_win_x": 100_000,
        "rtp_variants": [VARIANT],
        "cascade": {"max_cascades": max_cascades, "multipliers": multipliers or [1]},
        "symbols": symbols,
    }
    variant = {
        "rtp_percent": VARIANT,
        "base": {"strips": strips, "weights": weights or [[1] * len(s) for s in strips]},
    }
    return parse_game(document, {VARIANT: variant})


def regular(code: str, pays: list[int]) -> dict[str, Any]:
    return {"code": code, "name": code.title(), "kind": "regular", "pays": pays}


WILD = {"code": "W", "name": "Wild", "kind": "wild"}


def test_a_cascade_by_hand() -> None:
    # 3 x 3, clusters of 3+ pay. Reel strips read top to bottom; stops 2, 2, 2 show rows
    # strip[2], strip[3], strip[4] and the refills come from strip[1], strip[0], ...
    pays_a = [0, 0, 5, 6, 7, 8, 9, 10, 11]
    pays_b = [0, 0, 3, 3, 3, 3, 3, 3, 3]
    game = cluster_game(
        [regular("A", pays_a), regular("B", pays_b), WILD],
        [["B", "A", "A", "B", "B"], ["B", "B", "W", "B", "A"], ["A", "B", "A", "A", "B"]],
        rows=3,
        multipliers=[1, 2],
    )
    result = evaluate(game, game.variant(VARIANT).base, (2, 2, 2), in_feature=False)
    a, b, w = 0, 1, 2
    first = result.cascades[0]
    assert first.grid == ((a, b, b), (w, b, a), (a, a, b))
    # A: (0,0) + wild (1,0) + (2,0)(2,1) = 4 cells; B: (0,1)(0,2)(1,1) + the wild = 4 cells.
    # The wild counts for both clusters; B's (2,2) touches no B.
    assert sorted((c.symbol, c.size, c.win_credits) for c in first.clusters) == [
        (a, 4, 6),
        (b, 4, 3),
    ]
    # Reel 0 loses all three cells: strip[-1], strip[0], strip[1] = B, B, A fall in. Reel 1
    # loses its top two and keeps A at the bottom, under strip[0], strip[1] = B, B. Reel 2
    # loses its top two and keeps B, under strip[0], strip[1] = A, B.
    second = result.cascades[1]
    assert second.grid == ((b, b, a), (b, b, a), (a, b, b))
    assert [(c.symbol, c.size) for c in second.clusters] == [(b, 6)]
    # The grid after a refill pays x2, and so does every later one.
    assert (first.multiplier, first.win_credits) == (1, 9)
    assert (second.multiplier, second.win_credits) == (2, 6)
    assert all(step.multiplier == 2 for step in result.cascades[1:])
    assert result.win_credits == sum(step.win_credits for step in result.cascades)
    assert not result.cascades[-1].clusters


def test_the_cascade_bound_stops_an_endless_cascade() -> None:
    # One symbol everywhere: every grid is one cluster, forever, without the bound.
    game = cluster_game(
        [regular("A", [0, 0, 0, 2]), WILD], [["A"] * 3, ["A"] * 3], 2, max_cascades=3
    )
    result = evaluate(game, game.variant(VARIANT).base, (0, 0), in_feature=False)
    assert len(result.cascades) == 4  # the first grid and three refills, each paying
    assert result.win_credits == 8
    assert cascade_exact.win_table(game, game.variant(VARIANT).base).tolist() == [8] * 9


@st.composite
def small_cluster_games(draw: st.DrawFn) -> Game:
    reels, rows = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    cells = reels * rows
    pays = st.lists(st.integers(0, 5), min_size=cells, max_size=cells)
    symbols = [regular(code, draw(pays)) for code in "ABC"[: draw(st.integers(1, 3))]]
    if draw(st.booleans()):
        symbols.append(WILD)
    codes = [s["code"] for s in symbols]
    strips = [
        [draw(st.sampled_from(codes)) for _ in range(draw(st.integers(rows, 4)))]
        for _ in range(reels)
    ]
    weights = [[draw(st.integers(1, 3)) for _ in strip] for strip in strips]
    multipliers = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    return cluster_game(
        symbols,
        strips,
        rows,
        weights=weights,
        max_cascades=draw(st.integers(1, 6)),
        multipliers=multipliers,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cluster_games())
def test_the_enumeration_equals_brute_force_over_the_engine(game: Game) -> None:
    rounds = all_rounds(game, 1)
    mean = sum(p * o.uncapped_win_credits for p, o in rounds)
    second = sum(p * o.uncapped_win_credits**2 for p, o in rounds)
    hit = sum((p for p, o in rounds if o.uncapped_win_credits), Fraction(0))
    assert rtp_breakdown(game, VARIANT).rtp == pytest.approx(float(mean), abs=1e-12)
    sheet = compute_sheet(game, VARIANT)
    assert sheet.rtp == pytest.approx(float(mean), abs=1e-12)
    # E[W^2] - E[W]^2 cancels: its rounding grows with E[W]^2 (a game whose every round wins
    # the same leaves a few 1e-12 of it).
    variance_error = 1e-12 * max(1.0, float(mean * mean))
    assert sheet.std**2 == pytest.approx(float(second - mean * mean), rel=1e-9, abs=variance_error)
    assert sheet.hit_frequency == pytest.approx(float(hit), abs=1e-12)
    assert_round_figures(sheet, rounds)
    # Each symbol's share: what its clusters won over every grid of every round (the engine's
    # own cluster wins, times their grid's multiplier), against the enumeration's.
    by_symbol = [Fraction(0)] * len(game.symbols)
    for p, outcome in rounds:
        for step in outcome.base.cascades:
            for cluster in step.clusters:
                by_symbol[cluster.symbol] += p * cluster.win_credits * step.multiplier
    shares = cascade_exact.expected_symbol_credits(game, game.variant(VARIANT).base)
    assert shares.tolist() == pytest.approx([float(v) for v in by_symbol], abs=1e-12)


def catalogue_game() -> Game:
    game = catalogue.get_game(CODE)
    assert game is not None
    return game


def test_the_two_evaluators_agree_on_every_combination_of_shortened_strips() -> None:
    """The catalogue game's own symbols, paytable, cascade bound and multipliers on its strips
    cut to five stops each (a window's height): all 5^5 combinations, engine against table."""
    game = catalogue_game()
    strips = game.variant(96).base
    codes = [s.code for s in game.symbols]
    short = build_strips(
        game,
        {
            "strips": [[codes[s] for s in reel.symbols[:5]] for reel in strips.reels],
            "weights": [[1] * 5 for _ in strips.reels],
        },
    )
    table = cascade_exact.win_table(game, short)
    wins = [
        cascade.evaluate(game, short, tuple(int(s) for s in stops)).win_credits
        for stops in np.ndindex(*(5,) * game.reels)
    ]
    assert table.tolist() == wins
    assert any(w > 0 for w in wins) and any(w == 0 for w in wins)


@pytest.mark.parametrize("variant", [88, 92, 94, 96, 97])
def test_every_variant_exact_against_the_engine_and_a_simulation(variant: int) -> None:
    game = catalogue_game()
    strips = game.variant(variant).base
    table = cascade_exact.win_table(game, strips)
    lengths = [len(reel.symbols) for reel in strips.reels]
    # The engine's own evaluator, on stops drawn as the engine draws them, spin for spin.
    source = SeededRng(variant)
    for _ in range(SAMPLED_SPINS):
        stops = tuple(reel.stop_for(source.below(reel.total_weight)) for reel in strips.reels)
        expected = int(table[np.ravel_multi_index(stops, lengths)])
        assert cascade.evaluate(game, strips, stops).win_credits == expected, stops
    exact = rtp_breakdown(game, variant).rtp
    assert abs(exact * 100 - variant) < 0.01
    result = simulate(game, variant, SIMULATED_SPINS, seed=variant, workers=1)
    assert abs(result.z_score(exact, result.std)) <= SIGMAS


def test_a_cascade_round_replays_from_its_draws() -> None:
    game = catalogue_game()
    source = SeededRng(3)
    outcome = next(
        o for o in (play(game, 96, 200, source) for _ in range(500)) if len(o.base.cascades) >= 3
    )
    stored = json.loads(json.dumps(outcome.to_json()))
    assert len(stored["base"]["cascades"]) == len(outcome.base.cascades)
    assert stored["base"]["cascades"][0]["grid"] == stored["base"]["grid"]
    assert SpinOutcome.from_json(stored) == outcome
    assert len(outcome.draws) == game.reels  # one draw per reel: what falls in is not drawn
    result = replay(CODE, 96, catalogue.math_hash(game, 96), 200, outcome.draws, stored)
    assert result.verified, result.reason
    stored["base"]["cascades"][1]["win_minor"] += 10
    assert not replay(CODE, 96, catalogue.math_hash(game, 96), 200, outcome.draws, stored).verified


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"symbols": [regular("A", [0, 0, 1, 2]), regular("S", [0] * 4) | {"kind": "scatter"}]},
            "scatters",
        ),
        ({"symbols": [regular("A", [0, 1])]}, "one pay per count 1..4"),
        ({"symbols": [regular("A", [0, 0, 1, 2]), WILD | {"multiplier": 2}]}, "plain wilds"),
        (
            {"symbols": [regular("A", [0, 0, 1, 2]), regular("B", [1] * 4) | {"expanding": True}]},
            "only wilds",
        ),
        ({"cascade": {"max_cascades": 0}}, "max_cascades"),
        ({"cascade": {"max_cascades": 2, "multipliers": []}}, "one multiplier"),
        ({"cascade": None}, "a cascade exactly in cluster games"),
    ],
)
def test_cluster_data_the_math_does_not_cover_is_refused(
    change: dict[str, Any], message: str
) -> None:
    document: dict[str, Any] = {
        "game_code": "test-cluster",
        "name": "Test Cluster",
        "volatility": "low",
        "reels": 2,
        "rows": 2,
        "mode": "cluster",
        "credits": 1,
        "max_win_x": 100,
        "rtp_variants": [VARIANT],
        "cascade": {"max_cascades": 2},
        "symbols": [regular("A", [0, 0, 1, 2])],
    } | change
    document = {key: value for key, value in document.items() if value is not None}
    variant = {
        "rtp_percent": VARIANT,
        "base": {"strips": [["A", "A"]] * 2, "weights": [[1, 1]] * 2},
    }
    with pytest.raises(GameDataError, match=message):
        parse_game(document, {VARIANT: variant})
