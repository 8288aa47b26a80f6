"""Hold-and-win respins and the bonus buy, as data: what `game.json` and `rtpNN.json` say.

`game.json` may carry

    "hold_and_win": {"trigger": 6, "respins": 3, "grand_credits": 10000,
                     "values": [{"credits": 10, "weight": 500}, ...]},
    "bonus_buy": {"price_x": 80, "start_cash": 6}

and then every `rtpNN.json` carries `"hold": {"cash": W, "blank": B}`: in a respin each empty
cell draws below W + B and lands a cash symbol when the draw is below W. The game's symbols
must include exactly one `cash` symbol (on the reels, it counts towards the trigger) and one
`blank` symbol (the empty cell of the respin board; it never pays). The rules themselves:
games/hold_and_win.py. Parsing here needs nothing from model.py, which calls it.

A free-spin game may carry `"bonus_buy": {"price_x": 50}` alone: the buy then starts the free
spins with the award of the fewest scatters that trigger them (games/engine.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reelhouse.games.rng import MAX_DRAW_BOUND

# Bounds on what a data file may ask for: beyond them the exact distributions (arrays as long
# as the largest feature win in credits) stop being obviously cheap.
MAX_VALUES = 32
MAX_VALUE_CREDITS = 100_000
MAX_GRAND_CREDITS = 1_000_000
MAX_RESPINS = 10
MAX_PRICE_X = 1_000


class HoldDataError(ValueError):
    """A hold-and-win or bonus-buy entry breaks a rule the engine relies on."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise HoldDataError(message)


def _int(value: Any, low: int, high: int, what: str) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool), f"{what} must be an int")
    _require(low <= value <= high, f"{what} = {value} is outside {low}..{high}")
    return int(value)


@dataclass(frozen=True, slots=True)
class HoldAndWin:
    """The respin feature: shared by every variant of the game."""

    cash: int  # symbol id of the cash symbol
    blank: int  # symbol id of the empty cell on the respin board
    trigger: int  # this many cash symbols on a base spin start the feature
    respins: int  # respins at the start, and again after every respin that lands cash
    grand_credits: int  # paid besides the values when the board fills (0: none)
    value_credits: tuple[int, ...]  # what a cash symbol may carry, in credits
    value_weights: tuple[int, ...]  # value_credits[i] is drawn with weight value_weights[i]

    @property
    def value_total(self) -> int:
        return sum(self.value_weights)

    def value_for(self, draw: int) -> int:
        """The value whose cumulative weight range holds `draw` (as a reel stop is found)."""
        assert 0 <= draw < self.value_total
        upper = 0
        for credits, weight in zip(self.value_credits, self.value_weights, strict=True):
            upper += weight
            if draw < upper:
                return credits
        raise AssertionError("unreachable: draw below the total weight")


@dataclass(frozen=True, slots=True)
class BonusBuy:
    """The bet mode that starts the feature at once: it costs price_x bets."""

    price_x: int
    start_cash: int  # cash symbols placed on random cells of an empty board to start
    # A free-spin game's buy: the free spins it starts with (0 in a hold-and-win game).
    start_spins: int = 0


@dataclass(frozen=True, slots=True)
class HoldWeights:
    """One variant's respin draw: cash with probability cash / (cash + blank) per cell."""

    cash: int
    blank: int

    @property
    def total(self) -> int:
        return self.cash + self.blank


def parse_hold_and_win(document: Any, kinds: list[str], cells: int) -> HoldAndWin | None:
    raw = document.get("hold_and_win")
    cash_ids = [i for i, kind in enumerate(kinds) if kind == "cash"]
    blank_ids = [i for i, kind in enumerate(kinds) if kind == "blank"]
    if raw is None:
        _require(not cash_ids and not blank_ids, "cash and blank symbols need hold_and_win")
        return None
    _require(len(cash_ids) == 1 and len(blank_ids) == 1, "one cash and one blank symbol")
    values = raw["values"]
    _require(0 < len(values) <= MAX_VALUES, "value table size out of range")
    credits = tuple(_int(v["credits"], 1, MAX_VALUE_CREDITS, "value credits") for v in values)
    weights = tuple(_int(v["weight"], 1, MAX_DRAW_BOUND, "value weight") for v in values)
    _require(sum(weights) <= MAX_DRAW_BOUND, "value weights total too large")
    _require(len(set(credits)) == len(credits), "each value once")
    return HoldAndWin(
        cash=cash_ids[0],
        blank=blank_ids[0],
        trigger=_int(raw["trigger"], 1, cells, "trigger"),
        respins=_int(raw["respins"], 1, MAX_RESPINS, "respins"),
        grand_credits=_int(raw.get("grand_credits", 0), 0, MAX_GRAND_CREDITS, "grand_credits"),
        value_credits=credits,
        value_weights=weights,
    )


def parse_bonus_buy(
    document: Any, hold: HoldAndWin | None, cells: int, trigger_spins: int | None = None
) -> BonusBuy | None:
    """The bonus buy of a hold-and-win game, or of a free-spin game (`trigger_spins`: the
    free spins its fewest triggering scatters award; None for a game without free spins)."""
    raw = document.get("bonus_buy")
    if raw is None:
        return None
    # Only a feature that can start without a base spin can be bought.
    _require(hold is not None or trigger_spins is not None, "a bonus buy needs a feature")
    price_x = _int(raw["price_x"], 1, MAX_PRICE_X, "price_x")
    if hold is None:
        assert trigger_spins is not None
        _require(set(raw) == {"price_x"}, "a free-spin buy has only price_x")
        return BonusBuy(price_x=price_x, start_cash=0, start_spins=trigger_spins)
    start = _int(raw["start_cash"], hold.trigger, cells, "start_cash")
    return BonusBuy(price_x=price_x, start_cash=start)


def parse_hold_weights(variant_document: Any, hold: HoldAndWin | None) -> HoldWeights | None:
    raw = variant_document.get("hold")
    _require((raw is None) == (hold is None), "rtpNN.json has `hold` exactly when game.json has")
    if raw is None:
        return None
    cash = _int(raw["cash"], 1, MAX_DRAW_BOUND, "hold cash weight")
    blank = _int(raw["blank"], 1, MAX_DRAW_BOUND, "hold blank weight")
    _require(cash + blank <= MAX_DRAW_BOUND, "hold weights total too large")
    return HoldWeights(cash, blank)
