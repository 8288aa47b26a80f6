"""The exact enumeration of a cluster game's cascades (rules: cascade.py): the win of every
stop combination at once, grids as bit boards and clusters by repeated bit-shift dilation, an
evaluator written apart from the engine's (cascade.evaluate), and the weighted sum that gives
a variant's exact mean. Apart from cascade.py so that the engine, which plays rounds, does not
load numpy."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import numpy.typing as npt

from reelhouse.games.cascade import MAX_CELLS, MAX_COMBINATIONS
from reelhouse.games.model import Game, StripSet

IntArray = npt.NDArray[np.int64]


def _grow(cells: IntArray, rows: int, reels: int) -> IntArray:
    """Each bit board dilated by one cell in the four directions (cell = reel * rows + row)."""
    row_bits = sum(1 << (reel * rows) for reel in range(reels))  # row 0 of every reel
    first_row, last_row = row_bits, row_bits << (rows - 1)
    full = (1 << (rows * reels)) - 1
    down = (cells & ~last_row) << 1
    up = (cells & ~first_row) >> 1
    return cells | down | up | ((cells << rows) & full) | (cells >> rows)


def _board_wins(
    boards: IntArray, wild: IntArray, pays: IntArray, rows: int, reels: int
) -> tuple[IntArray, IntArray]:
    """(win, cells removed) per grid for one symbol, given its cells and the wilds as bit
    boards: take the lowest cell of the symbol not yet in a cluster, dilate it inside
    symbol | wild until it stops growing, pay it by its size, and repeat."""
    allowed = boards | wild
    remaining = boards.copy()
    win = np.zeros(len(boards), dtype=np.int64)
    removed = np.zeros(len(boards), dtype=np.int64)
    live = np.flatnonzero(remaining)
    while live.size:
        component = remaining[live] & -remaining[live]  # the lowest bit
        within = allowed[live]
        growing = np.arange(live.size)
        # A component grows by at least a cell per pass, so this ends within `cells` passes.
        while growing.size:
            grown = _grow(component[growing], rows, reels) & within[growing]
            changed = grown != component[growing]
            component[growing] = grown
            growing = growing[changed]
        pay = pays[np.bitwise_count(component)]
        win[live] += pay
        removed[live] |= np.where(pay > 0, component, 0)
        remaining[live] &= ~component
        live = live[remaining[live] != 0]
    return win, removed


def _grid_wins(grids: npt.NDArray[np.int8], game: Game) -> tuple[IntArray, IntArray]:
    """(win of each symbol's clusters [symbol, grid], cells removed) of every grid;
    grids[i, reel, row]."""
    count, reels, rows = grids.shape
    flat = grids.reshape(count, reels * rows)
    bits = np.left_shift(np.int64(1), np.arange(reels * rows, dtype=np.int64))
    wild_ids = [i for i, s in enumerate(game.symbols) if s.kind == "wild"]
    wild = (np.isin(flat, wild_ids) * bits).sum(axis=1)
    win = np.zeros((len(game.symbols), count), dtype=np.int64)
    removed = np.zeros(count, dtype=np.int64)
    for index, symbol in enumerate(game.symbols):
        if symbol.kind != "regular" or not any(symbol.pays):
            continue
        boards = ((flat == index) * bits).sum(axis=1)
        pays = np.array((0, *symbol.pays), dtype=np.int64)
        win[index], symbol_removed = _board_wins(boards, wild, pays, rows, reels)
        removed |= symbol_removed
    return win, removed


def win_table(game: Game, strips: StripSet) -> IntArray:
    """The win of every stop combination, flattened in C order (reel 0 most significant)."""
    by_symbol = _symbol_win_tables(game, tuple(reel.symbols for reel in strips.reels))
    total: IntArray = by_symbol.sum(axis=0)
    return total


def symbol_win_tables(game: Game, strips: StripSet) -> IntArray:
    """[symbol, stop combination]: what each symbol's clusters win over the whole cascade of
    every stop combination (each cluster's pay, times its grid's multiplier, belongs to the
    symbol it is made of). They add up to `win_table`."""
    return _symbol_win_tables(game, tuple(reel.symbols for reel in strips.reels))


@cache
def _symbol_win_tables(game: Game, layout: tuple[tuple[int, ...], ...]) -> IntArray:
    # Keyed by the symbols on the strips, not their weights: every variant and every tuning
    # candidate of a layout shares one table.
    assert game.cascade is not None
    rows, reels = game.rows, game.reels
    assert rows * reels <= MAX_CELLS
    lengths = [len(strip) for strip in layout]
    total = math.prod(lengths)
    assert total <= MAX_COMBINATIONS, f"{total} stop combinations are too many to enumerate"
    strip_arrays = [np.asarray(strip, dtype=np.int64) for strip in layout]
    stops = np.stack(np.unravel_index(np.arange(total), lengths)).astype(np.int64)
    grids = np.empty((total, reels, rows), dtype=np.int8)
    for reel, strip in enumerate(strip_arrays):
        for row in range(rows):
            grids[:, reel, row] = strip[(stops[reel] + row) % lengths[reel]]
    tops = stops.copy()
    win = np.zeros((len(game.symbols), total), dtype=np.int64)
    live = np.arange(total)  # combinations whose cascade is still running
    row_index = np.arange(rows)
    for refills in range(game.cascade.max_cascades + 1):
        step_win, removed = _grid_wins(grids[live], game)
        win[:, live] += step_win * game.cascade.multiplier(refills)
        if refills == game.cascade.max_cascades:
            break
        paying = removed != 0
        live, removed = live[paying], removed[paying]
        if not live.size:
            break
        for reel, strip in enumerate(strip_arrays):
            gone = (removed[:, None] >> (reel * rows + row_index)) & 1  # [combination, row]
            fallen = gone.sum(axis=1)
            # A stable sort puts the removed cells first and the kept ones after them in
            # their order: the kept symbols fall to the bottom.
            order = np.argsort(1 - gone, axis=1, kind="stable")
            column = np.take_along_axis(grids[live, reel, :], order, axis=1)
            tops[reel, live] -= fallen
            top = tops[reel, live]
            fresh = strip[(top[:, None] + row_index) % lengths[reel]]
            column = np.where(row_index < fallen[:, None], fresh, column)
            grids[live, reel, :] = column
    win.setflags(write=False)
    return win


def expected_credits(game: Game, strips: StripSet) -> float:
    """E[win of one spin] in credits: the win table weighted by every reel's stop
    probabilities (contracted one reel at a time, last reel first)."""
    return _expected(win_table(game, strips), strips)


def expected_symbol_credits(game: Game, strips: StripSet) -> npt.NDArray[np.float64]:
    """E[what each symbol's clusters win in one spin] in credits (they add up to
    `expected_credits`)."""
    tables = symbol_win_tables(game, strips)
    return np.array([_expected(table, strips) for table in tables])


def _expected(table: IntArray, strips: StripSet) -> float:
    lengths = [len(reel.symbols) for reel in strips.reels]
    value = table.reshape(lengths).astype(np.float64)
    for reel in reversed(strips.reels):
        weights = np.asarray(reel.weights, dtype=np.float64) / reel.total_weight
        value = value @ weights
    return float(value)
