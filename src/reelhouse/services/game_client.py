"""What the game client sees of its session: the game (symbols, layout, paytable, as data),
the player's money, the bets it may place, the operator's free rounds, the last round.

Every amount is written in the session's view (operator_currencies.session_view): its
display unit (mBTC) when it has one, else its currency; `currency_exponent` is the view's
decimals, `display_unit` names the unit the client labels amounts with."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.limits import CLIENT_BET_LEVELS_MAX
from reelhouse.domain.money import Currency, currency, format_fixed
from reelhouse.domain.states import NOT_PLAYED_ROUND_STATES, RoundState, shown_win_minor
from reelhouse.domain.wallet import CommandKind, OutcomeKind, WalletCommand
from reelhouse.games import catalogue
from reelhouse.games.engine import is_valid_bet
from reelhouse.games.model import Game
from reelhouse.services import (
    freerounds,
    jurisdiction_rules,
    reality_checks,
    session_rules,
    win_cap,
)
from reelhouse.services.launch import active_session
from reelhouse.services.operator_currencies import (
    limits_in,
    session_unit,
    session_view,
    unit_json,
)
from reelhouse.services.operators import wallet_endpoint
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import check_own_game_session
from reelhouse.store.models import GameSession, Operator, Player, Round, session_currency
from reelhouse.store.outbox import owed_win_minor, round_holding_next


def session_state(platform: Platform, session_token: str) -> dict[str, Any]:
    """The session's state; asks the wallet for the current balance (spec: `balance`
    during play) and falls back to the last one reported if the wallet does not answer."""
    with platform.db.transaction() as session:
        active = active_session(platform, session, session_token)
        check_own_game_session(active.session)
        operator, player, game_session = active.operator, active.player, active.session
        limits = limits_in(session, operator, active.currency)
        last_round = session.scalar(
            select(Round).where(Round.session_id == game_session.id).order_by(Round.id.desc())
        )
        # Whether a spin now would be held (3002): not whether any round is unsettled.
        unsettled = round_holding_next(session, player.id) is not None
        win_owed = owed_win_minor(session, player.id)
        now = platform.clock.now()
        game_session.last_activity_at_utc = to_naive_utc(now)
        demo = game_session.demo_balance_minor is not None
        # Fun money plays no operator-paid rounds: a demo session is never offered a grant.
        offer = None if demo else freerounds.offer(session, player.id, game_session.game_code, now)
    balance, reachable = (
        (game_session.demo_balance_minor, True)
        if demo
        else _wallet_balance(platform, operator, player, game_session)
    )
    cur = currency(session_currency(game_session, operator))
    # What the player sees and sends: the display unit's view, else the currency itself.
    view = session_view(game_session, operator)
    game = catalogue.get_game(game_session.game_code)
    assert game is not None
    rules = jurisdiction_rules.session_profile(game_session)
    # The profile's stake cap lowers the most the client offers (the spin refuses above it).
    cap = rules.stake_cap_minor(cur.code)
    max_bet_minor = limits.max_bet_minor if cap is None else min(limits.max_bet_minor, cap)
    levels = bet_levels(game, limits.min_bet_minor, max_bet_minor)
    # The session's currency carries its own max win per round (operator_currencies.py).
    variant, win_cap_minor = game_session.rtp_variant, limits.max_win_minor
    return {
        "session_id": game_session.id,
        "game": {
            "code": game.game_code,
            "name": game.name,
            "rtp_variant": variant,
        }
        | game_view(game)
        | win_cap.client_figures(game, variant, win_cap_minor, levels),
        "player": player.name,
        "currency": cur.code,
        # The unit the amounts below are in (None: `currency` itself): its symbol labels them.
        "display_unit": unit_json(session_unit(game_session)),
        "balance": format_fixed(balance, view) if balance is not None else None,
        "wallet_reachable": reachable,
        "demo": demo,
        "min_bet": format_fixed(limits.min_bet_minor, view),
        "max_bet": format_fixed(max_bet_minor, view),
        "bet_step": format_fixed(game.bet_step_minor, view),
        # The decimals of every amount here (the display unit's, else the currency's).
        "currency_exponent": view.exponent,
        "bet_levels": [format_fixed(level, view) for level in levels],
        "free_rounds": _offer_json(offer, view),
        "round_in_progress": unsettled,
        "win_owed": format_fixed(win_owed, view),
        "return_url": game_session.return_url,
        "lang": game_session.lang,
        "last_round": _round_view(last_round, view) if last_round else None,
        # [jurisdictions] what the client must honour, and the figures it may have to show.
        "jurisdiction": rules.client_rules(),
        "session_figures": _session_figures(game_session, cur, view, now)
        | {"rtp_percent": win_cap.lowest_rtp(game, variant, win_cap_minor, levels)},
        # [rg] the reality check's timing and the launch's limits (services/reality_checks.py).
        "session_limits": reality_checks.limits_view(game_session, rules, cur, view, now),
    }


def _session_figures(
    game_session: GameSession, cur: Currency, view: Currency, now: dt.datetime
) -> dict[str, Any]:
    """The session's elapsed time, its net position (won minus staked; a demo session's from
    its fun money) and its RTP: shown where the session's profile requires them (the RTP
    is replaced by the effective one under the operator's cap: services/win_cap.py). The
    fun money's start is counted in `cur`, the amount written in `view`."""
    net_minor = session_rules.net_minor(game_session, cur.unit)
    elapsed = now - from_naive_utc(game_session.started_at_utc)
    return {
        "elapsed_seconds": max(int(elapsed.total_seconds()), 0),
        "net_position": format_fixed(net_minor, view),
        "rtp_percent": game_session.rtp_variant,
    }


def _wallet_balance(
    platform: Platform, operator: Operator, player: Player, game_session: GameSession
) -> tuple[int | None, bool]:
    """The wallet's current balance (spec: `balance` during play) in the session's currency,
    remembered; the last one it reported when it does not answer. The game is named where
    the dialect sends it."""
    command = WalletCommand(
        CommandKind.BALANCE,
        account=player.name,
        currency=session_currency(game_session, operator),
        game_code=game_session.game_code,
    )
    outcome = platform.wallet.read(wallet_endpoint(platform, operator), command)
    if outcome.kind is not OutcomeKind.APPLIED or outcome.balance_minor is None:
        return player.last_balance_minor, False
    with platform.db.transaction() as session:
        stored = session.get(Player, player.id)
        assert stored is not None
        stored.last_balance_minor = outcome.balance_minor
    return outcome.balance_minor, True


def _round_view(round_: Round, cur: Currency) -> dict[str, Any]:
    """The session's last round, its amounts in the session's view. One that was not played
    (bet refused, or refunded) shows a win of 0 and no outcome: the client must not draw
    reels or lines the player never paid for, nor say they won."""
    state = RoundState(round_.state)
    played = state not in NOT_PLAYED_ROUND_STATES
    return {
        "round_id": round_.id,
        "state": round_.state,
        "played": played,
        "bet": format_fixed(round_.bet_minor, cur),
        "win": format_fixed(shown_win_minor(state, round_.win_minor), cur),
        "outcome": json.loads(round_.outcome_json) if played else None,
    }


def _offer_json(offer: freerounds.GrantView | None, cur: Currency) -> dict[str, Any] | None:
    """The grant the next spin may play, its id as text: a 63-bit id does not survive a
    JavaScript number, and the client sends it back to name the grant."""
    view = freerounds.offer_json(offer, cur)
    return None if view is None else view | {"fr_id": str(view["fr_id"])}


def game_view(game: Game) -> dict[str, Any]:
    """The game's own data as the client draws it: symbols and their pays (credits: a pay of
    p is p x bet / credits), the grid, the lines, the feature. Nothing here is secret: the
    reel strips and weights stay on the server."""
    feature = game.free_spins
    return {
        "reels": game.reels,
        "rows": game.rows,
        "mode": game.mode,
        "credits": game.bet_step_minor,
        "max_win_x": game.max_win_x,
        "volatility": game.volatility,
        "description": game.description,
        "symbols": [
            {
                "code": symbol.code,
                "name": symbol.name,
                "kind": symbol.kind,
                "pays": list(symbol.pays),
                "multiplier": symbol.multiplier,
                "expanding": symbol.expanding,
            }
            for symbol in game.symbols
        ],
        "lines": [list(line) for line in game.lines],
        # Cluster games (games/cascade.py): how many refills a cascade may have.
        "cascade": None
        if game.cascade is None
        else {
            "max_cascades": game.cascade.max_cascades,
            "multipliers": list(game.cascade.multipliers),
        },
        "free_spins": None
        if feature is None
        else {
            "awards": list(feature.awards),
            "multiplier": feature.multiplier,
            "retrigger": feature.retrigger,
            "max_spins": feature.max_spins,
        },
        **_hold_view(game),
    }


def _hold_view(game: Game) -> dict[str, Any]:
    """A hold-and-win game's feature and its bonus buy, as the client shows them: the values
    a cash symbol may carry (credits; their odds stay on the server, like the strips), and
    what a buy costs (`price_x` bets) where the game offers one. Absent for other games."""
    hold, buy = game.hold_and_win, game.bonus_buy
    if hold is None:
        return {}
    return {
        "hold_and_win": {
            "trigger": hold.trigger,
            "respins": hold.respins,
            "grand_credits": hold.grand_credits,
            "values": list(hold.value_credits),
        },
        "bonus_buy": None if buy is None else {"price_x": buy.price_x},
    }


def bet_levels(game: Game, min_bet_minor: int, max_bet_minor: int) -> list[int]:
    """The bets the client offers: round numbers (1-2-5 steps) that are whole multiples of
    the game's bet step inside the operator's limits, plus the smallest and largest allowed
    bets. At most CLIENT_BET_LEVELS_MAX, evenly thinned, always keeping both ends."""
    step = game.bet_step_minor
    low = -(-min_bet_minor // step) * step  # the smallest multiple of the step >= min
    high = max_bet_minor // step * step
    if low > high or not is_valid_bet(game, low):
        return []
    levels = {low, high}
    scale = 1
    while scale <= high:
        for mantissa in (1, 2, 5):
            value = mantissa * scale
            if low <= value <= high and value % step == 0:
                levels.add(value)
        scale *= 10
    ordered = sorted(v for v in levels if is_valid_bet(game, v))
    if len(ordered) <= CLIENT_BET_LEVELS_MAX:
        return ordered
    last = len(ordered) - 1
    picks = {round(i * last / (CLIENT_BET_LEVELS_MAX - 1)) for i in range(CLIENT_BET_LEVELS_MAX)}
    return [ordered[i] for i in sorted(picks)]
