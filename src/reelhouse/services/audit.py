"""The audit log: every administrative action on money state, written in the same unit of
work as the action, so an action without its audit row (or the reverse) cannot exist."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import (
    AUDIT_ACTOR_MAX_CHARS,
    AUDIT_REASON_MAX_CHARS,
    STUCK_LIST_MAX_ROWS,
)
from reelhouse.services.platform import Platform
from reelhouse.store.models import AuditEntry


@dataclass(frozen=True)
class Accountable:
    """Who acts and why, checked before anything is touched."""

    actor: str
    reason: str

    @classmethod
    def checked(cls, actor: str | None, reason: str | None) -> Accountable:
        actor_text = (actor or "").strip()
        reason_text = (reason or "").strip()
        if not 0 < len(actor_text) <= AUDIT_ACTOR_MAX_CHARS:
            raise ReelhouseError(
                ApiCode.PARAMETERS_INVALID, f"who acts is required (1-{AUDIT_ACTOR_MAX_CHARS})"
            )
        if not 0 < len(reason_text) <= AUDIT_REASON_MAX_CHARS:
            raise ReelhouseError(
                ApiCode.PARAMETERS_INVALID,
                f"a written reason is required (1-{AUDIT_REASON_MAX_CHARS} characters)",
            )
        return cls(actor_text, reason_text)


@dataclass(frozen=True)
class Change:
    """What an action did to its target."""

    action: str
    target_type: str
    target_id: int
    before_state: str
    after_state: str
    detail: dict[str, Any]


def record(session: Session, who: Accountable, change: Change, at: dt.datetime) -> AuditEntry:
    """Append one audit row inside the caller's unit of work."""
    entry = AuditEntry(
        at_utc=to_naive_utc(at),
        actor=who.actor,
        action=change.action,
        target_type=change.target_type,
        target_id=change.target_id,
        reason=who.reason,
        before_state=change.before_state,
        after_state=change.after_state,
        detail=json.dumps(change.detail, sort_keys=True, separators=(",", ":")),
    )
    session.add(entry)
    return entry


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": from_naive_utc(entry.at_utc).isoformat().replace("+00:00", "Z"),
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "before_state": entry.before_state,
        "after_state": entry.after_state,
        "detail": json.loads(entry.detail) if entry.detail else {},
    }


def recent(
    platform: Platform, *, target_id: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Newest first; optionally only the rows about one target."""
    if not 0 < limit <= STUCK_LIST_MAX_ROWS:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, f"limit must be 1-{STUCK_LIST_MAX_ROWS}")
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    with platform.db.transaction() as session:
        return [entry_view(entry) for entry in session.scalars(query)]
