"""The engine's rules on hand-made grids, and the vectorised evaluator agreeing with it."""

from __future__ import annotations

import numpy as np
import pytest

from reelhouse.games import catalogue
from reelhouse.games.engine import evaluate, play
from reelhouse.games.model import Game, GameDataError
from reelhouse.games.rng import ReplayRng, SeededRng
from reelhouse.games.vector import VectorGame
from tests.games.builders import VARIANT, make_game, symbol

A = symbol("A", [0, 0, 5])
B = symbol("B", [0, 0, 50])
WILD = symbol("W", [0, 0, 100], kind="wild")
W2 = symbol("W2", [0, 0, 0], kind="wild", multiplier=2)
W3 = symbol("W3", [0, 0, 0], kind="wild", multiplier=3)
SCATTER = symbol("S", [0, 2, 10], kind="scatter")


def one_spin(game: Game, stops: tuple[int, ...]) -> int:
    return evaluate(game, game.variant(VARIANT).base, stops, in_feature=False).win_credits


def test_a_line_pays_its_best_reading() -> None:
    game = make_game([A, B, WILD], [["W", "A", "B"], ["W", "A", "B"], ["A", "W", "B"]])
    assert one_spin(game, (0, 0, 0)) == 5  # W W A: three A (wilds stand in); B reads only 2
    assert one_spin(game, (0, 0, 1)) == 100  # W W W: the wild's own pay beats A and B
    assert one_spin(game, (2, 0, 1)) == 50  # B W W: three B
    assert one_spin(game, (1, 2, 0)) == 0  # A B A: the run breaks at reel 2
    result = evaluate(game, game.variant(VARIANT).base, (0, 0, 0), in_feature=False)
    (win,) = result.line_wins
    assert (win.symbol, win.count, win.positions) == (0, 3, ((0, 0), (1, 0), (2, 0)))


def test_wild_multipliers_multiply_together() -> None:
    game = make_game([A, W2, W3], [["A"], ["W2", "W3"], ["W3", "A"]])
    assert one_spin(game, (0, 0, 0)) == 5 * 2 * 3
    assert one_spin(game, (0, 1, 1)) == 5 * 3
    assert one_spin(game, (0, 1, 0)) == 5 * 3 * 3


def test_lines_read_their_rows() -> None:
    game = make_game(
        [A, B], [["A", "B"], ["B", "A"], ["A", "B"]], rows=2, lines=[[0, 0, 0], [0, 1, 0]]
    )
    # Grid rows: reel 0 [A, B], reel 1 [B, A], reel 2 [A, B]: only line 1 (A A A) pays.
    result = evaluate(game, game.variant(VARIANT).base, (0, 0, 0), in_feature=False)
    assert [(w.line, w.win_credits) for w in result.line_wins] == [(1, 5)]


def test_ways_multiply_matching_cells() -> None:
    wild = symbol("W", [0, 0, 0], kind="wild", multiplier=2)
    game = make_game([A, B, wild], [["A", "A"], ["W", "B"], ["A", "B"]], rows=2, mode="ways")
    # A: reel 0 shows A twice, reel 1 a x2 wild, reel 2 one A: 2 * 2 * 1 = 4 ways of 5.
    # B: reel 0 shows no B, so B does not pay.
    result = evaluate(game, game.variant(VARIANT).base, (0, 0, 0), in_feature=False)
    assert [(w.symbol, w.count, w.ways, w.win_credits) for w in result.ways_wins] == [(0, 3, 4, 20)]


def test_scatters_pay_anywhere_by_count() -> None:
    game = make_game([A, SCATTER], [["S", "A"], ["A", "A"], ["A", "S"]], rows=2)
    # Reel 0 shows S at the top, reel 2 at the bottom: two scatters pay 2, lines pay nothing.
    result = evaluate(game, game.variant(VARIANT).base, (0, 0, 0), in_feature=False)
    assert result.scatter is not None
    assert (result.scatter.count, result.scatter.positions) == (2, ((0, 0), (2, 1)))
    assert result.win_credits == 2


def feature_game(retrigger: bool, max_spins: int, multiplier: int = 3) -> Game:
    strips = [["S"], ["S"], ["S"]]
    return make_game(
        [A, SCATTER],
        strips,
        free=strips,
        free_spins={
            "awards": [0, 0, 2],
            "multiplier": multiplier,
            "retrigger": retrigger,
            "max_spins": max_spins,
        },
    )


def test_free_spins_multiply_and_retrigger_up_to_the_limit() -> None:
    outcome = play(feature_game(retrigger=True, max_spins=7), VARIANT, 1, SeededRng(0))
    assert len(outcome.free_spins) == 7  # every spin retriggers; the limit stops it
    assert len(outcome.draws) == 3 * 8
    assert all(spin.win_credits == 10 * 3 for spin in outcome.free_spins)
    assert outcome.win_minor == 10 + 7 * 30
    assert outcome.free_spins[-1].free_spins_awarded == 2  # shown; the limit granted none


def test_free_spins_without_retrigger() -> None:
    outcome = play(feature_game(retrigger=False, max_spins=7), VARIANT, 1, SeededRng(0))
    assert len(outcome.free_spins) == 2
    assert all(spin.free_spins_awarded == 0 for spin in outcome.free_spins)


def test_the_round_is_capped() -> None:
    game = make_game(
        [A, SCATTER],
        [["S"], ["S"], ["S"]],
        free=[["S"], ["S"], ["S"]],
        free_spins={"awards": [0, 0, 2], "multiplier": 3, "retrigger": True, "max_spins": 7},
        max_win_x=100,
        credits=2,
    )
    outcome = play(game, VARIANT, 6, SeededRng(0))
    assert outcome.uncapped_win_credits == 10 + 7 * 30
    assert outcome.capped
    assert outcome.win_minor == 100 * 6


def test_bad_data_is_refused() -> None:
    with pytest.raises(GameDataError, match="2 scatters"):
        make_game([A, SCATTER], [["S", "S"], ["A", "A"], ["A", "A"]], rows=2)
    with pytest.raises(GameDataError, match="unknown symbol"):
        make_game([A], [["A"], ["A"], ["Z"]])
    with pytest.raises(GameDataError, match="free spins need a scatter"):
        make_game(
            [A],
            [["A"], ["A"], ["A"]],
            free=[["A"], ["A"], ["A"]],
            free_spins={"awards": [0, 1, 1], "multiplier": 1, "retrigger": False, "max_spins": 1},
        )


def catalogue_variants() -> list[tuple[Game, int]]:
    games = [catalogue.get_game(info.game_code) for info in catalogue.list_games()]
    return [(g, v) for g in games if g is not None for v in g.rtp_variants]


@pytest.mark.parametrize(
    ("game", "variant"), catalogue_variants(), ids=lambda x: getattr(x, "game_code", str(x))
)
def test_vectorised_evaluation_matches_the_engine(game: Game, variant: int) -> None:
    vg = VectorGame(game, variant)
    math = game.variant(variant)
    rng = np.random.default_rng(variant)
    sets = [(vg.base, math.base, False)]
    if vg.free is not None and math.free is not None:
        sets.append((vg.free, math.free, True))
    for tables, strips, in_feature in sets:
        stops = vg.draw_stops(tables, rng, 400)
        credits, scatters = vg.evaluate(tables, stops)
        multiplier = vg.multiplier if in_feature else 1
        for i in range(stops.shape[1]):
            spin = evaluate(game, strips, tuple(int(s) for s in stops[:, i]), in_feature=in_feature)
            assert spin.win_credits == credits[i] * multiplier
            assert (spin.scatter.count if spin.scatter else 0) <= scatters[i]


def test_play_draws_one_number_per_reel() -> None:
    game = catalogue.get_game("emerald-temple")
    assert game is not None
    source = SeededRng(4)
    for _ in range(300):
        outcome = play(game, 96, 20, source)
        assert len(outcome.draws) == game.reels * (1 + len(outcome.free_spins))
        assert play(game, 96, 20, ReplayRng(outcome.draws)) == outcome
