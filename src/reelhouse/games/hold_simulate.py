"""Monte Carlo simulation of a hold-and-win game (rules: hold_and_win.py), as arrays.

Base spins are drawn and evaluated as simulate.py does; then every feature that started is
played, one respin of all running features per pass. A respin lands Binomial(empty cells, p)
cash symbols: the same law as the engine's one draw per empty cell, drawn in one call. The
values are drawn last, one per cash symbol on each final board (they do not change how the
feature runs). A bonus buy ("buy") skips the base spin and starts every feature at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from reelhouse.games.bet_modes import BASE, BetMode
from reelhouse.games.hold_exact import respin_probability, value_probabilities
from reelhouse.games.model import Game
from reelhouse.games.simulate import Totals, totals_of
from reelhouse.games.vector import vector_game

IntArray = npt.NDArray[np.int64]


def _cash_counts(game: Game, variant: int, stops: IntArray) -> IntArray:
    """Cash symbols on each spin's grid; stops[reel, spin]."""
    hold = game.hold_and_win
    assert hold is not None
    total = np.zeros(stops.shape[1], dtype=np.int64)
    for reel_index, reel in enumerate(game.variant(variant).base.reels):
        per_stop = np.array(
            [reel.window(stop, game.rows).count(hold.cash) for stop in range(len(reel.symbols))],
            dtype=np.int64,
        )
        total += per_stop.take(stops[reel_index])
    return total


def simulate_hold_chunk(
    game: Game, variant: int, spins: int, rng: np.random.Generator, mode: BetMode = BASE
) -> Totals:
    """Simulate `spins` rounds (of the bet mode) as arrays. Wins are credits of the bet; a
    bonus buy's return is then paid / (spins x price x credits)."""
    hold, weights = game.hold_and_win, game.variant(variant).hold
    assert hold is not None and weights is not None
    cells = game.reels * game.rows
    if mode == BASE:
        vg = vector_game(game, variant)
        stops = vg.draw_stops(vg.base, rng, spins)
        base, _ = vg.evaluate(vg.base, stops)
        counts = _cash_counts(game, variant, stops)
        started = np.flatnonzero(counts >= hold.trigger)
    else:
        assert game.bonus_buy is not None
        base = np.zeros(spins, dtype=np.int64)
        counts = np.full(spins, game.bonus_buy.start_cash, dtype=np.int64)
        started = np.arange(spins)
    locked = counts[started].copy()
    left = np.full(len(started), hold.respins, dtype=np.int64)
    p = respin_probability(weights)
    played = 0
    # Each pass is one respin of every running feature; each either fills a cell or uses a
    # respin up, so there are at most cells x respins passes.
    for _ in range(cells * hold.respins + 1):
        active = np.flatnonzero((left > 0) & (locked < cells))
        if active.size == 0:
            break
        landed = rng.binomial(cells - locked[active], p)
        locked[active] += landed
        left[active] = np.where(landed > 0, hold.respins, left[active] - 1)
        played += active.size
    assert not ((left > 0) & (locked < cells)).any(), "a feature outlived its bound"
    values = rng.choice(
        np.asarray(hold.value_credits, dtype=np.int64),
        size=int(locked.sum()),
        p=value_probabilities(hold),
    )
    owner = np.repeat(np.arange(len(started)), locked)
    feature = np.bincount(owner, weights=values, minlength=len(started)).astype(np.int64)
    feature += hold.grand_credits * (locked == cells)
    return totals_of(game, base, started, feature, played)  # played: respins
