"""The operator's word on the player: end a player's game sessions now, list the player's
rounds not settled yet, and answer what a token of an ended session asks.

A session ends in one of two ways (domain/session_end.py): the operator ends it
(`terminate_sessions`, the Main API's `/v4/user/terminate-session`), or the wallet refuses a
bet because the player may not play now (store/outbox.py ends it in the same commit as that
refusal). Either way only new bets are stopped: a round already under way finishes its
settlement as usual, its win or refund is still sent (docs/rounds.md), and
`open_rounds` shows where each stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from reelhouse.client.i18n import words_for
from reelhouse.domain.clock import format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import SESSION_IDLE_EXPIRY_SECONDS
from reelhouse.domain.money import currency, to_decimal
from reelhouse.domain.session_end import CODE_BY_END, SessionEnd, end_of_refusal
from reelhouse.domain.states import OPEN_ROUND_STATES, RoundState
from reelhouse.domain.wallet import RefusalReason
from reelhouse.games import catalogue
from reelhouse.services.operator_currencies import player_currency
from reelhouse.services.platform import Platform
from reelhouse.services.players import owned_player
from reelhouse.store.models import GameSession, Operator, Round

# The most rounds one answer lists (oldest first); `more` says when there are others. A
# player has at most one round on the wire at a time, so more than a handful open means
# calls parked for a person (docs/operations.md, the manual queue).
OPEN_ROUNDS_MAX = 500

# What an open round is waiting for, by its state (domain/states.py).
WAITING_FOR: dict[RoundState, str] = {
    RoundState.BET_PENDING: "bet",  # the bet's answer
    RoundState.DEBITED: "win",  # the win's acknowledgement (0 on a loss)
    RoundState.CANCELLING: "refund",  # the cancel's acknowledgement
}
assert set(WAITING_FOR) == OPEN_ROUND_STATES


_END_BY_VALUE = {reason.value: reason for reason in SessionEnd}


def player_message(code: ApiCode, lang: str) -> str:
    """What the player is told for `code`, in the session's language (client/i18n.py)."""
    return words_for(lang)[f"err_{int(code)}"]


def ended_error(game_session: GameSession) -> ReelhouseError:
    """The refusal of whatever a token of this ended session asks (a spin, the state): the
    code of its reason, with the player's message in the session's language. A session the
    back office closed has no reason: 3001, as an expired one."""
    reason = _END_BY_VALUE.get(game_session.end_reason or "")
    if reason is None:
        return ReelhouseError(ApiCode.SESSION_EXPIRED, "game session closed by the operator")
    code = CODE_BY_END[reason]
    return ReelhouseError(code, player_message(code, game_session.lang))


def refused_bet_error(refusal: RefusalReason | None, lang: str) -> ReelhouseError | None:
    """The answer to a spin whose bet the wallet refused because the player may not play
    now (its session is ended with it), or None for any other refusal."""
    reason = end_of_refusal(refusal)
    if reason is None:
        return None
    code = CODE_BY_END[reason]
    return ReelhouseError(code, player_message(code, lang))


def terminate_sessions(platform: Platform, operator_id: int, user_code: int) -> list[int]:
    """End every open game session of the player now; the ids (gplay_id) of those it ended,
    oldest first. A player with none open is not an error (a repeat ends nothing more): the
    answer is then empty. 2002 unknown player, 1010 another operator's; nothing changed."""
    now = platform.clock.now()
    # A session idle this long is over already (services/launch.py): not ended again.
    idle_since = to_naive_utc(now - dt.timedelta(seconds=SESSION_IDLE_EXPIRY_SECONDS))
    with platform.db.transaction() as session:
        player = owned_player(session, operator_id, user_code)
        open_sessions = session.scalars(
            select(GameSession)
            .where(
                GameSession.player_id == player.id,
                GameSession.closed_at_utc.is_(None),
                GameSession.last_activity_at_utc > idle_since,
            )
            .order_by(GameSession.started_at_utc, GameSession.id)
            .with_for_update()
        ).all()
        for game_session in open_sessions:
            game_session.closed_at_utc = to_naive_utc(now)
            game_session.end_reason = SessionEnd.TERMINATED.value
        return [game_session.id for game_session in open_sessions]


@dataclass(frozen=True)
class OpenRounds:
    items: list[dict[str, object]]
    more: bool  # more open rounds than OPEN_ROUNDS_MAX: the oldest are listed


def open_rounds(platform: Platform, operator_id: int, user_code: int) -> OpenRounds:
    """The player's rounds not settled yet (a bet, win or refund still owed), oldest first,
    each with its state and what it waits for. 2002 unknown player, 1010 another's."""
    with platform.db.transaction(read_only=True) as session:
        player = owned_player(session, operator_id, user_code)
        operator = session.get(Operator, operator_id)
        assert operator is not None
        cur = currency(player_currency(player, operator))  # a player plays in one currency
        rounds = session.scalars(
            # The (player_id, state) index reads only the player's open rounds.
            select(Round)
            .where(
                Round.player_id == player.id,
                Round.state.in_(sorted(state.value for state in OPEN_ROUND_STATES)),
            )
            .order_by(Round.created_at_utc, Round.id)
            .limit(OPEN_ROUNDS_MAX + 1)
        ).all()
    items: list[dict[str, object]] = []
    for round_ in rounds[:OPEN_ROUNDS_MAX]:
        state = RoundState(round_.state)
        amount: dict[str, Decimal] = {
            "bet": to_decimal(round_.bet_minor, cur),
            "win": to_decimal(round_.win_minor, cur),
        }
        items.append(
            {
                # Text, as in the transaction items: a 63-bit id JavaScript would round.
                "round_id": str(round_.id),
                "gplay_id": round_.session_id,
                "provider_id": round_.provider_id or catalogue.PROVIDER_ID,
                "game_code": round_.game_code,
                "state": state.value,
                "waiting_for": WAITING_FOR[state],
                **amount,
                "start_time": format_api_time(from_naive_utc(round_.created_at_utc)),
                "last_update": format_api_time(from_naive_utc(round_.updated_at_utc)),
            }
        )
    return OpenRounds(items, more=len(rounds) > OPEN_ROUNDS_MAX)
