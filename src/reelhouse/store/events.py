"""Operator events written in the transaction of the change that causes them.

A change stages its events on the session (`stage`); they are written just before that
transaction commits, in the same transaction, so an event exists if and only if its change
committed. Writing them takes the sequence: one `UPDATE event_streams ... RETURNING` per
operator moves the operator's counter on by the number of events, then one INSERT writes
them. The counter row stays locked until the commit, so the next writer of the same
operator waits and continues after it: the sequence has no gap and is visible in order. The
counter is locked last in every transaction (staged events are written at the commit, an
operator at a time in id order), so two writers never wait on each other's counters.

Cost per settled round: those two statements (docs/performance.md, "Events").

Every event with an amount names its currency (`currency`, the ISO code or the crypto code
the operator uses), so an operator offering several can read it. A round's is on the round
row (rounds.currency, written in its own INSERT): its settlement, where `round.settled` is
staged, already holds that row, so naming the currency costs no statement. The other ways
were dearer: the session and operator rows are held on the spin's own settlement, but not
by the worker settling a retried call, which would read them again; a join at the event's
INSERT would make that statement a read as well. Rounds from before migration 0022 have no
currency of their own and are read from their player (`round_currency`), a look-up by
primary key only they pay.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from reelhouse.domain.clock import format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.events import (
    FINISHED_CANCELLED,
    FINISHED_EXPIRED,
    FINISHED_USED_UP,
    EventKind,
)
from reelhouse.domain.states import RoundState
from reelhouse.store.models import (
    EventStream,
    FreeRoundGrant,
    Operator,
    OperatorEvent,
    Player,
    Round,
    WalletCall,
    player_currency,
)

_STAGED = "reelhouse.staged_events"

_ROUND_EVENT = {
    RoundState.SETTLED.value: EventKind.ROUND_SETTLED,
    RoundState.CANCELLED.value: EventKind.ROUND_CANCELLED,
}


@dataclass(frozen=True, slots=True)
class Staged:
    operator_id: int
    kind: EventKind
    data: dict[str, Any]
    at: dt.datetime  # aware UTC


def stage(
    session: Session, operator_id: int, kind: EventKind, data: dict[str, Any], now: dt.datetime
) -> None:
    """An event of this transaction, written at its commit (or dropped with its rollback)."""
    session.info.setdefault(_STAGED, []).append(Staged(operator_id, kind, data, now))


def player_currency_of(session: Session, player_id: int, operator_id: int) -> str:
    """The currency a player plays in: its own, fixed by its first real-money launch or
    free-round grant and never changed after; the operator's first for a player with none
    (services/operator_currencies.player_currency). Two look-ups by primary key, none for
    rows this transaction holds already."""
    player = session.get(Player, player_id)
    operator = session.get(Operator, operator_id)
    assert player is not None and operator is not None
    return player_currency(player, operator)


def round_currency(session: Session, round_: Round) -> str:
    """The currency of a round's amounts: its own (migration 0022), else its player's."""
    if round_.currency is not None:
        return round_.currency
    return player_currency_of(session, round_.player_id, round_.operator_id)


def round_finished(session: Session, round_: Round, now: dt.datetime) -> None:
    """A round that became settled or cancelled (demo rounds move no money: no event)."""
    kind = _ROUND_EVENT.get(round_.state)
    if kind is None or round_.demo:
        return
    data = {
        "round_id": round_.id,
        "user_code": round_.player_id,
        "game_code": round_.game_code,
        "currency": round_currency(session, round_),
        "bet_minor": round_.bet_minor,
        "win_minor": round_.win_minor,
        "free_round_id": round_.free_round_id,
    }
    stage(session, round_.operator_id, kind, data, now)


def call_parked(session: Session, call: WalletCall, round_: Round, now: dt.datetime) -> None:
    """A call that ran out of retries; `round_` is its round, which its record holds."""
    data = {
        "trans_id": call.id,
        "round_id": call.round_id,
        "user_code": call.player_id,
        "kind": call.kind,
        "currency": round_currency(session, round_),
        "amount_minor": call.amount_minor,
        "attempts": call.attempts,
        "last_outcome": call.last_outcome,
    }
    stage(session, call.operator_id, EventKind.CALL_PARKED, data, now)


def grant_finished(
    session: Session, grant: FreeRoundGrant, reason: str, currency: str, now: dt.datetime
) -> None:
    """A grant that is over. `currency` is its player's (the grant fixed it): a spin taking
    the last round knows it; a cancel or an expiry reads it (`player_currency_of`)."""
    assert reason in (FINISHED_USED_UP, FINISHED_EXPIRED, FINISHED_CANCELLED), reason
    data = {
        "fr_id": grant.id,
        "external_id": grant.external_id,
        "user_code": grant.player_id,
        "game_code": grant.game_code,
        "reason": reason,
        "currency": currency,
        "rounds_used": grant.rounds_used,
        "rounds_total": grant.rounds_total,
        "won_minor": grant.won_minor,
    }
    stage(session, grant.operator_id, EventKind.FREE_ROUNDS_FINISHED, data, now)


@event.listens_for(Session, "before_commit")
def _write_staged(session: Session) -> None:
    staged: list[Staged] | None = session.info.pop(_STAGED, None)
    if not staged:
        return
    # An operator at a time in id order: every writer locks counters in the same order.
    ordered = sorted(staged, key=lambda item: item.operator_id)  # stable: keeps their order
    for operator_id, items in groupby(ordered, key=lambda item: item.operator_id):
        _write(session, operator_id, list(items))


@event.listens_for(Session, "after_soft_rollback")
def _drop_staged(session: Session, _previous: SessionTransaction) -> None:
    """A rolled-back transaction's events go with it. Reelhouse uses no savepoints: one rolled
    back would drop its whole transaction's staged events here."""
    session.info.pop(_STAGED, None)


def _take(session: Session, operator_id: int, count: int) -> tuple[int, int | None] | None:
    """Move the counter on by `count`: the last sequence taken and the big-win threshold."""
    row = session.execute(
        update(EventStream)
        .where(EventStream.operator_id == operator_id)
        .values(last_sequence=EventStream.last_sequence + count)
        .returning(EventStream.last_sequence, EventStream.big_win_minor)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    return None if row is None else (int(row[0]), row[1])


def ensure_stream(session: Session, operator_id: int) -> None:
    """The operator's counter row, made on its first event (or setting) if missing. Two
    first events at once both try: the loser's insert does nothing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(EventStream)
        .values(operator_id=operator_id, last_sequence=0, big_win_minor=None)
        .on_conflict_do_nothing()
    )


def _write(session: Session, operator_id: int, items: list[Staged]) -> None:
    taken = _take(session, operator_id, len(items))
    if taken is None:
        ensure_stream(session, operator_id)
        taken = _take(session, operator_id, len(items))
        assert taken is not None
    last, threshold = taken
    events: list[tuple[Staged, EventKind, dict[str, Any]]] = []
    for item in items:
        events.append((item, item.kind, item.data))
        if item.kind is EventKind.ROUND_SETTLED and _is_big(item.data, threshold):
            events.append((item, EventKind.BIG_WIN, {**item.data, "threshold_minor": threshold}))
    extra = len(events) - len(items)
    if extra:
        # Rare (a big win): a second move of the counter this transaction already holds.
        taken = _take(session, operator_id, extra)
        assert taken is not None
        last = taken[0]
    first = last - len(events) + 1
    session.execute(
        insert(OperatorEvent),
        [
            {
                "operator_id": operator_id,
                "sequence": first + offset,
                "kind": kind.value,
                "payload_json": json.dumps(data, separators=(",", ":")),
                "created_at_utc": to_naive_utc(item.at),
            }
            for offset, (item, kind, data) in enumerate(events)
        ],
    )


def _is_big(data: dict[str, Any], threshold: int | None) -> bool:
    return threshold is not None and int(data["win_minor"]) >= threshold


def wire_form(row: OperatorEvent) -> dict[str, Any]:
    """An event as the webhook and the pull show it (docs/webhooks.md)."""
    return {
        "sequence": row.sequence,
        "kind": row.kind,
        "created_at": format_api_time(from_naive_utc(row.created_at_utc)),
        "data": json.loads(row.payload_json),
    }


def events_after(
    session: Session, operator_id: int, after: int, limit: int
) -> Sequence[OperatorEvent]:
    """The operator's events with a sequence above `after`, in order, at most `limit`."""
    return session.scalars(
        select(OperatorEvent)
        .where(OperatorEvent.operator_id == operator_id, OperatorEvent.sequence > after)
        .order_by(OperatorEvent.sequence)
        .limit(limit)
    ).all()


def last_sequence(session: Session, operator_id: int) -> int:
    return int(
        session.scalar(
            select(EventStream.last_sequence).where(EventStream.operator_id == operator_id)
        )
        or 0
    )


def purge_before(session: Session, cutoff: dt.datetime, limit: int) -> int:
    """Delete at most `limit` events created before `cutoff`, oldest first; how many went."""
    doomed = (
        select(OperatorEvent.operator_id, OperatorEvent.sequence)
        .where(OperatorEvent.created_at_utc < to_naive_utc(cutoff))
        .order_by(OperatorEvent.created_at_utc)
        .limit(limit)
    )
    keys = [tuple(row) for row in session.execute(doomed)]
    for operator_id, sequences in groupby(keys, key=lambda key: key[0]):
        session.execute(
            delete(OperatorEvent).where(
                OperatorEvent.operator_id == operator_id,
                OperatorEvent.sequence.in_([seq for _, seq in sequences]),
            )
        )
    return len(keys)
