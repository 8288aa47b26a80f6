"""Bet modes: what a round costs and how it starts. "base" is a spin at the bet; "buy" (a
bonus buy, where the game offers one) costs `price_x` bets and starts the feature at once.

The stake of a round is what the wallet is charged: the bet, or the price. Its wins are
still multiples of the bet (a credit is the bet / the game's credits), whatever the mode.
"""

from __future__ import annotations

from typing import Literal

from reelhouse.games.model import Game

BetMode = Literal["base", "buy"]
BASE: BetMode = "base"
BUY: BetMode = "buy"
# The longest bet mode name a request may carry (the border bounds it before any look-up).
MAX_MODE_CHARS = 16


def modes(game: Game) -> tuple[BetMode, ...]:
    """The bet modes the game offers."""
    return (BASE, BUY) if game.bonus_buy is not None else (BASE,)


def mode_of(game: Game, name: str) -> BetMode | None:
    """The game's bet mode by that name; None for one it does not offer."""
    return next((mode for mode in modes(game) if mode == name), None)


def price_x(game: Game, mode: BetMode) -> int:
    """What a round in this mode costs, in bets."""
    if mode == BUY:
        assert game.bonus_buy is not None, f"{game.game_code} has no bonus buy"
        return game.bonus_buy.price_x
    return 1


def stake_minor(game: Game, mode: BetMode, bet_minor: int) -> int:
    return bet_minor * price_x(game, mode)


def bet_of_stake(game: Game, mode: BetMode, stake: int) -> int | None:
    """The bet a stake was charged for (None: no whole bet costs that much in this mode)."""
    price = price_x(game, mode)
    return stake // price if stake % price == 0 else None
