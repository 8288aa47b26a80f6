"""Pushes operators' events to their webhooks, in sequence order, at least once.

Runs in the worker process beside the wallet dispatcher, on its own threads: it never holds a
lock a spin waits for (the counter row settlements lock is only read, never locked here).
Each pass claims, with `FOR UPDATE SKIP LOCKED` and a lease, the webhooks that are due and
behind their operator's counter, then POSTs each its next events (at most
EVENTS_PER_DELIVERY, in order), signed with the operator's secret, and both secrets during a
rotation's overlap. A 2xx answer moves the webhook's cursor past them; anything else (or no
answer) retries the same events after a capped backoff. A process killed mid-delivery
leaves its claim to run out; the next claimer sends the same events again, and the receiver
drops sequences it has seen (docs/webhooks.md). Every minute a pass also purges events past
their retention and finishes expired free-round grants, in bounded batches.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import or_, select

from reelhouse.dispatch.passes import run_passes
from reelhouse.dispatch.transport import Transport
from reelhouse.domain.clock import Clock, from_naive_utc, to_naive_utc
from reelhouse.domain.events import (
    DELIVERY_LEASE_S,
    DELIVERY_TIMEOUT_S,
    EVENTS_PER_DELIVERY,
    RETENTION_DAYS,
    SIGNATURE_HEADER,
    retry_delay_s,
    signature_header,
)
from reelhouse.domain.wallet import HttpRequest
from reelhouse.services import freerounds
from reelhouse.store import events
from reelhouse.store.db import Database
from reelhouse.store.models import EventStream, EventWebhook
from reelhouse.store.secrets import Sealer

log = logging.getLogger("reelhouse.events")

DELIVERY_THREADS = 8  # webhooks POSTed to at once
IDLE_POLL_SECONDS = 0.05  # between passes that found nothing: the floor of the push latency
HOUSEKEEPING_SECONDS = 60.0  # between purges of old events and sweeps of expired grants
PURGE_BATCH = 1000  # events deleted per transaction
PURGE_BATCHES = 10  # transactions per housekeeping pass: a backlog drains over several
EXPIRED_GRANTS_BATCH = 100


@dataclass(frozen=True)
class Delivery:
    """One claimed POST: the events after `after`, up to `last`, to `url`."""

    operator_id: int
    url: str
    secrets_newest_first: list[str]
    after: int
    last: int
    body: bytes
    lease: dt.datetime  # naive UTC, as stored: whether the claim is still this one


class EventDeliverer:
    def __init__(
        self,
        db: Database,
        sealer: Sealer,
        transport: Transport,
        clock: Clock,
        *,
        threads: int = DELIVERY_THREADS,
        rng: random.Random | None = None,
    ) -> None:
        self._db, self._sealer, self._transport, self._clock = db, sealer, transport, clock
        self._threads = threads
        self._rng = rng or random.Random()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="event-delivery")
        self._active = 0
        self._active_lock = threading.Lock()
        self._housekept_at: dt.datetime | None = None

    def claim(self, limit: int) -> list[Delivery]:
        """Claim up to `limit` due webhooks that are behind, each with its next events."""
        now = self._clock.now()
        naive_now = to_naive_utc(now)
        lease = to_naive_utc(now + dt.timedelta(seconds=DELIVERY_LEASE_S))
        due = (
            select(EventWebhook)
            .join(EventStream, EventStream.operator_id == EventWebhook.operator_id)
            .where(
                EventWebhook.url != "",
                EventWebhook.next_attempt_at_utc <= naive_now,
                or_(
                    EventWebhook.lease_until_utc.is_(None),
                    EventWebhook.lease_until_utc < naive_now,
                ),
                EventStream.last_sequence > EventWebhook.delivered_sequence,
            )
            .order_by(EventWebhook.next_attempt_at_utc, EventWebhook.operator_id)
            .limit(limit)
        )
        # Looked for read-only first: an idle pass runs many times a second, and on SQLite a
        # writing transaction would take the write lock from the spins every time.
        with self._db.transaction(read_only=True) as session:
            if session.scalar(due.with_only_columns(EventWebhook.operator_id)) is None:
                return []
        with self._db.transaction() as session:
            # Only the webhook's row is locked: the counter's lock is the settlements'.
            rows = session.scalars(due.with_for_update(skip_locked=True, of=EventWebhook)).all()
            claimed = []
            for row in rows:
                found = events.events_after(
                    session, row.operator_id, row.delivered_sequence, EVENTS_PER_DELIVERY
                )
                if not found:
                    continue  # purged past the cursor: impossible within the retention
                row.lease_until_utc = lease
                body = json.dumps(
                    {"events": [events.wire_form(event) for event in found]},
                    separators=(",", ":"),
                ).encode()
                claimed.append(
                    Delivery(
                        row.operator_id,
                        row.url,
                        self._signing_secrets(row, now),
                        row.delivered_sequence,
                        found[-1].sequence,
                        body,
                        lease,
                    )
                )
            return claimed

    def _signing_secrets(self, row: EventWebhook, now: dt.datetime) -> list[str]:
        found = [self._sealer.open(row.secret_sealed)]
        overlap = row.previous_until_utc
        if row.previous_secret_sealed and overlap and from_naive_utc(overlap) > now:
            found.append(self._sealer.open(row.previous_secret_sealed))
        return found

    def deliver(self, job: Delivery) -> bool:
        """POST one claimed batch and record the answer; True when it was acknowledged."""
        stamp = int(self._clock.now().timestamp())
        request = HttpRequest(
            "POST",
            job.url,
            (
                ("Content-Type", "application/json"),
                (SIGNATURE_HEADER, signature_header(job.secrets_newest_first, stamp, job.body)),
            ),
            job.body,
            int(DELIVERY_TIMEOUT_S * 1000),
        )
        try:
            answer = self._transport.send(request)
            error = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}"
        except Exception as exc:  # a transport failure is a failed attempt, nothing more
            error = f"{type(exc).__name__}: {exc}"[:500]
        self._record(job, error)
        return not error

    def _record(self, job: Delivery, error: str) -> None:
        now = self._clock.now()
        with self._db.transaction() as session:
            row = session.get(EventWebhook, job.operator_id, with_for_update=True)
            assert row is not None
            if not error:
                # Acknowledged: even a claim that ran out moves the cursor (never back).
                row.delivered_sequence = max(row.delivered_sequence, job.last)
                row.failures = 0
                row.last_error = ""
                row.next_attempt_at_utc = to_naive_utc(now)
            elif row.lease_until_utc == job.lease:
                row.failures += 1
                row.last_error = error
                delay = retry_delay_s(row.failures, self._rng)
                row.next_attempt_at_utc = to_naive_utc(now + dt.timedelta(seconds=delay))
                log.warning(
                    "event delivery failed",
                    extra={"operator_id": job.operator_id, "detail": error},
                )
            if row.lease_until_utc == job.lease:
                row.lease_until_utc = None
            row.updated_at_utc = to_naive_utc(now)

    def _deliver_counted(self, job: Delivery) -> None:
        try:
            self.deliver(job)
        except Exception:
            # Its claim runs out and the next pass sends the same events again.
            log.exception("event delivery raised", extra={"operator_id": job.operator_id})
        finally:
            with self._active_lock:
                self._active -= 1

    def run_once(self, *, wait: bool = True) -> int:
        """One pass; how many deliveries it started. `wait` False leaves them running: a
        slow receiver never holds up the others' next pass."""
        self._housekeep()
        with self._active_lock:
            free = self._threads - self._active
        jobs = self.claim(free) if free > 0 else []
        with self._active_lock:
            self._active += len(jobs)
        futures = [self._pool.submit(self._deliver_counted, job) for job in jobs]
        if wait:
            for future in futures:
                future.result()
        return len(jobs)

    def _housekeep(self) -> None:
        now = self._clock.now()
        last = self._housekept_at
        if last is not None and (now - last).total_seconds() < HOUSEKEEPING_SECONDS:
            return
        self._housekept_at = now
        housekeep(self._db, now)

    def run_forever(self, stop: threading.Event) -> None:
        run_passes(
            lambda: self.run_once(wait=False), stop, IDLE_POLL_SECONDS, log, "event delivery"
        )
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def housekeep(db: Database, now: dt.datetime) -> tuple[int, int]:
    """Purge events past their retention and finish expired free-round grants, in bounded
    batches; (events purged, grants finished)."""
    cutoff = now - dt.timedelta(days=RETENTION_DAYS)
    purged = 0
    for _ in range(PURGE_BATCHES):
        with db.transaction() as session:
            gone = events.purge_before(session, cutoff, PURGE_BATCH)
        purged += gone
        if gone < PURGE_BATCH:
            break
    with db.transaction() as session:
        finished = freerounds.finish_expired(session, now, EXPIRED_GRANTS_BATCH)
    return purged, finished
