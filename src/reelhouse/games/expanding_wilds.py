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


def expand(window: tuple[int, ...], expanding: tuple[int, ...]) -> tuple[int, ...]:
    """The window as shown: filled with its topmost expanding wild, if it has one."""
    for symbol in window:
        if symbol in expanding:
            return (symbol,) * len(window)
    return window


def expanded_reels(
    landed: tuple[tuple[int, ...], ...], expanding: tuple[int, ...]
) -> tuple[int, ...]:
    """The reels an expanding wild landed on, so filled (for the outcome the client draws)."""
    return tuple(reel for reel, window in enumerate(landed) if any(s in expanding for s in window))
