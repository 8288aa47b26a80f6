"""Idempotency keys of the operator-facing APIs: one call per key, its answer for repeats.

An operator sends `Idempotency-Key` with a mutating call; the key is scoped to that operator
and that route. The first request with a key claims it: a row `running` is inserted and
committed in a transaction of its own before the call runs, and the unique constraint on
(operator, route, key) lets exactly one of several concurrent first requests win, on SQLite
and PostgreSQL alike. The winner runs the call and stores its answer (`finish`); a repeat
with the same body gets that answer back without the call running again; a repeat with
another body is refused (3007); a repeat that finds the key still running waits for the
answer (the API layer polls, bounded) or is told to retry (3008). A call that failed in a
way a retry may cure releases its key (`release`), so that retry runs afresh: every such
failure changed nothing.

Keys are kept `KEY_TTL` (24 hours) from their claim; an expired key is as good as new. Each
new claim purges at most `PURGE_BATCH_ROWS` expired rows, so the table holds about a day of
keys and no purge holds a lock for long.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.services.platform import Platform
from reelhouse.store.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_TTL = dt.timedelta(hours=24)
MAX_KEY_CHARS = 255
# Visible ASCII, no spaces: a UUID, a hex digest or an order number all fit; a key cannot
# carry control characters into a log line, nor two spellings of one key (blanks trimmed).
KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_CHARS}}}", re.ASCII)
# Expired rows deleted by one claim at most: the purge stays a short part of a claim's
# transaction however many keys expired at once.
PURGE_BATCH_ROWS = 100
# A claim that lost the insert race on PostgreSQL reads the winner's row on its next try;
# more tries than that mean something else is wrong.
CLAIM_TRIES = 3

# Refusals a retry may cure, answered without keeping them: the key is released, so the
# retry with the same key runs the call afresh. Each changed nothing (every refusal does);
# an internal error (1001) is rolled back whole.
RETRYABLE_CODES = frozenset(
    {
        ApiCode.INTERNAL_SERVER_ERROR,  # a bug or a failing database: HTTP 500
        ApiCode.SERVER_IS_BUSY,  # calls in flight or request rate: back off and retry
        ApiCode.BUSY,  # Reelhouse saturated
        ApiCode.CALLBACK_ERROR,  # the wallet failed (a launch's authenticate)
        ApiCode.WALLET_SHUT_OFF,  # the wallet's breaker is open
    }
)


class KeyState(StrEnum):
    RUNNING = "running"  # claimed; the call runs (or its process died: see docs/api.md)
    DONE = "done"  # the answer is stored


@dataclass(frozen=True)
class Scope:
    """What names one use of a key: whose, where, the key, and the request's body."""

    operator_id: int
    route: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    """An answer as it was sent: its HTTP status and its body's bytes."""

    status_code: int
    body: bytes


@dataclass(frozen=True)
class Claim:
    """What a claim found. `claim_id`: this request claimed the key and runs the call.
    `answer`: the first request's answer, to send again. Neither: the first request is
    still running."""

    claim_id: int | None = None
    answer: Answer | None = None

    @property
    def running_elsewhere(self) -> bool:
        return self.claim_id is None and self.answer is None


def checked_key(text: str) -> str:
    """The key, if it is 1-255 visible ASCII characters; 1002 otherwise (nothing ran)."""
    if len(text) > MAX_KEY_CHARS or not KEY_PATTERN.fullmatch(text):
        raise ReelhouseError(
            ApiCode.VALIDATION_ERROR,
            f"{HEADER}: 1-{MAX_KEY_CHARS} visible ASCII characters (no spaces)",
        )
    return text


def fingerprint_of(body: bytes) -> str:
    """The request body's SHA-256, hex: a repeat is identical when its bytes are."""
    return hashlib.sha256(body).hexdigest()


def claim(platform: Platform, scope: Scope) -> Claim:
    """Claim the key for this request, or say what holds it: 3007 if it named another
    body. The claim is committed before this returns, so a concurrent request sees it."""
    for _ in range(CLAIM_TRIES):
        # Most repeats find a live key: read it without taking SQLite's write lock.
        with platform.db.transaction(read_only=True) as session:
            found = _live(session, scope, platform.clock.now())
            if found is not None:
                return _decided(found, scope)
        try:
            with platform.db.transaction() as session:
                return _inserted(session, scope, platform.clock.now())
        except IntegrityError:
            # Another request inserted the key between our read and our insert (PostgreSQL;
            # SQLite's writers take turns): read what it claimed.
            continue
    raise AssertionError("a key neither readable nor insertable: inconsistent table")


def _inserted(session: Session, scope: Scope, now: dt.datetime) -> Claim:
    found = _live(session, scope, now)
    if found is not None:
        return _decided(found, scope)
    # This key's expired row, if any, is replaced; a few other expired rows go with it.
    # Expired rows only: on PostgreSQL a concurrent claim of this key may have committed
    # its row since the look-up above, and that row must stay for the insert to collide.
    cutoff = to_naive_utc(now - KEY_TTL)
    session.execute(
        delete(IdempotencyKey).where(_named(scope), IdempotencyKey.created_at_utc <= cutoff)
    )
    _purge(session, cutoff)
    row = IdempotencyKey(
        id=new_id(),
        operator_id=scope.operator_id,
        route=scope.route,
        idem_key=scope.key,
        fingerprint=scope.fingerprint,
        state=KeyState.RUNNING.value,
        created_at_utc=to_naive_utc(now),
    )
    session.add(row)
    session.flush()
    return Claim(claim_id=row.id)


def _named(scope: Scope) -> ColumnElement[bool]:
    return and_(
        IdempotencyKey.operator_id == scope.operator_id,
        IdempotencyKey.route == scope.route,
        IdempotencyKey.idem_key == scope.key,
    )


def _live(session: Session, scope: Scope, now: dt.datetime) -> IdempotencyKey | None:
    """The key's row, unless it expired (an expired key is treated as new)."""
    row = session.scalar(select(IdempotencyKey).where(_named(scope)))
    if row is None or from_naive_utc(row.created_at_utc) + KEY_TTL <= now:
        return None
    return row


def _decided(row: IdempotencyKey, scope: Scope) -> Claim:
    if row.fingerprint != scope.fingerprint:
        raise ReelhouseError(
            ApiCode.IDEMPOTENCY_KEY_REUSED,
            f"this {HEADER} was used with a different request body",
        )
    if row.state == KeyState.DONE and row.status_code is not None and row.answer_body is not None:
        return Claim(answer=Answer(row.status_code, bytes(row.answer_body)))
    return Claim()


def _purge(session: Session, cutoff: dt.datetime) -> None:
    expired = (
        select(IdempotencyKey.id)
        .where(IdempotencyKey.created_at_utc <= cutoff)
        .limit(PURGE_BATCH_ROWS)
    )
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.id.in_(expired)))


def finish(platform: Platform, claim_id: int, answer: Answer) -> None:
    """Keep the claimed call's answer for its repeats."""
    with platform.db.transaction() as session:
        session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == claim_id)
            .values(
                state=KeyState.DONE.value,
                status_code=answer.status_code,
                answer_body=answer.body,
            )
        )


def release(platform: Platform, claim_id: int) -> None:
    """Forget a claim whose call did not finish with an answer to keep: the key is free."""
    with platform.db.transaction() as session:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))
