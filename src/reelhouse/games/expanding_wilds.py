"""Expanding wilds: a wild marked `"expanding": true` that lands anywhere in a reel's window
fills the whole window before any win is counted.

The rule, exactly: if a reel's window shows one or more expanding wilds, every cell of that
window becomes the topmost of them; otherwise the window is as landed. Everything else (lines,
ways, wild multipliers, scatters) is then evaluated on the expanded grid, so an expanding wild
that covers a scatter hides it, and a multiplier wild multiplies every line through its reel
once.

Why it stays exact: the expanded window is a function of that reel's own stop, so the reels
remain independent. `Reel.window` (games/model.py) applies this rule, and every method that
reads windows through it holds unchanged: the per-line factorisation of `exact.py` (each
reel's row probabilities are taken over expanded windows) and the enumeration of every stop
combination in `stats.py`. The two are independent and must agree, as for any game.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model.py imports this module: the reel type is for the checker only
    from reelhouse.games.model import Reel

Grid = tuple[tuple[int, ...], ...]


def expand(window: tuple[int, ...], expanding: tuple[int, ...]) -> tuple[int, ...]:
    """The window as shown: filled with its topmost expanding wild, if it has one."""
    for symbol in window:
        if symbol in expanding:
            return (symbol,) * len(window)
    return window


def landing(
    reels: Sequence[Reel], stops: tuple[int, ...], rows: int
) -> tuple[tuple[int, ...], Grid]:
    """For the outcome the client draws: (the reels an expanding wild landed on, so filled;
    the grid as it stopped), or ((), ()) when no wild expanded."""
    landed = tuple(reel.landed(stop, rows) for reel, stop in zip(reels, stops, strict=True))
    expanded = tuple(
        index
        for index, (reel, window) in enumerate(zip(reels, landed, strict=True))
        if any(symbol in reel.expanding for symbol in window)
    )
    return (expanded, landed) if expanded else ((), ())
