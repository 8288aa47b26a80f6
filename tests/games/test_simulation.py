"""Simulation against the exact math (3 sigma), determinism, and uniform reel-stop draws.

Seeds are fixed so the suite is deterministic; a 3-sigma check fails about 1 time in 370 for
a correct game, so a failure after a data change is worth a second look with another seed
(`reelhouse rtp simulate GAME --variant V --spins N --seed S`), not a shrug.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from reelhouse.games import catalogue
from reelhouse.games.exact import rtp_breakdown
from reelhouse.games.model import Game
from reelhouse.games.rng import SecretsRng
from reelhouse.games.simulate import simulate
from reelhouse.games.stats import compute_sheet
from reelhouse.games.vector import vector_game

# A quick run per variant: with standard deviations of 2 to 20 bets this resolves the RTP
# to 0.15..1.3 percentage points, enough to catch an engine that disagrees with its math.
QUICK_SPINS = 2_000_000
SIGMAS = 3.0


def variants() -> list[tuple[Game, int]]:
    """Every variant, but those of hold-and-win games: tests/games/test_hold_and_win.py
    simulates them (and their bonus buys) in fewer rounds, as their variance allows."""
    games = [catalogue.get_game(info.game_code) for info in catalogue.list_games()]
    return [
        (g, v) for g in games if g is not None and g.hold_and_win is None for v in g.rtp_variants
    ]


@pytest.mark.parametrize(
    ("game", "variant"), variants(), ids=lambda x: getattr(x, "game_code", str(x))
)
def test_quick_simulation_is_within_3_sigma(game: Game, variant: int) -> None:
    exact = rtp_breakdown(game, variant)
    result = simulate(game, variant, QUICK_SPINS, seed=variant, workers=1)
    z = result.z_score(exact.rtp, result.std)
    assert abs(z) <= SIGMAS, f"RTP {result.rtp:.5f} vs exact {exact.rtp:.5f}: z = {z:.2f}"
    # The feature triggers as often as the math says (a binomial count).
    p = exact.feature_probability
    if p:
        spread = math.sqrt(p * (1 - p) / result.spins)
        assert abs(result.feature_frequency - p) <= SIGMAS * spread


def test_simulation_matches_the_full_sheet() -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    sheet = compute_sheet(game, 96)
    result = simulate(game, 96, 1_000_000, seed=7, workers=1)
    assert abs(result.z_score(sheet.rtp, sheet.std)) <= SIGMAS
    n = result.spins
    hit_spread = math.sqrt(sheet.hit_frequency * (1 - sheet.hit_frequency) / n)
    assert abs(result.hit_frequency - sheet.hit_frequency) <= SIGMAS * hit_spread
    assert result.std == pytest.approx(sheet.std, rel=0.02)


def test_seeded_runs_do_not_depend_on_the_worker_count() -> None:
    game = catalogue.get_game("emerald-temple")
    assert game is not None
    seen: list[tuple[int, int]] = []
    alone = simulate(
        game, 94, 600_000, seed=11, workers=1, progress=lambda d, t: seen.append((d, t))
    )
    pooled = simulate(game, 94, 600_000, seed=11, workers=2)
    assert alone.totals == pooled.totals
    assert seen[-1] == (600_000, 600_000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def chi_square_limit(df: int, z: float = 3.09) -> float:
    """Upper 0.1 % point of chi-square (Wilson-Hilferty), so scipy is not needed."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def chi_square(counts: np.ndarray, weights: tuple[int, ...]) -> float:
    expected = np.asarray(weights, dtype=np.float64) / sum(weights) * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


def test_reel_stops_drawn_by_the_engine_are_uniform() -> None:
    """Real draws (OS CSPRNG, rejection sampling) through the engine's draw -> stop mapping
    land on each stop in proportion to its weight."""
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    source = SecretsRng()
    for reel in game.variant(96).base.reels:
        counts = np.zeros(len(reel.weights))
        for _ in range(60_000):
            counts[reel.stop_for(source.below(reel.total_weight))] += 1
        assert chi_square(counts, reel.weights) < chi_square_limit(len(reel.weights) - 1)


def test_reel_stops_drawn_by_the_simulator_are_uniform() -> None:
    game = catalogue.get_game("dragon-hoard")
    assert game is not None
    vg = vector_game(game, 96)
    stops = vg.draw_stops(vg.base, np.random.default_rng(5), 1_000_000)
    for index, reel in enumerate(game.variant(96).base.reels):
        counts = np.bincount(stops[index], minlength=len(reel.weights))
        assert chi_square(counts, reel.weights) < chi_square_limit(len(reel.weights) - 1)
