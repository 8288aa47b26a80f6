"""Cascades (tumbling reels) with cluster pays: the rules and the engine's evaluator (the exact
enumeration is `cascade_exact.py`, kept apart so that playing a round needs no numpy).

Rules, in one place:
- A cluster is a set of orthogonally adjacent cells (same reel, next row; or same row, next
  reel) that all show one regular symbol or a wild, with at least one cell of the symbol. A
  symbol's clusters are the connected parts of its cells and the wilds; a wild may belong to
  clusters of several symbols, and each pays.
- A cluster of size k pays `pays[k - 1]` of its symbol (0 below the smallest paying size),
  times the grid's cascade multiplier: `multipliers[i]` for the grid after i refills, the last
  one for every later grid (1 when the game names none). Wilds pay nothing by themselves.
- After a grid pays, every cell of a paying cluster is removed; on each reel the symbols left
  fall down (keeping their order) and the empty cells at the top are filled from the reel
  strip's continuation *above* the window: a reel that stopped at s (showing strip[s],
  strip[s + 1], ... top to bottom) and lost k cells now shows strip[s - k .. s - 1] on top of
  what stayed, and the next refill continues from s - k (strips wrap around). The new grid is
  evaluated again; the cascade ends on a grid without a win.
- Bound: after `max_cascades` refills the grid is still paid but nothing more falls. A round is
  thus at most max_cascades + 1 evaluations, whatever the strips (without the bound a strip of
  one symbol would cascade forever).

Why the math is exact and tractable: what falls in is read from the strips, not drawn, so a
whole cascade is a deterministic function of the reel stops. One draw per reel, as in every
other game, and a round replays from those draws alone. The exact RTP is a full enumeration:
the win of every stop combination (prod of the strip lengths; the catalogue's cluster game has
12^5 = 248,832) is computed once per strip layout (`cascade_exact.win_table`, vectorised, a
few seconds) and does not depend on the weights, so every RTP variant and every tuning
candidate is a weighted sum over the same table (`cascade_exact.expected_credits`, a tensor
contraction per reel).

Two independent evaluators: `evaluate` (the engine's, one grid at a time, breadth-first flood
fill over cells) and `cascade_exact.win_table` (all stop combinations at once, grids as bit
boards, clusters by repeated bit-shift dilation). The tests hold them equal stop combination
by stop combination on every combination of a small game and of shortened catalogue strips,
and on sampled combinations of every catalogue variant.
"""

from __future__ import annotations

from collections import deque

from reelhouse.games.model import Game, StripSet, Symbol
from reelhouse.games.outcome import CascadeStep, ClusterWin, Position, SpinResult

Grid = tuple[tuple[int, ...], ...]

# The enumeration holds a few int64 arrays of this many combinations: beyond it the table
# would not fit comfortably in memory (nor be "seconds").
MAX_COMBINATIONS = 1 << 21
# A bit board holds one bit per cell in an int64.
MAX_CELLS = 62


def clusters(symbols: tuple[Symbol, ...], grid: Grid) -> tuple[ClusterWin, ...]:
    """The paying clusters of one grid, by breadth-first search from each unvisited cell of
    each regular symbol."""
    reels, rows = len(grid), len(grid[0])
    wins = []
    for index, symbol in enumerate(symbols):
        if symbol.kind != "regular":
            continue
        visited: set[Position] = set()
        for reel in range(reels):
            for row in range(rows):
                if grid[reel][row] != index or (reel, row) in visited:
                    continue
                component = {(reel, row)}
                queue = deque([(reel, row)])
                while queue:
                    r, c = queue.popleft()
                    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                        if not (0 <= nr < reels and 0 <= nc < rows) or (nr, nc) in component:
                            continue
                        cell = grid[nr][nc]
                        if cell == index or symbols[cell].kind == "wild":
                            component.add((nr, nc))
                            queue.append((nr, nc))
                visited |= component
                pay = symbol.pays[len(component) - 1]
                if pay:
                    wins.append(ClusterWin(index, len(component), tuple(sorted(component)), pay))
    return tuple(wins)


def evaluate(game: Game, strips: StripSet, stops: tuple[int, ...]) -> SpinResult:
    """One spin of a cluster game: the whole cascade these stops lead to (module docstring)."""
    assert game.cascade is not None
    rows = game.rows
    columns = [
        list(reel.window(stop, rows)) for reel, stop in zip(strips.reels, stops, strict=True)
    ]
    tops = list(stops)  # per reel: the strip index now shown in the top row
    steps: list[CascadeStep] = []
    for refills in range(game.cascade.max_cascades + 1):
        grid = tuple(tuple(column) for column in columns)
        wins = clusters(game.symbols, grid)
        multiplier = game.cascade.multiplier(refills)
        pays = sum(w.win_credits for w in wins)
        steps.append(CascadeStep(grid, wins, multiplier, pays * multiplier))
        if not wins or refills == game.cascade.max_cascades:
            break
        removed = {position for win in wins for position in win.positions}
        for reel, strip in enumerate(strips.reels):
            kept = [s for row, s in enumerate(columns[reel]) if (reel, row) not in removed]
            fallen = rows - len(kept)
            tops[reel] -= fallen
            n = len(strip.symbols)
            columns[reel] = [strip.symbols[(tops[reel] + i) % n] for i in range(fallen)] + kept
    total = sum(step.win_credits for step in steps)
    return SpinResult(stops, steps[0].grid, 1, (), (), None, total, cascades=tuple(steps))


def pay_tiers(symbols: tuple[Symbol, ...]) -> list[int]:
    """The cluster sizes at which some symbol's pay changes: the paytable's columns."""
    sizes = {
        k + 1
        for symbol in symbols
        for k in range(len(symbol.pays))
        if symbol.pays[k] != (symbol.pays[k - 1] if k else 0)
    }
    return sorted(sizes)


def smallest_cluster(symbols: tuple[Symbol, ...]) -> int:
    """The smallest cluster size that pays anything."""
    return min(k + 1 for symbol in symbols for k, pay in enumerate(symbol.pays) if pay)
