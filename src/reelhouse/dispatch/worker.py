"""The dispatcher worker: drains the outbox and finishes every round that is not terminal.

Each pass (1) takes back claims whose holder died or whose delivery raised (a bet's outcome
is then unknown and it is cancelled; a win or cancel counts an attempt and is queued again,
or parked once its retry window is over), then (2) claims due calls and sends them on a
thread pool, at most one call per player on the wire (a spin opening a round holds the
player's row lock; the worker takes it too before claiming) and within each operator's
bulkhead. On PostgreSQL several workers share the queue: rows are claimed with
`FOR UPDATE SKIP LOCKED` and held by a lease. On SQLite several are correct (a claim is one
BEGIN IMMEDIATE transaction) but not faster: run one (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from reelhouse.dispatch.passes import run_passes
from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.clock import Clock, to_naive_utc
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind, PreparedCall
from reelhouse.store.db import Database
from reelhouse.store.models import FreeRoundGrant, GameSession, Operator, Player, Round, WalletCall
from reelhouse.store.outbox import claim_call, claim_of, expire_lease, expired_claim_ids

log = logging.getLogger("reelhouse.worker")

CLAIM_BATCH = 64  # calls claimed per pass: bounds one transaction's locks
SENDER_THREADS = 32  # calls on the wire at once across all operators
IDLE_POLL_SECONDS = 0.5  # sleep between passes that found nothing to do


class Worker:
    def __init__(
        self, db: Database, sender: WalletSender, clock: Clock, threads: int = SENDER_THREADS
    ) -> None:
        self._db = db
        self._sender = sender
        self._clock = clock
        self._threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="wallet-call")
        self._active = 0
        self._active_lock = threading.Lock()

    def reclaim_expired(self) -> int:
        """Claims whose lease ran out: their holder stopped mid-call, or its delivery raised.
        Each is taken back in its own transaction, so one that cannot be (a bug) is logged
        with its id and never holds up the others."""
        now = self._clock.now()
        # Read-only: an idle dispatcher passes here twice a second, and on SQLite a writing
        # transaction would take the write lock from the players every time.
        with self._db.transaction(read_only=True) as session:
            expired = expired_claim_ids(session, now, CLAIM_BATCH)
        taken = 0
        for call_id in expired:
            try:
                taken += self._take_back(call_id, now)
            except Exception:
                log.exception("could not take back an expired claim", extra={"trans_id": call_id})
        return taken

    def _take_back(self, call_id: int, now: dt.datetime) -> int:
        with self._db.transaction() as session:
            # Locked and checked again: another worker may have taken it back meanwhile.
            call = session.scalar(
                select(WalletCall)
                .where(
                    WalletCall.id == call_id,
                    WalletCall.state == CallState.IN_FLIGHT.value,
                    WalletCall.lease_until_utc < to_naive_utc(now),
                )
                .with_for_update(skip_locked=True)
            )
            if call is None:
                return 0
            log.warning("claim expired", extra={"trans_id": call.id, "command": call.kind})
            retry_at = self._sender.retry_at_after_expiry(session, call, now)
            expire_lease(session, call, now, retry_at)
            return 1

    def claim_due(self, limit: int = CLAIM_BATCH) -> list[int]:
        """Claim queued calls that are due, skipping players with a call already in flight
        (a cancel never goes out while its bet may still be on the wire)."""
        return [job.call_id for job in self._claim_due(limit)]

    def _claim_due(self, limit: int) -> list[PreparedCall]:
        """`claim_due`, each claimed call prepared for sending in the claiming transaction,
        from its rows loaded a table at a time: sending then reads nothing again."""
        now = self._clock.now()
        busy = aliased(WalletCall)
        player_busy = exists().where(
            busy.player_id == WalletCall.player_id, busy.state == CallState.IN_FLIGHT.value
        )
        with self._db.transaction() as session:
            due = session.scalars(
                select(WalletCall)
                .where(
                    WalletCall.state == CallState.QUEUED.value,
                    WalletCall.next_attempt_at_utc <= to_naive_utc(now),
                    ~player_busy,
                )
                .order_by(WalletCall.next_attempt_at_utc, WalletCall.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            # A player may open a round while an earlier one's win or cancel waits here, and
            # opening one claims its bet under the player's row lock. Taking that lock too
            # (skipping players whose lock is held: a spin is opening their round) and looking
            # again keeps one player's calls one at a time on the wire.
            free = self._lock_idle_players(session, {call.player_id for call in due})
            claimed: list[WalletCall] = []
            players: set[int] = set()
            for call in due:
                if call.player_id in players or call.player_id not in free:
                    continue
                assert call.kind != CommandKind.BET.value, "a bet is never queued for retry"
                players.add(call.player_id)
                claim_call(call, now, claim_of(session, call, now).until)
                claimed.append(call)
            if not claimed:
                return []
            session.flush()
            held = _load_rows_of(session, claimed)
            jobs = [self._sender.prepare(session, call) for call in claimed]
            del held  # the jobs carry them on
            return jobs

    @staticmethod
    def _lock_idle_players(session: Session, player_ids: set[int]) -> set[int]:
        """Of `player_ids`, the players this transaction now holds the row lock of and that
        have no call in flight (seen after taking the lock)."""
        if not player_ids:
            return set()
        locked = set(
            session.scalars(
                select(Player.id)
                .where(Player.id.in_(sorted(player_ids)))
                .with_for_update(skip_locked=True)
            )
        )
        busy = set(
            session.scalars(
                select(WalletCall.player_id).where(
                    WalletCall.player_id.in_(sorted(locked)),
                    WalletCall.state == CallState.IN_FLIGHT.value,
                )
            )
        )
        return locked - busy

    def _deliver(self, job: PreparedCall) -> None:
        call_id = job.call_id
        try:
            # A win acknowledged is recorded with the pass's others, in one commit
            # (dispatch/ack_batch.py): draining a queue costs a commit per pass, not per call.
            self._sender.deliver_prepared(job, hand_on=False, defer_settled=True)
        except Exception as exc:
            # Nothing is swallowed silently: the failure is logged with the call id
            # and kept as an attempt row where the database allows. The call stays claimed
            # until its lease runs out; reclaim_expired then counts the attempt against the
            # retry window, so a call that always fails this way is parked, not re-claimed
            # forever.
            log.exception("wallet call delivery raised", extra={"trans_id": call_id})
            self._sender.note_failed_delivery(call_id, exc)
        finally:
            with self._active_lock:
                self._active -= 1

    def run_once(self, *, wait: bool = True) -> int:
        """One pass; returns how many calls were claimed. With `wait` False the pass does not
        wait for its calls: a slow operator's calls then never hold up the next pass, which
        claims only as many calls as there are free sender threads."""
        self.reclaim_expired()
        with self._active_lock:
            free = self._threads - self._active
        claimed = self._claim_due(min(free, CLAIM_BATCH)) if free > 0 else []
        with self._active_lock:
            self._active += len(claimed)
        futures = [self._pool.submit(self._deliver, job) for job in claimed]
        if wait:
            for future in futures:
                future.result()
            # The pass is over when what it did is written.
            self._sender.write_pending_acks()
        return len(claimed)

    def run_forever(self, stop: threading.Event) -> None:
        run_passes(lambda: self.run_once(wait=False), stop, IDLE_POLL_SECONDS, log, "worker")
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._sender.write_pending_acks()


def _load_rows_of(session: Session, calls: list[WalletCall]) -> list[object]:
    """The rounds, players, operators, game sessions and grants of `calls`, one statement a
    table, into the session (held: its identity map keeps unchanged rows only weakly)."""
    held: list[object] = []

    def load(model: type[Any], ids: set[int]) -> list[Any]:
        if not ids:
            return []
        rows = list(session.scalars(select(model).where(model.id.in_(sorted(ids)))))
        held.extend(rows)
        return rows

    rounds = load(Round, {call.round_id for call in calls})
    load(Player, {call.player_id for call in calls})
    load(Operator, {call.operator_id for call in calls})
    load(GameSession, {round_.session_id for round_ in rounds})
    load(FreeRoundGrant, {r.free_round_id for r in rounds if r.free_round_id is not None})
    return held
