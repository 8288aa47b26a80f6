"""An operator's events: where they are pushed, the secret that signs them, the big-win
threshold, and the pull by cursor (docs/webhooks.md). Delivery itself is the worker's
(dispatch/events_delivery.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.events import (
    DEFAULT_ROTATION_OVERLAP_S,
    MAX_ROTATION_OVERLAP_S,
    PULL_MAX_LIMIT,
    SECRET_BYTES,
)
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.store import events
from reelhouse.store.models import EventStream, EventWebhook

INT64_MAX = 2**63 - 1


def _refuse(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


@dataclass(frozen=True)
class WebhookView:
    url: str  # "" = pull only
    delivered_sequence: int
    last_sequence: int
    failures: int
    last_error: str
    overlap_until: dt.datetime | None  # the previous secret still signs until then
    big_win_minor: int | None


def _webhook(session: Session, operator_id: int, now: dt.datetime) -> EventWebhook:
    """The operator's webhook row, locked; made (pull only, with a fresh secret) if missing.
    A new row starts delivery after the events that exist now: an operator that adds a URL
    hears what happens from then on (the pull has the past)."""
    row = session.scalar(
        select(EventWebhook).where(EventWebhook.operator_id == operator_id).with_for_update()
    )
    if row is None:
        row = EventWebhook(
            operator_id=operator_id,
            url="",
            secret_sealed="",  # set by the caller (every caller sets or rotates it)
            previous_secret_sealed=None,
            previous_until_utc=None,
            delivered_sequence=events.last_sequence(session, operator_id),
            failures=0,
            next_attempt_at_utc=to_naive_utc(now),
            lease_until_utc=None,
            last_error="",
            updated_at_utc=to_naive_utc(now),
        )
        session.add(row)
    return row


def set_url(platform: Platform, operator_name: str, url: str) -> str | None:
    """Push the operator's events to `url` ("" stops pushing: pull only). Returns the new
    signing secret when the operator had none (shown once), else None."""
    if url:
        if len(url) > 2048:
            raise _refuse("webhook URL longer than 2048 characters")
        operators.check_callback_url(platform, url)
    now = platform.clock.now()
    with platform.db.transaction() as session:
        operator = operators.find_by_name(session, operator_name)
        row = _webhook(session, operator.id, now)
        fresh = None
        if not row.secret_sealed:
            fresh = secrets.token_hex(SECRET_BYTES)
            row.secret_sealed = platform.sealer.seal(fresh)
        row.url = url
        row.failures = 0
        row.next_attempt_at_utc = to_naive_utc(now)
        row.updated_at_utc = to_naive_utc(now)
        return fresh


def rotate_secret(
    platform: Platform, operator_name: str, overlap_s: int = DEFAULT_ROTATION_OVERLAP_S
) -> str:
    """A new signing secret (returned once, never shown again). For `overlap_s` seconds the
    previous one signs beside it, so the operator can switch its receiver at any moment in
    that window."""
    if not 0 <= overlap_s <= MAX_ROTATION_OVERLAP_S:
        raise _refuse(f"overlap must be 0-{MAX_ROTATION_OVERLAP_S} seconds")
    now = platform.clock.now()
    fresh = secrets.token_hex(SECRET_BYTES)
    with platform.db.transaction() as session:
        operator = operators.find_by_name(session, operator_name)
        row = _webhook(session, operator.id, now)
        if row.secret_sealed and overlap_s:
            row.previous_secret_sealed = row.secret_sealed
            row.previous_until_utc = to_naive_utc(now + dt.timedelta(seconds=overlap_s))
        else:
            row.previous_secret_sealed = None
            row.previous_until_utc = None
        row.secret_sealed = platform.sealer.seal(fresh)
        row.updated_at_utc = to_naive_utc(now)
    return fresh


def set_big_win(platform: Platform, operator_name: str, threshold_minor: int | None) -> None:
    """A settled round winning at least `threshold_minor` is also a `round.big_win` event;
    None: no big-win events."""
    if threshold_minor is not None and not 1 <= threshold_minor <= MAX_AMOUNT_MINOR:
        raise _refuse(f"big-win threshold must be 1-{MAX_AMOUNT_MINOR} minor units")
    with platform.db.transaction() as session:
        operator = operators.find_by_name(session, operator_name)
        events.ensure_stream(session, operator.id)
        stream = session.get(EventStream, operator.id, with_for_update=True)
        assert stream is not None
        stream.big_win_minor = threshold_minor


def view(platform: Platform, operator_name: str) -> WebhookView:
    with platform.db.transaction(read_only=True) as session:
        operator = operators.find_by_name(session, operator_name)
        return view_in(session, operator.id, platform.clock.now())


def view_in(session: Session, operator_id: int, now: dt.datetime) -> WebhookView:
    """The operator's webhook as settings pages show it, in the caller's transaction."""
    row = session.get(EventWebhook, operator_id)
    stream = session.get(EventStream, operator_id)
    overlap = None
    if row is not None and row.previous_until_utc is not None:
        until = from_naive_utc(row.previous_until_utc)
        overlap = until if until > now else None
    return WebhookView(
        url=row.url if row else "",
        delivered_sequence=row.delivered_sequence if row else 0,
        last_sequence=stream.last_sequence if stream else 0,
        failures=row.failures if row else 0,
        last_error=row.last_error if row else "",
        overlap_until=overlap,
        big_win_minor=stream.big_win_minor if stream else None,
    )


def pull(platform: Platform, operator_id: int, after: int, limit: int) -> dict[str, Any]:
    """The operator's events after sequence `after`, in order, at most `limit` (1-500); 1012
    for a value out of range. `last_sequence` is the newest event's sequence: the caller has
    caught up when its cursor reaches it."""
    if not 0 <= after <= INT64_MAX:
        raise _refuse(f"after must be 0-{INT64_MAX}")
    if not 1 <= limit <= PULL_MAX_LIMIT:
        raise _refuse(f"limit must be 1-{PULL_MAX_LIMIT}")
    with platform.db.transaction(read_only=True) as session:
        rows = events.events_after(session, operator_id, after, limit)
        newest = events.last_sequence(session, operator_id)
        return {"events": [events.wire_form(row) for row in rows], "last_sequence": newest}
