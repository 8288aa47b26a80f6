"""The compensated-play watch: for each operator whose rounds open with one bet-and-win call
(an opt-in, `operators.single_call_rounds`), how often its wallet refused winning rounds
against losing ones, and whether the difference is too large for chance (domain/fairness.py).

Counted from the stored rows alone: every round opened with a `bet_win` call in the last
COMPENSATED_PLAY_WINDOW_DAYS whose fate is known. A refusal is the wallet's "no" or an answer
that left the call unknown (the round is cancelled either way); a round still in flight is
not counted. Rounds opened with a plain bet are never counted: their wallet answered before it
could know the win. Shown on /metrics (api/fairness_metrics.py) and in the back office.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, or_, select

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.fairness import (
    RefusalCounts,
    compensated_play_suspected,
    winning_refusal_p_value,
)
from reelhouse.domain.limits import COMPENSATED_PLAY_WINDOW_DAYS
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind
from reelhouse.services.platform import Platform
from reelhouse.store.db import Database
from reelhouse.store.models import Operator, Round, WalletCall

# The opening call's fate: taken, or not (refused, or unknown and so cancelled).
_DECIDED = (CallState.ACKED, CallState.REFUSED, CallState.UNKNOWN)
_NOT_TAKEN = (CallState.REFUSED, CallState.UNKNOWN)


@dataclass(frozen=True)
class OperatorRefusals:
    operator_id: int
    operator: str
    single_call_rounds: bool  # opted in now (rounds counted may predate a change)
    counts: RefusalCounts
    p_value: float
    suspected: bool

    window_days = COMPENSATED_PLAY_WINDOW_DAYS

    @property
    def winning_rate_percent(self) -> str:
        return _percent(self.counts.winning_refused, self.counts.winning)

    @property
    def losing_rate_percent(self) -> str:
        return _percent(self.counts.losing_refused, self.counts.losing)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}" if whole else "-"


def refusal_watch(
    db: Database, now: dt.datetime, operator_id: int | None = None
) -> list[OperatorRefusals]:
    """Every operator opted in now or with single-call rounds in the window (or only the one
    named), with its counts and verdict, by operator id. One grouped query."""
    since = to_naive_utc(now - dt.timedelta(days=COMPENSATED_PLAY_WINDOW_DAYS))
    won = case((Round.win_minor > 0, 1), else_=0)
    not_taken = case((WalletCall.state.in_([s.value for s in _NOT_TAKEN]), 1), else_=0)
    criteria: list[ColumnElement[bool]] = [
        WalletCall.kind == CommandKind.BET_WIN.value,
        WalletCall.state.in_([s.value for s in _DECIDED]),
        WalletCall.created_at_utc >= since,
    ]
    if operator_id is not None:
        criteria.append(WalletCall.operator_id == operator_id)
    query = (
        select(WalletCall.operator_id, won, not_taken, func.count())
        .join(Round, Round.id == WalletCall.round_id)
        .where(*criteria)
        .group_by(WalletCall.operator_id, won, not_taken)
    )
    with db.transaction(read_only=True) as session:
        tallies: dict[int, dict[tuple[int, int], int]] = {}
        for op_id, is_win, is_refused, count in session.execute(query):
            tallies.setdefault(op_id, {})[(int(is_win), int(is_refused))] = int(count)
        wanted = or_(Operator.single_call_rounds.is_(True), Operator.id.in_(list(tallies)))
        if operator_id is not None:
            wanted = Operator.id == operator_id
        operators = session.execute(
            select(Operator.id, Operator.name, Operator.single_call_rounds)
            .where(wanted)
            .order_by(Operator.id)
        ).all()
    return [
        _verdict(op_id, name, bool(opted_in), tallies.get(op_id, {}))
        for op_id, name, opted_in in operators
    ]


def _verdict(
    operator_id: int, name: str, opted_in: bool, tally: dict[tuple[int, int], int]
) -> OperatorRefusals:
    counts = RefusalCounts(
        winning=tally.get((1, 0), 0) + tally.get((1, 1), 0),
        winning_refused=tally.get((1, 1), 0),
        losing=tally.get((0, 0), 0) + tally.get((0, 1), 0),
        losing_refused=tally.get((0, 1), 0),
    )
    return OperatorRefusals(
        operator_id,
        name,
        opted_in,
        counts,
        winning_refusal_p_value(counts),
        compensated_play_suspected(counts),
    )


def operator_watch(platform: Platform, operator_id: int) -> OperatorRefusals | None:
    """One operator's figures for the back office; None if it is not opted in and has no
    single-call round in the window (there is nothing to watch)."""
    for found in refusal_watch(platform.db, platform.clock.now(), operator_id):
        if found.single_call_rounds or found.counts.rounds > 0:
            return found
    return None
