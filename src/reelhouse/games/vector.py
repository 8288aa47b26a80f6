"""The engine's rules over arrays of spins at once, for enumeration and simulation.

`engine.py` is the reference: it evaluates one grid and explains itself in an outcome. Here the
same rules are restated as table look-ups over NumPy arrays so that millions of spins (or every
stop combination of a strip set) cost a few array operations each. The tests hold the two
statements to agree spin for spin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from reelhouse.games.cascade_exact import win_table
from reelhouse.games.exact import line_table, match_counts
from reelhouse.games.model import Game, StripSet

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# The line table has symbols^reels entries; past this it would not fit in memory comfortably.
MAX_LINE_TABLE_ENTRIES = 1 << 22
# Reels whose weights total at most this get a draw -> stop table (8 bytes an entry).
MAX_LOOKUP_ENTRIES = 1 << 20


@dataclass(frozen=True, slots=True)
class StripTables:
    """Look-up arrays for one strip set."""

    cumulative: tuple[IntArray, ...]  # per reel: cumulative weights (draw -> stop)
    lookup: tuple[IntArray | None, ...]  # per reel: draw -> stop, when the total is small
    weights: tuple[FloatArray, ...]  # per reel: stop probabilities
    coded: tuple[npt.NDArray[np.int32], ...]  # lines: per reel [row, stop] -> line table index part
    matches: tuple[IntArray, ...]  # ways: per reel, flattened [symbol, stop] -> matching cells
    candidates: IntArray  # ways: [c, stop of reel 0] -> a symbol that can pay, or "none"
    scatters: tuple[IntArray, ...]  # per reel [stop] -> scatters in the window (0 or 1)
    # cluster games: the win of every stop combination (cascade.win_table), and the strip
    # lengths that index it
    cluster_wins: IntArray | None = None
    lengths: tuple[int, ...] = ()


def _lookup(weights: tuple[int, ...]) -> IntArray | None:
    """stop = lookup[draw]: one gather instead of a binary search, if the table is small."""
    if sum(weights) > MAX_LOOKUP_ENTRIES:
        return None
    return np.repeat(np.arange(len(weights), dtype=np.intp), weights)


def _candidates(game: Game, strips: StripSet) -> IntArray:
    """The symbols a ways win can be for, by stop of the first reel: only those it shows (all
    regular symbols if it shows a wild). Padded with `len(symbols)`, the empty symbol."""
    first = match_counts(game, strips, 0)
    per_stop = [np.flatnonzero(row) for row in first]
    width = max(len(c) for c in per_stop)
    table = np.full((width, len(per_stop)), len(game.symbols), dtype=np.intp)
    for stop, symbols in enumerate(per_stop):
        table[: len(symbols), stop] = symbols
    return table


def _strip_tables(game: Game, strips: StripSet) -> StripTables:
    coded, matches = [], []
    count = len(game.symbols)
    for reel_index, reel in enumerate(strips.reels):
        n = len(reel.symbols)
        # rows[row, stop]: what the stop shows at this row (expanding wilds expanded)
        rows = np.array([reel.window(stop, game.rows) for stop in range(n)], dtype=np.int64).T
        # C order: reel 0 is the most significant digit of the table index
        coded.append((rows * count ** (game.reels - 1 - reel_index)).astype(np.int32))
        if game.mode == "ways":
            # [symbol, stop] flattened, plus a row of zeros for "no symbol" (index `count`)
            table = np.zeros((count + 1, n), dtype=np.int64)
            table[:count] = match_counts(game, strips, reel_index).T
            matches.append(table.reshape(-1))
    scatter = game.scatter
    scatters = tuple(
        np.array(
            [int(scatter in reel.window(stop, game.rows)) for stop in range(len(reel.symbols))],
            dtype=np.int64,
        )
        for reel in strips.reels
    )
    return StripTables(
        cumulative=tuple(np.asarray(r.cumulative, dtype=np.int64) for r in strips.reels),
        lookup=tuple(_lookup(r.weights) for r in strips.reels),
        weights=tuple(
            np.asarray(r.weights, dtype=np.float64) / r.total_weight for r in strips.reels
        ),
        coded=tuple(coded),
        matches=tuple(matches),
        candidates=_candidates(game, strips) if game.mode == "ways" else np.zeros((0, 0), np.intp),
        scatters=scatters,
        cluster_wins=win_table(game, strips) if game.mode == "cluster" else None,
        lengths=tuple(len(reel.symbols) for reel in strips.reels),
    )


class VectorGame:
    """One variant of one game, ready to evaluate arrays of stops."""

    def __init__(self, game: Game, variant: int) -> None:
        math = game.variant(variant)
        self.game = game
        self.variant = variant
        self.base = _strip_tables(game, math.base)
        self.free = _strip_tables(game, math.free) if math.free is not None else None
        if game.mode == "lines":
            assert len(game.symbols) ** game.reels <= MAX_LINE_TABLE_ENTRIES
            self.line_table = line_table(game.symbols, game.reels).reshape(-1)
        scatter = game.scatter
        scatter_pays = game.symbols[scatter].pays if scatter is not None else (0,) * game.reels
        self.scatter_pays = np.array((0, *scatter_pays), dtype=np.int64)
        feature = game.free_spins
        awards = feature.awards if feature is not None else (0,) * game.reels
        self.awards = np.array((0, *awards), dtype=np.int64)
        self.multiplier = feature.multiplier if feature is not None else 1
        self.max_spins = feature.max_spins if feature is not None else 0
        self.retrigger = feature.retrigger if feature is not None else False
        width = len(game.symbols[0].pays)  # counts 1..reels (cluster games: 1..cells)
        ways_pays = [s.pays if s.kind == "regular" else (0,) * width for s in game.symbols]
        ways_pays.append((0,) * width)  # the empty symbol
        self.ways_pays = np.array(ways_pays, dtype=np.int64).T  # [count - 1, symbol]

    def draw_stops(self, tables: StripTables, rng: np.random.Generator, n: int) -> IntArray:
        """stops[reel, spin] for n spins, drawn exactly as the engine does: a uniform draw below
        the reel's total weight, mapped through the cumulative weights (bisect_right)."""
        stops = np.empty((len(tables.cumulative), n), dtype=np.intp)
        for reel, cumulative in enumerate(tables.cumulative):
            draws = rng.integers(0, cumulative[-1], size=n, dtype=np.int64)
            lookup = tables.lookup[reel]
            if lookup is not None:
                stops[reel] = lookup.take(draws)
            else:
                stops[reel] = np.searchsorted(cumulative, draws, side="right")
        return stops

    def evaluate(self, tables: StripTables, stops: IntArray) -> tuple[IntArray, IntArray]:
        """(win credits before the spin multiplier, scatter count) per spin; stops[reel, spin]."""
        scatter_count = tables.scatters[0].take(stops[0])
        for reel in range(1, self.game.reels):
            scatter_count += tables.scatters[reel].take(stops[reel])
        if self.game.mode == "lines":
            pays = self._line_pays(tables, stops)
        elif tables.cluster_wins is not None:
            pays = tables.cluster_wins.take(np.ravel_multi_index(tuple(stops), tables.lengths))
        else:
            pays = self._ways_pays(tables, stops)
        return pays + self.scatter_pays.take(scatter_count), scatter_count

    def _line_pays(self, tables: StripTables, stops: IntArray) -> IntArray:
        # A line's table index is a sum over its cells. Lines share leading cells (every line
        # starts on one of three rows of reel 0), so partial sums are kept per prefix of rows
        # and each is computed once.
        partial: dict[tuple[int, ...], npt.NDArray[np.int32]] = {}
        total = np.zeros(stops.shape[1], dtype=np.int64)
        for rows in self.game.lines:
            for depth in range(1, len(rows) + 1):
                prefix = rows[:depth]
                if prefix not in partial:
                    reel, row = depth - 1, rows[depth - 1]
                    cells = tables.coded[reel][row].take(stops[reel])
                    partial[prefix] = cells if depth == 1 else partial[prefix[:-1]] + cells
            total += self.line_table.take(partial[rows])
        return total

    def _ways_pays(self, tables: StripTables, stops: IntArray) -> IntArray:
        # Only a symbol the first reel shows can pay, so each spin evaluates a few candidates,
        # not every symbol. For a candidate, m(reel) = its matching cells on that reel; its ways
        # multiply reel by reel and the run ends at the first reel without a match.
        total = np.zeros(stops.shape[1], dtype=np.int64)
        lengths = [len(c) for c in tables.cumulative]
        for row in tables.candidates:
            symbol = row.take(stops[0])
            product = tables.matches[0].take(symbol * lengths[0] + stops[0])
            for reel in range(1, self.game.reels):
                matching = tables.matches[reel].take(symbol * lengths[reel] + stops[reel])
                total += self.ways_pays[reel - 1].take(symbol) * product * (matching == 0)
                product = product * matching
            total += self.ways_pays[self.game.reels - 1].take(symbol) * product
        return total


@cache
def vector_game(game: Game, variant: int) -> VectorGame:
    """Tables are built once per process per variant (they cost tens of milliseconds)."""
    return VectorGame(game, variant)
