"""Rounds whose cancel was answered "not found", and what the second cancel found.

A bet whose answer never came is cancelled. A wallet that answers that cancel "not found" may
still hold the bet and apply it afterwards: the player was told the bet was refunded, and the
money moved. Reelhouse sends a second cancel of the bet once the late-bet window is over
(store/outbox.py); this module lists those rounds, newest first, with where that second cancel
stands, for the back office page of the same name (docs/backoffice.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from reelhouse.domain.clock import from_naive_utc
from reelhouse.domain.limits import STUCK_LIST_MAX_ROWS
from reelhouse.domain.money import currency, format_fixed
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind, OutcomeKind
from reelhouse.services.operator_currencies import player_currency
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator, Player, WalletCall

# What the second cancel's state and answer mean for the round, in the page's words.
RECHECK_VERDICTS: dict[tuple[CallState, str], str] = {
    (CallState.ACKED, OutcomeKind.APPLIED.value): "the bet had landed late: reversed",
    (CallState.ACKED, OutcomeKind.ALREADY_APPLIED.value): "the bet had landed late: reversed",
    (CallState.ACKED, OutcomeKind.NOT_FOUND.value): "not found again: the bet never landed",
}
RECHECK_WAITING = {
    CallState.QUEUED: "waiting to be sent",
    CallState.IN_FLIGHT: "on the wire",
    CallState.MANUAL: "in the manual queue (Stuck calls)",
    CallState.RESOLVED: "resolved by hand",
}


def _recheck_verdict(recheck: WalletCall | None) -> str:
    if recheck is None:
        return "not sent: the round was cancelled before second cancels were sent"
    state = CallState(recheck.state)
    verdict = RECHECK_VERDICTS.get((state, recheck.last_outcome))
    if verdict is not None:
        return verdict
    waiting = RECHECK_WAITING.get(state, state.value)
    if recheck.attempts and state is CallState.QUEUED:
        return f"failed {recheck.attempts} time(s), retrying ({recheck.last_outcome})"
    return waiting


def not_found_cancels(
    platform: Platform, operator_id: int, limit: int = STUCK_LIST_MAX_ROWS
) -> list[dict[str, Any]]:
    """The operator's bets whose first cancel was answered "not found", newest first, each
    with its second cancel (due time, state, what it found)."""
    assert 0 < limit <= STUCK_LIST_MAX_ROWS
    with platform.db.transaction(read_only=True) as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        bets_found_absent = (
            select(WalletCall.cancel_of_id)
            .where(
                WalletCall.operator_id == operator_id,
                WalletCall.kind == CommandKind.CANCEL.value,
                WalletCall.last_outcome == OutcomeKind.NOT_FOUND.value,
            )
            .distinct()
        )
        cancels = session.scalars(
            select(WalletCall)
            .where(
                WalletCall.kind == CommandKind.CANCEL.value,
                WalletCall.cancel_of_id.in_(bets_found_absent),
            )
            .order_by(WalletCall.created_at_utc, WalletCall.id)
        ).all()
        by_bet: dict[int, list[WalletCall]] = {}
        for cancel in cancels:
            assert cancel.cancel_of_id is not None
            by_bet.setdefault(cancel.cancel_of_id, []).append(cancel)
        players = session.scalars(
            select(Player).where(Player.id.in_({c.player_id for c in cancels}))
        )
        # A bet's amount is in its player's currency (every real-money round of a player is).
        names, currencies = {}, {}
        for player in players:
            names[player.id] = player.name
            currencies[player.id] = currency(player_currency(player, operator))
    rows = []
    for bet_id, (first, *later) in by_bet.items():
        if first.last_outcome != OutcomeKind.NOT_FOUND.value:
            continue  # the first cancel found the bet; only a second one said "not found"
        recheck = later[0] if later else None
        cur = currencies[first.player_id]
        rows.append(
            {
                "round_id": first.round_id,
                "account": names.get(first.player_id, ""),
                "bet_trans_id": bet_id,
                "amount": format_fixed(first.amount_minor, cur),
                "currency": cur.code,
                "first_cancel_id": first.id,
                "first_answered_at": _shown(first.acked_at_utc),
                "recheck_id": recheck.id if recheck is not None else None,
                "recheck_due_at": _shown(recheck.next_attempt_at_utc) if recheck else "",
                "recheck_state": recheck.state if recheck is not None else "",
                "recheck_answer": recheck.last_outcome if recheck is not None else "",
                "verdict": _recheck_verdict(recheck),
            }
        )
    rows.sort(key=lambda row: (row["first_answered_at"], row["first_cancel_id"]), reverse=True)
    return rows[:limit]


def _shown(stamp: dt.datetime | None) -> str:
    return from_naive_utc(stamp).strftime("%Y-%m-%d %H:%M:%S UTC") if stamp else ""
