"""Two short histories per operator for the back office: the last "Test callback" results
(when, URL, outcome, latency, who) and the last refused Main API calls (when, endpoint,
code, message).

Both are rings: each write trims its operator's rows beyond the ring, at most a bounded
batch per write, so no write pays for a large purge. Only refusals are logged: a successful
call (a spin, a feed read) writes nothing here. Refusals are also bounded in rate per
operator and process (domain/limits.py), so a client hammering with bad calls costs a few
writes a second, not one per call.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import (
    API_ERROR_LOG_ROWS,
    API_ERROR_LOG_WRITES_PER_SECOND,
    API_ERROR_MESSAGE_MAX_CHARS,
    API_ERROR_PURGE_BATCH,
    CALLBACK_TEST_HISTORY_ROWS,
)
from reelhouse.services.backoffice_settings import Probe
from reelhouse.services.platform import Platform
from reelhouse.store.models import ApiErrorEntry, CallbackTestEntry

log = logging.getLogger("reelhouse.api")

Ring = type[ApiErrorEntry] | type[CallbackTestEntry]
# The widths of the columns text is cut to.
ENDPOINT_MAX_CHARS = 64
DETAIL_MAX_CHARS = 300
ACTOR_MAX_CHARS = 64
# Who ran a test through `/v4/agent/callback-test` (the back office's are by e-mail).
MAIN_API_ACTOR = "Main API"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _trim(session: Session, model: Ring, operator_id: int, keep: int) -> None:
    """Delete up to API_ERROR_PURGE_BATCH of the operator's oldest rows beyond the newest
    `keep` (ids grow with time, domain/ids.py). Both statements walk the operator's index
    entries only: at most `keep` of them, plus the batch."""
    cutoff = session.scalar(
        select(model.id)
        .where(model.operator_id == operator_id)
        .order_by(model.id.desc())
        .offset(keep)
        .limit(1)
    )
    if cutoff is None:
        return
    oldest = (
        select(model.id)
        .where(model.operator_id == operator_id, model.id <= cutoff)
        .order_by(model.id)
        .limit(API_ERROR_PURGE_BATCH)
    )
    session.execute(delete(model).where(model.id.in_(oldest)))


# --- callback tests ---------------------------------------------------------------------


def record_callback_test(
    platform: Platform,
    operator_id: int,
    probe: Probe,
    actor: str,
    keep: int = CALLBACK_TEST_HISTORY_ROWS,
) -> None:
    """Keep one test's result (never the wallet's bytes: `detail` is Reelhouse's reading)."""
    with platform.db.transaction() as session:
        session.add(
            CallbackTestEntry(
                id=new_id(),
                operator_id=operator_id,
                at_utc=to_naive_utc(platform.clock.now()),
                url=probe.url,
                reachable=probe.reachable,
                outcome=probe.outcome,
                detail=_cut(probe.detail, DETAIL_MAX_CHARS),
                latency_ms=probe.latency_ms,
                actor=_cut(actor, ACTOR_MAX_CHARS),
            )
        )
        session.flush()
        _trim(session, CallbackTestEntry, operator_id, keep)


def callback_tests(platform: Platform, operator_id: int) -> list[dict[str, Any]]:
    """The operator's kept tests, newest first."""
    query = (
        select(CallbackTestEntry)
        .where(CallbackTestEntry.operator_id == operator_id)
        .order_by(CallbackTestEntry.id.desc())
        .limit(CALLBACK_TEST_HISTORY_ROWS)
    )
    with platform.db.transaction(read_only=True) as session:
        return [
            {
                "at": format_api_time(from_naive_utc(row.at_utc)),
                "url": row.url,
                "reachable": row.reachable,
                "outcome": row.outcome,
                "detail": row.detail,
                "latency_ms": row.latency_ms,
                "actor": row.actor,
            }
            for row in session.scalars(query)
        ]


# --- refused Main API calls -------------------------------------------------------------


class ApiErrorLog:
    """Writes refused Main API calls to the operator's ring, at most
    API_ERROR_LOG_WRITES_PER_SECOND per operator and (clock) second in this process."""

    def __init__(
        self,
        platform: Platform,
        per_second: int = API_ERROR_LOG_WRITES_PER_SECOND,
        keep: int = API_ERROR_LOG_ROWS,
    ) -> None:
        self._platform = platform
        self._per_second = per_second
        self._keep = keep
        self._lock = threading.Lock()
        # operator id -> (the second counted, refusals written in it, refusals skipped)
        self._window: dict[int, tuple[int, int, int]] = {}

    def _admit(self, operator_id: int, now: dt.datetime) -> bool:
        second = int(now.timestamp())
        with self._lock:
            at, written, skipped = self._window.get(operator_id, (second, 0, 0))
            if at != second:
                if skipped:
                    log.warning(
                        "API error log: %d refusals of operator %d not stored (above %d/s)",
                        skipped,
                        operator_id,
                        self._per_second,
                    )
                at, written, skipped = second, 0, 0
            admitted = written < self._per_second
            self._window[operator_id] = (
                at,
                written + admitted,
                skipped + (not admitted),
            )
            # Operators seen once stay keyed: their number is the number of accounts.
            return admitted

    def record(self, operator_id: int, endpoint: str, code: int, message: str) -> bool:
        """Write one refusal; whether it was stored (not when above the rate)."""
        now = self._platform.clock.now()
        if not self._admit(operator_id, now):
            return False
        with self._platform.db.transaction() as session:
            session.add(
                ApiErrorEntry(
                    id=new_id(),
                    operator_id=operator_id,
                    at_utc=to_naive_utc(now),
                    endpoint=_cut(endpoint, ENDPOINT_MAX_CHARS),
                    code=code,
                    message=_cut(message, API_ERROR_MESSAGE_MAX_CHARS),
                )
            )
            session.flush()
            _trim(session, ApiErrorEntry, operator_id, self._keep)
        return True


def api_errors(
    platform: Platform, operator_id: int, limit: int = API_ERROR_LOG_ROWS
) -> list[dict[str, Any]]:
    """The operator's kept refusals, newest first."""
    query = (
        select(ApiErrorEntry)
        .where(ApiErrorEntry.operator_id == operator_id)
        .order_by(ApiErrorEntry.id.desc())
        .limit(limit)
    )
    with platform.db.transaction(read_only=True) as session:
        return [
            {
                "at": format_api_time(from_naive_utc(row.at_utc)),
                "endpoint": row.endpoint,
                "code": row.code,
                "message": row.message,
            }
            for row in session.scalars(query)
        ]
