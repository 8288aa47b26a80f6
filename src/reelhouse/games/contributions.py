"""Each symbol's share of the RTP, exactly: what the wins it forms return per bet.

A line pays its best reading only, so a line's win belongs to the symbol whose reading is
paid (the first of equals, as `engine.line_pay` picks it): every symbol's readings are tabled
alone (`exact.line_table` with the other symbols' pays cleared) and the largest is kept. Ways
wins and scatter pays are sums over symbols already. A free spin's shares count once per free
spin played (Wald's identity, as in `exact.py`), times the feature's multiplier. A
hold-and-win feature is started and paid by its cash symbol alone: its whole RTP is that
symbol's share. A cluster game's clusters each pay one symbol: every cluster of the whole
cascade (times its grid's multiplier) is that symbol's, from the enumeration of every stop
combination (games/cascade_exact.py).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from reelhouse.games.cascade_exact import expected_symbol_credits
from reelhouse.games.exact import expected_ways_credits, line_table, row_probabilities, spin_means
from reelhouse.games.model import Game, StripSet, Symbol

FloatArray = npt.NDArray[np.float64]


def _alone(symbols: tuple[Symbol, ...], keep: int) -> tuple[Symbol, ...]:
    """The symbols with every pay but those of `keep` cleared (wilds still substitute)."""
    return tuple(
        s if i == keep else replace(s, pays=(0,) * len(s.pays)) for i, s in enumerate(symbols)
    )


def _line_shares(game: Game, strips: StripSet) -> FloatArray:
    count = len(game.symbols)
    readings = np.stack([line_table(_alone(game.symbols, s), game.reels) for s in range(count)])
    best, winner = readings.max(axis=0), readings.argmax(axis=0)
    p = row_probabilities(strips, count, game.rows)
    shares = np.zeros(count)
    for s in range(count):
        table = np.where(winner == s, best, 0).astype(np.float64)
        for rows in game.lines:
            value: FloatArray = table
            for reel in reversed(range(game.reels)):
                value = value @ p[reel, rows[reel]]
            shares[s] += float(value)
    return shares


def _spin_shares(game: Game, strips: StripSet) -> FloatArray:
    """E[credits of one spin won by each symbol], before any spin multiplier."""
    if game.mode == "cluster":
        return expected_symbol_credits(game, strips)
    if game.mode == "lines":
        shares = _line_shares(game, strips)
    else:
        shares = np.array(
            [
                expected_ways_credits(replace(game, symbols=_alone(game.symbols, s)), strips)
                if symbol.kind == "regular"
                else 0.0
                for s, symbol in enumerate(game.symbols)
            ]
        )
    if game.scatter is not None:
        shares[game.scatter] += spin_means(game, strips, 1).scatter_credits
    return shares


def symbol_shares(
    game: Game, variant: int, free_spins_per_round: float, feature_rtp: float
) -> FloatArray:
    """RTP (fraction of the bet) returned by each symbol's wins, base game and feature;
    `free_spins_per_round`: E[free spins played per round], `feature_rtp`: the feature's RTP
    (the sheet's; a hold-and-win feature's goes to its cash symbol)."""
    math = game.variant(variant)
    shares = _spin_shares(game, math.base)
    if game.hold_and_win is not None:
        shares[game.hold_and_win.cash] += feature_rtp * game.credits
    if game.free_spins is not None and math.free is not None:
        multiplier = game.free_spins.multiplier
        shares = shares + _spin_shares(game, math.free) * multiplier * free_spins_per_round
    return shares / game.credits
