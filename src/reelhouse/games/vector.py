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

from reelhouse.games.exact import line_table, match_counts
from reelhouse.games.model import Game, StripSet

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# The line table has symbols^reels entries; past this it would not fit in memory comfortably.
MAX_LINE_TABLE_ENTRIES = 1 << 22


@dataclass(frozen=True, slots=True)
class StripTables:
    """Look-up arrays for one strip set."""

    cumulative: tuple[IntArray, ...]  # per reel: cumulative weights (draw -> stop)
    weights: tuple[FloatArray, ...]  # per reel: stop probabilities
    coded: tuple[IntArray, ...]  # lines: per reel [row, stop] -> index part in the line table
    matches: tuple[IntArray, ...]  # ways: per reel [stop, symbol] -> matching cells
    scatters: tuple[IntArray, ...]  # per reel [stop] -> scatters in the window (0 or 1)


def _strip_tables(game: Game, strips: StripSet) -> StripTables:
    coded, matches = [], []
    count = len(game.symbols)
    for reel_index, reel in enumerate(strips.reels):
        n = len(reel.symbols)
        symbols = np.asarray(reel.symbols, dtype=np.int64)
        rows = np.stack([symbols[(np.arange(n) + row) % n] for row in range(game.rows)])
        coded.append(rows * count ** (game.reels - 1 - reel_index))  # C order: reel 0 first
        if game.mode == "ways":
            matches.append(match_counts(game, strips, reel_index))
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
        weights=tuple(
            np.asarray(r.weights, dtype=np.float64) / r.total_weight for r in strips.reels
        ),
        coded=tuple(coded),
        matches=tuple(matches),
        scatters=scatters,
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
        ways_pays = [s.pays if s.kind == "regular" else (0,) * game.reels for s in game.symbols]
        self.ways_pays = np.array(ways_pays, dtype=np.int64).T  # [count - 1, symbol]

    def draw_stops(self, tables: StripTables, rng: np.random.Generator, n: int) -> IntArray:
        """Stops for n spins, drawn exactly as the engine does: a uniform draw below the reel's
        total weight, mapped through the cumulative weights (bisect_right)."""
        stops = np.empty((n, len(tables.cumulative)), dtype=np.int64)
        for reel, cumulative in enumerate(tables.cumulative):
            draws = rng.integers(0, cumulative[-1], size=n, dtype=np.int64)
            stops[:, reel] = np.searchsorted(cumulative, draws, side="right")
        return stops

    def evaluate(self, tables: StripTables, stops: IntArray) -> tuple[IntArray, IntArray]:
        """(win credits before the spin multiplier, scatter count) for each row of stops."""
        scatter_count = np.zeros(len(stops), dtype=np.int64)
        for reel in range(self.game.reels):
            scatter_count += tables.scatters[reel][stops[:, reel]]
        if self.game.mode == "lines":
            pays = self._line_pays(tables, stops)
        else:
            pays = self._ways_pays(tables, stops)
        return pays + self.scatter_pays[scatter_count], scatter_count

    def _line_pays(self, tables: StripTables, stops: IntArray) -> IntArray:
        # Each (reel, row) cell is gathered once and shared by every line through it.
        cells: dict[tuple[int, int], IntArray] = {}
        total = np.zeros(len(stops), dtype=np.int64)
        for rows in self.game.lines:
            code = np.zeros(len(stops), dtype=np.int64)
            for reel, row in enumerate(rows):
                key = (reel, row)
                if key not in cells:
                    cells[key] = tables.coded[reel][row][stops[:, reel]]
                code += cells[key]
            total += self.line_table[code]
        return total

    def _ways_pays(self, tables: StripTables, stops: IntArray) -> IntArray:
        # m[reel] is [spin, symbol]: matching cells; a symbol's ways multiply reel by reel and
        # the run ends at the first reel without a match.
        product = np.ones((len(stops), len(self.game.symbols)), dtype=np.int64)
        total = np.zeros(len(stops), dtype=np.int64)
        for reel in range(self.game.reels):
            product = product * tables.matches[reel][stops[:, reel]]
            if reel + 1 < self.game.reels:
                ends = tables.matches[reel + 1][stops[:, reel + 1]] == 0
                total += (product * ends) @ self.ways_pays[reel]
            else:
                total += product @ self.ways_pays[reel]
        return total


@cache
def vector_game(game: Game, variant: int) -> VectorGame:
    """Tables are built once per process per variant (they cost tens of milliseconds)."""
    return VectorGame(game, variant)
