"""The two traffic shapes: how a step's arrivals are spread over players and operators.

Both shapes use the same players (`OPERATORS` operators of `players_per_operator` each,
player `i` belongs to operator `i // players_per_operator`), so only the weights differ:

- `even`: every player equally likely (many players, each spinning now and then);
- `skewed`: one dominant operator (operator 0) takes `DOMINANT_SHARE` of all spins, and
  within it `HOT_PLAYERS` very active players take `HOT_SHARE` of all spins between them
  (autoplay at full speed); everyone else shares the rest evenly.
"""

from __future__ import annotations

OPERATORS = 4
DOMINANT_SHARE = 0.8
HOT_PLAYERS = 8
HOT_SHARE = 0.2
SHAPES = ("even", "skewed")


def weights(shape: str, players_per_operator: int) -> list[float]:
    """One weight per player (summing to 1), in player order."""
    total = OPERATORS * players_per_operator
    if shape == "even":
        return [1 / total] * total
    assert shape == "skewed", shape
    assert players_per_operator > HOT_PLAYERS
    hot = [HOT_SHARE / HOT_PLAYERS] * HOT_PLAYERS
    dominant_rest = players_per_operator - HOT_PLAYERS
    dominant = [(DOMINANT_SHARE - HOT_SHARE) / dominant_rest] * dominant_rest
    others = total - players_per_operator
    return hot + dominant + [(1 - DOMINANT_SHARE) / others] * others
