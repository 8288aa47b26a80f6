"""The manual queue: wallet calls (wins and cancels) that outlived their retry window.

A person looks at each one and either forces a retry (the call is queued again, due now) or
resolves it with a written reason (the call is closed and its round made terminal). Each
action and its audit row are one unit of work. Nothing here sends a callback: a forced retry
is sent by the worker, like any queued call, one call per player at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import STUCK_LIST_MAX_ROWS
from reelhouse.domain.money import currency, format_fixed
from reelhouse.domain.shown_detail import shown_detail
from reelhouse.domain.states import CallState, RoundState, check_call_move, check_round_move
from reelhouse.domain.wallet import CommandKind
from reelhouse.services import audit, operators
from reelhouse.services.operator_currencies import player_currency
from reelhouse.services.platform import Platform
from reelhouse.store import events
from reelhouse.store.models import Operator, Player, Round, WalletCall

log = logging.getLogger("reelhouse.stuck_calls")

TARGET_TYPE = "wallet_call"
ACTION_RETRY = "stuck_call.retry"
ACTION_RESOLVE = "stuck_call.resolve"

# Where a resolved call leaves its round: the round ends as the call would have ended it.
# A win resolved by hand means "settled by hand" (the player was paid outside the retries),
# so debited -> settled; a cancel resolved by hand means the bet is known to be reversed or
# never taken, so cancelling -> cancelled. Both moves are in domain.states.ROUND_MOVES
# already; bets never reach the manual queue (a bet is never retried).
ROUND_AFTER_RESOLVE: dict[CommandKind, RoundState] = {
    CommandKind.WIN: RoundState.SETTLED,
    CommandKind.CANCEL: RoundState.CANCELLED,
}


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return from_naive_utc(moment).isoformat().replace("+00:00", "Z")


def _view(
    call: WalletCall, operator: Operator, player: Player, round_: Round, now: dt.datetime
) -> dict[str, Any]:
    # A call's amount is in its player's currency (every real-money round of a player is).
    cur = currency(player_currency(player, operator))
    age = now - from_naive_utc(call.created_at_utc)
    return {
        "trans_id": call.id,
        "trans_guid": str(call.id),
        "operator": operator.name,
        "operator_id": operator.id,
        "account": player.name,
        "user_code": player.id,
        "round_id": round_.id,
        "round_state": round_.state,
        "kind": call.kind,
        "state": call.state,
        "amount": format_fixed(call.amount_minor, cur),
        "currency": cur.code,
        "attempts": call.attempts,
        "created_at": _iso(call.created_at_utc),
        "updated_at": _iso(call.updated_at_utc),
        "next_attempt_at": _iso(call.next_attempt_at_utc),
        "age_seconds": int(age.total_seconds()),
        "last_outcome": call.last_outcome,
        "last_detail": shown_detail(call.last_detail),  # never the wallet's bytes
    }


def _views(
    session: Session,
    now: dt.datetime,
    *criteria: ColumnElement[bool],
    limit: int = STUCK_LIST_MAX_ROWS,
) -> list[dict[str, Any]]:
    query = (
        select(WalletCall, Operator, Player, Round)
        .join(Operator, Operator.id == WalletCall.operator_id)
        .join(Player, Player.id == WalletCall.player_id)
        .join(Round, Round.id == WalletCall.round_id)
        .where(*criteria)
        .order_by(WalletCall.created_at_utc, WalletCall.id)
        .limit(limit)
    )
    return [
        _view(call, op, player, round_, now) for call, op, player, round_ in session.execute(query)
    ]


def list_stuck(
    platform: Platform,
    *,
    operator: str | None = None,
    min_age: dt.timedelta | None = None,
    limit: int = STUCK_LIST_MAX_ROWS,
) -> list[dict[str, Any]]:
    """Calls in the manual queue, oldest first; `min_age` keeps calls at least that old."""
    if not 0 < limit <= STUCK_LIST_MAX_ROWS:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, f"limit must be 1-{STUCK_LIST_MAX_ROWS}")
    if min_age is not None and min_age < dt.timedelta(0):
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "age must not be negative")
    now = platform.clock.now()
    criteria = [WalletCall.state == CallState.MANUAL.value]
    if min_age is not None:
        criteria.append(WalletCall.created_at_utc <= to_naive_utc(now - min_age))
    with platform.db.transaction() as session:
        if operator is not None:
            operator_id = operators.find_by_name(session, operator).id
            criteria.append(WalletCall.operator_id == operator_id)
        return _views(session, now, *criteria, limit=limit)


def _lock_manual(session: Session, call_id: int) -> WalletCall:
    """The call, locked, if it is in the manual queue; a typed refusal otherwise."""
    call = session.scalar(select(WalletCall).where(WalletCall.id == call_id).with_for_update())
    if call is None:
        raise ReelhouseError(ApiCode.RESOURCE_NOT_FOUND, f"no wallet call {call_id}")
    if call.state != CallState.MANUAL.value:
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, f"call {call_id} is {call.state}, not in the manual queue"
        )
    return call


def _view_of(session: Session, call: WalletCall, now: dt.datetime) -> dict[str, Any]:
    (view,) = _views(session, now, WalletCall.id == call.id)
    return view


def retry(platform: Platform, call_id: int, who: audit.Accountable) -> dict[str, Any]:
    """manual -> queued, due now. The worker then sends it with the same id and body. Its
    retry window is over, so a failed attempt puts it straight back in the manual queue."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        call = _lock_manual(session, call_id)
        before = call.state
        call.state = check_call_move(CallState(call.state), CallState.QUEUED).value
        call.next_attempt_at_utc = to_naive_utc(now)
        call.lease_until_utc = None
        call.updated_at_utc = to_naive_utc(now)
        change = audit.Change(
            ACTION_RETRY,
            TARGET_TYPE,
            call.id,
            before,
            call.state,
            {"round_id": call.round_id, "kind": call.kind, "attempts": call.attempts},
        )
        audit.record(session, who, change, now)
        log.info(
            "stuck call queued again",
            extra={"round_id": call.round_id, "trans_id": call.id, "actor": who.actor},
        )
        return _view_of(session, call, now)


def resolve(platform: Platform, call_id: int, who: audit.Accountable) -> dict[str, Any]:
    """manual -> resolved, and its round becomes terminal (see ROUND_AFTER_RESOLVE)."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        call = _lock_manual(session, call_id)
        round_ = session.scalar(select(Round).where(Round.id == call.round_id).with_for_update())
        assert round_ is not None, f"call {call.id} has no round"
        kind = CommandKind(call.kind)
        assert kind in ROUND_AFTER_RESOLVE, f"a {kind} call cannot be in the manual queue"
        round_before = round_.state
        # An illegal move here means the round and its call disagree: a bug, not a refusal.
        target = check_round_move(RoundState(round_.state), ROUND_AFTER_RESOLVE[kind])
        before = call.state
        call.state = check_call_move(CallState(call.state), CallState.RESOLVED).value
        call.lease_until_utc = None
        call.updated_at_utc = to_naive_utc(now)
        round_.state = target.value
        round_.updated_at_utc = to_naive_utc(now)
        events.round_finished(session, round_, now)  # the operator hears it settled or not
        detail = {
            "round_id": round_.id,
            "round_before": round_before,
            "round_after": round_.state,
            "kind": call.kind,
            "amount_minor": call.amount_minor,
            "attempts": call.attempts,
            "last_outcome": call.last_outcome,
        }
        audit.record(
            session,
            who,
            audit.Change(ACTION_RESOLVE, TARGET_TYPE, call.id, before, call.state, detail),
            now,
        )
        log.info(
            "stuck call resolved by hand",
            extra={"round_id": round_.id, "trans_id": call.id, "actor": who.actor},
        )
        return _view_of(session, call, now)
