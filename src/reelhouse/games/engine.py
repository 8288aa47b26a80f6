"""The slot engine: draws in, outcome out. Pure given its draws.

`play` is the reference evaluation of a round; it reads nothing but its arguments (game math,
variant, bet, draws), so a player's balance, history or the operator's results cannot reach
an outcome, and demo play runs this very code. The vectorised
evaluator in `vector.py` must agree with it; the tests check that they do.

Rules, in one place:
- Lines pay left to right. Each line pays its best reading: for every paying symbol, the run
  of that symbol or wilds from the first reel; wilds substitute for every regular symbol and
  multiply the win by their multipliers; a wild's own pay (if any) counts its own run only,
  unmultiplied. Only the highest reading of a line is paid.
- Ways pay left to right: for each regular symbol, the reels in a row from the first that show
  it or a wild; the pay is multiplied by the product of matching cells per reel (a wild counts
  as its multiplier).
- Scatters pay anywhere by count and trigger free spins by count. Free spins use their own
  strips, multiply every win by the feature multiplier and retrigger by the same award table,
  up to `max_spins` per feature.
- The round (base spin plus its feature) pays at most `max_win_x` times the bet.
- A free-spin game's bonus buy (bet mode "buy") costs its price and plays no base spin: the
  free spins start at once with the award of the fewest scatters that trigger them, then run
  as if a base spin had triggered them (same strips, multiplier, retriggers, max_spins, cap).
- Hold-and-win respins and the bonus buy have their rules in `hold_and_win.py`.
- Expanding wilds fill their reel before anything is counted (`expanding_wilds.py`); cluster
  games pay clusters and cascade instead of lines or ways (`cascade.py`). Each mechanic states
  its rules in its own module.
"""

from __future__ import annotations

from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.games import cascade, hold_and_win
from reelhouse.games.bet_modes import BASE, BUY, BetMode, stake_minor
from reelhouse.games.expanding_wilds import landing
from reelhouse.games.hold_outcome import HoldResult
from reelhouse.games.model import Game, StripSet, Symbol
from reelhouse.games.outcome import LineWin, Position, ScatterWin, SpinOutcome, SpinResult, WaysWin
from reelhouse.games.rng import RecordingRng, Rng

Grid = tuple[tuple[int, ...], ...]


def is_valid_bet(game: Game, bet_minor: int) -> bool:
    """A bet splits into whole credits (anything else would need rounding a win), and its
    largest possible win is still an amount the domain can hold."""
    return (
        bet_minor > 0
        and bet_minor * game.max_win_x <= MAX_AMOUNT_MINOR
        and bet_minor % game.bet_step_minor == 0
    )


def play(game: Game, variant: int, bet_minor: int, rng: Rng, mode: BetMode = BASE) -> SpinOutcome:
    """Play one round: a base spin and, if it triggers, the whole feature. A bonus buy
    (`mode` "buy") costs its price and starts the feature without a base spin."""
    assert is_valid_bet(game, bet_minor), f"bet {bet_minor} is not valid for {game.game_code}"
    math = game.variant(variant)
    recorder = RecordingRng(rng)
    hold: HoldResult | None = None
    if game.hold_and_win is not None:
        base_spin = spin(game, math.base, recorder, in_feature=False) if mode == BASE else None
        base, hold = hold_and_win.finish_round(game, variant, recorder, mode, base_spin)
        awarded = 0  # a hold-and-win game has no free spins
    elif mode == BUY:
        # A bought round plays no base spin: the outcome's `base` is an empty one (no stops,
        # no grid, no wins) and the feature starts with the trigger's award.
        assert game.bonus_buy is not None and game.bonus_buy.start_spins > 0
        base = SpinResult((), (), 1, (), (), None, 0)
        awarded = game.bonus_buy.start_spins
    else:
        assert mode == BASE, f"{game.game_code} offers no bet mode {mode!r}"
        base = spin(game, math.base, recorder, in_feature=False)
        awarded = base.free_spins_awarded
    free_spins = play_free_spins(game, math.free, recorder, awarded) if awarded else ()
    feature_credits = sum(result.win_credits for result in free_spins)
    feature_credits += hold.win_credits if hold is not None else 0
    uncapped = base.win_credits + feature_credits
    win_credits = min(uncapped, game.max_win_credits)
    credit_minor = bet_minor // game.bet_step_minor
    return SpinOutcome(
        game_code=game.game_code,
        rtp_variant=variant,
        bet_minor=stake_minor(game, mode, bet_minor),
        credit_minor=credit_minor,
        base=base,
        free_spins=free_spins,
        uncapped_win_credits=uncapped,
        win_minor=win_credits * credit_minor,
        capped=uncapped > win_credits,
        draws=recorder.draws,
        hold=hold,
        bet_mode=mode,
    )


def play_free_spins(
    game: Game, strips: StripSet | None, rng: Rng, awarded: int
) -> tuple[SpinResult, ...]:
    """The free-spin feature started with `awarded` spins, retriggers included."""
    assert game.free_spins is not None and strips is not None
    feature = game.free_spins
    awarded = min(awarded, feature.max_spins)
    free_spins: list[SpinResult] = []
    # Bounded: `awarded` never exceeds max_spins and one spin is played per pass.
    while len(free_spins) < awarded:
        result = spin(game, strips, rng, in_feature=True)
        free_spins.append(result)
        if feature.retrigger:
            awarded = min(awarded + result.free_spins_awarded, feature.max_spins)
    return tuple(free_spins)


def spin(game: Game, strips: StripSet, rng: Rng, *, in_feature: bool) -> SpinResult:
    """One spin: one draw per reel picks its stop; the grid is then evaluated."""
    stops = tuple(reel.stop_for(rng.below(reel.total_weight)) for reel in strips.reels)
    return evaluate(game, strips, stops, in_feature=in_feature)


def evaluate(
    game: Game, strips: StripSet, stops: tuple[int, ...], *, in_feature: bool
) -> SpinResult:
    """The wins on the grid these stops show (a free spin multiplies them by its multiplier)."""
    if game.mode == "cluster":
        return cascade.evaluate(game, strips, stops)
    multiplier = 1
    if in_feature:
        assert game.free_spins is not None
        multiplier = game.free_spins.multiplier
    grid = tuple(
        reel.window(stop, game.rows) for reel, stop in zip(strips.reels, stops, strict=True)
    )
    expanded, landed = landing(strips.reels, stops, game.rows)
    line_wins = _line_wins(game, grid) if game.mode == "lines" else ()
    ways_wins = _ways_wins(game, grid) if game.mode == "ways" else ()
    scatter = _scatter_win(game, grid, in_feature=in_feature)
    total = sum(w.win_credits for w in line_wins) + sum(w.win_credits for w in ways_wins)
    if scatter is not None:
        total += scatter.win_credits
    return SpinResult(
        stops,
        grid,
        multiplier,
        line_wins,
        ways_wins,
        scatter,
        total * multiplier,
        expanded=expanded,
        landed=landed,
    )


def line_pay(symbols: tuple[Symbol, ...], cells: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The best reading of one line: (win credits, symbol, count, multiplier); win 0 if none."""
    best = (0, -1, 0, 1)
    for index, symbol in enumerate(symbols):
        if symbol.kind == "scatter" or not any(symbol.pays):
            continue
        run, multiplier = 0, 1
        for cell in cells:
            if cell == index:
                run += 1
            elif symbol.kind == "regular" and symbols[cell].kind == "wild":
                run += 1
                multiplier *= symbols[cell].multiplier
            else:
                break
        win = symbol.pays[run - 1] * multiplier if run else 0
        if win > best[0]:
            best = (win, index, run, multiplier)
    return best


def _line_wins(game: Game, grid: Grid) -> tuple[LineWin, ...]:
    wins = []
    for line_index, rows in enumerate(game.lines):
        cells = tuple(grid[reel][row] for reel, row in enumerate(rows))
        win, symbol, count, multiplier = line_pay(game.symbols, cells)
        if win:
            positions = tuple((reel, rows[reel]) for reel in range(count))
            wins.append(LineWin(line_index, symbol, count, multiplier, positions, win))
    return tuple(wins)


def _ways_wins(game: Game, grid: Grid) -> tuple[WaysWin, ...]:
    symbols = game.symbols
    wins = []
    for index, symbol in enumerate(symbols):
        if symbol.kind != "regular" or not any(symbol.pays):
            continue
        ways, count = 1, 0
        positions: list[Position] = []
        for reel, column in enumerate(grid):
            matching = 0
            for row, cell in enumerate(column):
                if cell == index:
                    matching += 1
                elif symbols[cell].kind == "wild":
                    matching += symbols[cell].multiplier
                else:
                    continue
                positions.append((reel, row))
            if matching == 0:
                break
            ways *= matching
            count += 1
        pay = symbol.pays[count - 1] if count else 0
        if pay:
            wins.append(WaysWin(index, count, ways, tuple(positions), pay * ways))
    return tuple(wins)


def _scatter_win(game: Game, grid: Grid, in_feature: bool) -> ScatterWin | None:
    scatter = game.scatter
    if scatter is None:
        return None
    positions = tuple(
        (reel, row)
        for reel, column in enumerate(grid)
        for row, cell in enumerate(column)
        if cell == scatter
    )
    count = len(positions)
    if count == 0:
        return None
    pay = game.symbols[scatter].pays[count - 1]
    feature = game.free_spins
    awarded = 0
    if feature is not None and (feature.retrigger or not in_feature):
        awarded = feature.awards[count - 1]
    if pay == 0 and awarded == 0:
        return None
    return ScatterWin(scatter, count, positions, pay, awarded)
