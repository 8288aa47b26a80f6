"""What the game client sees of its session: the game, the player's money, the last round."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.money import currency, format_fixed
from reelhouse.domain.wallet import CommandKind, OutcomeKind, WalletCommand
from reelhouse.games import catalogue
from reelhouse.services.launch import active_session
from reelhouse.services.operators import wallet_endpoint
from reelhouse.services.platform import Platform
from reelhouse.services.rounds import unsettled_round_id
from reelhouse.store.models import Operator, Player, Round


def session_state(platform: Platform, session_token: str) -> dict[str, Any]:
    """The session's state; asks the wallet for the current balance (spec: `balance`
    during play) and falls back to the last one reported if the wallet does not answer."""
    with platform.db.transaction() as session:
        active = active_session(platform, session, session_token)
        operator, player, game_session = active.operator, active.player, active.session
        last_round = session.scalar(
            select(Round).where(Round.session_id == game_session.id).order_by(Round.id.desc())
        )
        unsettled = unsettled_round_id(session, player.id) is not None
        game_session.last_activity_at_utc = to_naive_utc(platform.clock.now())
    demo = game_session.demo_balance_minor is not None
    balance, reachable = (
        (game_session.demo_balance_minor, True)
        if demo
        else _wallet_balance(platform, operator, player)
    )
    cur = currency(operator.currency)
    game = catalogue.get_game(game_session.game_code)
    assert game is not None
    return {
        "session_id": game_session.id,
        "game": {
            "code": game.game_code,
            "name": game.name,
            "rtp_variant": game_session.rtp_variant,
        },
        "player": player.name,
        "currency": cur.code,
        "balance": format_fixed(balance, cur) if balance is not None else None,
        "wallet_reachable": reachable,
        "demo": demo,
        "min_bet": format_fixed(operator.min_bet_minor, cur),
        "max_bet": format_fixed(operator.max_bet_minor, cur),
        "bet_step": format_fixed(game.bet_step_minor, cur),
        "round_in_progress": unsettled,
        "return_url": game_session.return_url,
        "lang": game_session.lang,
        "last_round": _round_view(last_round, cur.code) if last_round else None,
    }


def _wallet_balance(
    platform: Platform, operator: Operator, player: Player
) -> tuple[int | None, bool]:
    """The wallet's current balance (spec: `balance` during play), remembered; the last one
    it reported when it does not answer."""
    outcome = platform.wallet.read(
        wallet_endpoint(platform, operator),
        WalletCommand(CommandKind.BALANCE, account=player.name, currency=operator.currency),
    )
    if outcome.kind is not OutcomeKind.APPLIED or outcome.balance_minor is None:
        return player.last_balance_minor, False
    with platform.db.transaction() as session:
        stored = session.get(Player, player.id)
        assert stored is not None
        stored.last_balance_minor = outcome.balance_minor
    return outcome.balance_minor, True


def _round_view(round_: Round, currency_code: str) -> dict[str, Any]:
    cur = currency(currency_code)
    return {
        "round_id": round_.id,
        "state": round_.state,
        "bet": format_fixed(round_.bet_minor, cur),
        "win": format_fixed(round_.win_minor, cur),
        "outcome": json.loads(round_.outcome_json),
    }
