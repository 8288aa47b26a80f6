"""The responsible-gaming audit: what a regulator asks an operator to show about a session.

One row (`rg_audit`) for each spin refused by a jurisdiction rule, a session limit or the
compulsory break after a reality check (3011-3018, 3024, 3030), each reality check shown
and answered, and each limit a session reached, with its session (and round, where there
is one). A fact that changes the session (a check shown or answered, a limit first
reached) is written in the same transaction as that change, with its operator event
(domain/events.py). A refusal changes nothing, so its row is written just after the
refused spin's transaction was rolled back: the one write a refusal makes, as the API
error log's (docs/security.md, "Bad input").

Exported per operator and period as CSV or JSON lines (`reelhouse audit export`)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.events import EventKind
from reelhouse.domain.limits import (
    RG_AUDIT_EXPORT_BATCH_ROWS,
    RG_AUDIT_EXPORT_MAX_DAYS,
    RG_AUDIT_PAGE_MAX_ROWS,
)
from reelhouse.domain.states import NOT_PLAYED_ROUND_STATES
from reelhouse.services import session_rules
from reelhouse.services.platform import Platform
from reelhouse.store import events
from reelhouse.store.models import GameSession, RgAuditEntry, Round


class Kind(StrEnum):
    REFUSAL = "refusal"  # a spin refused by a market rule or a session limit (`code`)
    REALITY_CHECK_SHOWN = "reality_check.shown"
    REALITY_CHECK_CONTINUE = "reality_check.continue"
    REALITY_CHECK_STOP = "reality_check.stop"
    LIMIT_REACHED = "limit.reached"


FORMATS = ("csv", "jsonl")
COLUMNS = (
    "id",
    "at",
    "operator_id",
    "user_code",
    "session_id",
    "round_id",
    "jurisdiction",
    "kind",
    "code",
    "detail",
)


@dataclass(frozen=True)
class SessionFacts:
    """Where a session stands, as a reality check shows it."""

    elapsed_seconds: int
    net_minor: int
    rounds_played: int
    last_round_id: int | None

    def detail(self) -> dict[str, Any]:
        return {
            "elapsed_seconds": self.elapsed_seconds,
            "net_minor": self.net_minor,
            "rounds_played": self.rounds_played,
        }


def session_facts(
    session: Session, game_session: GameSession, unit: int, now: dt.datetime
) -> SessionFacts:
    """The session's time played, net position and played rounds (one statement: read
    when a check is shown or answered, never by a spin)."""
    count, last = session.execute(
        select(func.count(Round.id), func.max(Round.id)).where(
            Round.session_id == game_session.id,
            Round.state.not_in([state.value for state in NOT_PLAYED_ROUND_STATES]),
        )
    ).one()
    return SessionFacts(
        session_rules.elapsed_seconds(game_session, now),
        session_rules.net_minor(game_session, unit),
        int(count or 0),
        int(last) if last is not None else None,
    )


@dataclass(frozen=True)
class Subject:
    """The session a row is about."""

    operator_id: int
    player_id: int
    session_id: int
    jurisdiction: str

    @classmethod
    def of(cls, game_session: GameSession) -> Subject:
        return cls(
            game_session.operator_id,
            game_session.player_id,
            game_session.id,
            game_session.jurisdiction,
        )


class Refusal(ReelhouseError):
    """A spin refused by a market rule or a session limit, with the session it was refused
    in: audited once the refused transaction is rolled back (`record_refusal`)."""

    def __init__(self, refused: ReelhouseError, game_session: GameSession, stake_minor: int):
        super().__init__(refused.code, refused.message, refused.data)
        self.subject = Subject.of(game_session)
        self.game_code = game_session.game_code
        self.demo = game_session.demo_balance_minor is not None
        self.stake_minor = stake_minor


def _row(
    session: Session,
    subject: Subject,
    kind: Kind,
    at: dt.datetime,
    detail: dict[str, Any],
    *,
    code: int | None = None,
    round_id: int | None = None,
) -> None:
    session.add(
        RgAuditEntry(
            at_utc=to_naive_utc(at),
            operator_id=subject.operator_id,
            player_id=subject.player_id,
            session_id=subject.session_id,
            round_id=round_id,
            jurisdiction=subject.jurisdiction,
            kind=kind.value,
            code=code,
            detail=json.dumps(detail, sort_keys=True, separators=(",", ":")),
        )
    )


def record(
    session: Session,
    game_session: GameSession,
    kind: Kind,
    facts: SessionFacts,
    currency_code: str,
    now: dt.datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    """A reality check shown or answered, in the caller's transaction, with its event.
    `currency_code` is the session's (its `net_minor` is in it), which the caller holds."""
    detail = facts.detail() | (extra or {})
    _row(session, Subject.of(game_session), kind, now, detail, round_id=facts.last_round_id)
    if game_session.demo_balance_minor is not None:
        return  # fun money: audited, but the operator hears of no money (as for rounds)
    data = {
        "session_id": game_session.id,
        "user_code": game_session.player_id,
        "game_code": game_session.game_code,
        "action": kind.value.removeprefix("reality_check."),
        "currency": currency_code,
    } | facts.detail()
    events.stage(session, game_session.operator_id, EventKind.REALITY_CHECK, data, now)


def record_refusal(platform: Platform, refusal: Refusal) -> None:
    """The refused spin's audit row; for a limit's refusal, the first one of the session
    also marks the limit reached (row and event) in the same transaction."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        subject = refusal.subject
        detail = {"message": refusal.message, "stake_minor": refusal.stake_minor}
        _row(session, subject, Kind.REFUSAL, now, detail, code=refusal.code.value)
        limit = session_rules.LIMIT_OF_CODE.get(refusal.code)
        if limit is None:
            return
        # Only the first refusal at a limit marks it: the condition in the UPDATE decides
        # between two refusals racing, so the operator hears of it once.
        marked = session.execute(
            update(GameSession)
            .where(GameSession.id == subject.session_id, GameSession.limit_reached.is_(None))
            .values(limit_reached=limit)
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            return
        _row(session, subject, Kind.LIMIT_REACHED, now, {"limit": limit})
        if not refusal.demo:
            data = {
                "session_id": subject.session_id,
                "user_code": subject.player_id,
                "game_code": refusal.game_code,
                "limit": limit,
            }
            events.stage(session, subject.operator_id, EventKind.LIMIT_REACHED, data, now)


# --- reading and exporting -------------------------------------------------------------


def entry_view(entry: RgAuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": from_naive_utc(entry.at_utc).isoformat().replace("+00:00", "Z"),
        "operator_id": entry.operator_id,
        "user_code": entry.player_id,
        "session_id": entry.session_id,
        "round_id": entry.round_id,
        "jurisdiction": entry.jurisdiction,
        "kind": entry.kind,
        "code": entry.code,
        "detail": json.loads(entry.detail) if entry.detail else {},
    }


def check_period(since: dt.datetime, until: dt.datetime) -> None:
    if until <= since:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "until must be after since")
    if until - since > dt.timedelta(days=RG_AUDIT_EXPORT_MAX_DAYS):
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, f"at most {RG_AUDIT_EXPORT_MAX_DAYS} days per export"
        )


def entries(
    platform: Platform,
    operator_id: int,
    since: dt.datetime,
    until: dt.datetime,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The operator's rows in [since, until), oldest first, read in batches (a short
    transaction each, so an export holds no transaction open while it writes)."""
    check_period(since, until)
    if limit is not None and not 0 < limit <= RG_AUDIT_PAGE_MAX_ROWS:
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, f"limit must be 1-{RG_AUDIT_PAGE_MAX_ROWS}"
        )
    left = limit
    while left is None or left > 0:
        batch = RG_AUDIT_EXPORT_BATCH_ROWS
        if left is not None:
            batch = min(left, batch)
        query = (
            select(RgAuditEntry)
            .where(
                RgAuditEntry.operator_id == operator_id,
                RgAuditEntry.at_utc >= to_naive_utc(since),
                RgAuditEntry.at_utc < to_naive_utc(until),
                RgAuditEntry.id > after_id,
            )
            .order_by(RgAuditEntry.id)
            .limit(batch)
        )
        with platform.db.transaction() as session:
            rows = [entry_view(entry) for entry in session.scalars(query)]
        yield from rows
        if len(rows) < batch:
            return
        after_id = rows[-1]["id"]
        if left is not None:
            left -= len(rows)


def write_export(rows: Iterator[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write the rows as CSV (a header, `detail` as JSON text) or JSON lines; how many."""
    if fmt not in FORMATS:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, f"format must be one of {FORMATS}")
    written = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    for row in rows:
        if writer is not None:
            detail = json.dumps(row["detail"], sort_keys=True, separators=(",", ":"))
            writer.writerow([row[c] if c != "detail" else detail for c in COLUMNS])
        else:
            out.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
        written += 1
    return written
