"""Hold-and-win respins: the rules, played from draws (engine.play calls `finish_round`).

Rules, in one place:
- A base spin showing at least `trigger` cash symbols anywhere starts the feature. Each cash
  symbol then gets a value from the value table (one draw each, cells in order: reel by reel,
  top row first). Cash symbols on a spin that does not trigger pay nothing.
- A bonus buy (bet mode "buy") plays no base spin: `start_cash` cash symbols are placed on an
  empty board, each on a cell drawn uniformly from the empty ones (one draw), with its value.
- The feature starts with `respins` respins. A respin draws once for every empty cell, in
  order: below the variant's `cash` weight (of cash + blank) the cell lands a cash symbol,
  whose value is drawn at once. Cash symbols stay. A respin that lands any resets the count
  to `respins`; one that lands none uses one up.
- The feature ends when no respins are left or every cell holds cash; a full board also pays
  `grand_credits`. It pays the sum of the values on the board (and the grand prize).
- The round pays the base spin's wins plus the feature, at most `max_win_x` times the bet.

The exact math of these rules is in hold_exact.py.
"""

from __future__ import annotations

from reelhouse.games.bet_modes import BASE, BUY, BetMode
from reelhouse.games.hold_model import HoldAndWin, HoldWeights
from reelhouse.games.hold_outcome import Coin, HoldResult, Respin
from reelhouse.games.model import Game
from reelhouse.games.outcome import SpinResult
from reelhouse.games.rng import RecordingRng, Rng

Cell = tuple[int, int]  # (reel, row)


def cells(game: Game) -> list[Cell]:
    """Every cell of the board, in the order the feature draws for them."""
    return [(reel, row) for reel in range(game.reels) for row in range(game.rows)]


def _value(hold: HoldAndWin, rng: Rng) -> int:
    return hold.value_for(rng.below(hold.value_total))


def triggered_start(game: Game, base: SpinResult, rng: Rng) -> tuple[Coin, ...] | None:
    """The cash symbols a base spin starts the feature with (values drawn), or None."""
    hold = game.hold_and_win
    assert hold is not None
    found = [cell for cell in cells(game) if base.grid[cell[0]][cell[1]] == hold.cash]
    if len(found) < hold.trigger:
        return None
    return tuple((reel, row, _value(hold, rng)) for reel, row in found)


def bought_start(game: Game, rng: Rng) -> tuple[Coin, ...]:
    """The cash symbols a bonus buy starts with: placed one by one on uniform empty cells."""
    hold, buy = game.hold_and_win, game.bonus_buy
    assert hold is not None and buy is not None
    empty = cells(game)
    coins = []
    for _ in range(buy.start_cash):
        reel, row = empty.pop(rng.below(len(empty)))
        coins.append((reel, row, _value(hold, rng)))
    return tuple(coins)


def respins(game: Game, weights: HoldWeights, start: tuple[Coin, ...], rng: Rng) -> HoldResult:
    """Play the respins from the starting cash symbols to the end of the feature."""
    hold = game.hold_and_win
    assert hold is not None
    held = {(reel, row) for reel, row, _ in start}
    board = cells(game)
    left = hold.respins
    played: list[Respin] = []
    # Bounded: every respin either fills a cell (at most len(board) times) or uses one up.
    while left > 0 and len(held) < len(board):
        landed = []
        for reel, row in board:
            if (reel, row) not in held and rng.below(weights.total) < weights.cash:
                landed.append((reel, row, _value(hold, rng)))
        held.update((reel, row) for reel, row, _ in landed)
        left = hold.respins if landed else left - 1
        played.append(Respin(tuple(landed), left))
    full = len(held) == len(board)
    grand = hold.grand_credits if full else 0
    coins = start + tuple(coin for respin in played for coin in respin.landed)
    win = sum(value for _, _, value in coins) + grand
    return HoldResult(start, tuple(played), full, grand, win)


def board(game: Game, coins: tuple[Coin, ...]) -> tuple[tuple[int, ...], ...]:
    """The respin board as a grid: cash where a coin is, blank elsewhere."""
    hold = game.hold_and_win
    assert hold is not None
    grid = [[hold.blank] * game.rows for _ in range(game.reels)]
    for reel, row, _ in coins:
        grid[reel][row] = hold.cash
    return tuple(tuple(column) for column in grid)


def finish_round(
    game: Game,
    variant: int,
    recorder: RecordingRng,
    mode: BetMode,
    base: SpinResult | None,
) -> tuple[SpinResult, HoldResult | None]:
    """The round of a hold-and-win game after its base spin (None for a bonus buy, whose
    `base` in the outcome is then the starting board: no stops, no wins): the base spin to
    record and the feature, when one was played (engine.play makes the outcome)."""
    weights = game.variant(variant).hold
    assert weights is not None
    if mode == BUY:
        assert base is None
        start: tuple[Coin, ...] | None = bought_start(game, recorder)
        assert start is not None
        base = SpinResult((), board(game, start), 1, (), (), None, 0)
    else:
        assert mode == BASE and base is not None
        start = triggered_start(game, base, recorder)
    feature = respins(game, weights, start, recorder) if start is not None else None
    return base, feature
