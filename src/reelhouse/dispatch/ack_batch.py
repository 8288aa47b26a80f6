"""Acknowledged wins, recorded a moment after their answer and several to one commit.

A win the wallet acknowledged has no call after it, so its record guards no money: if the
record is lost (the process dies first), the call is still claimed in the database, its
lease runs out and the worker sends it again with the same id and body, which the wallet
answers "already applied" (docs/rounds.md). The record therefore need not commit before the
player hears the round's result. It rides with the same game session's next round (in the
commit that writes that round and its bet, so a player who keeps playing costs two commits
a round), or, when no round comes within `window_s`, with every other win pending in the
process, in one commit (docs/performance.md, "What a round costs the database").

This module only keeps the pending records and decides when they go; writing one is the
sender's (dispatch/sender.py), from the rows it prepared the call with.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from reelhouse.domain.clock import from_naive_utc
from reelhouse.domain.wallet import PreparedCall, WalletOutcome

log = logging.getLogger("reelhouse.dispatch")

# How long an acknowledged win may wait for its session's next round before it is written
# with the others pending: long enough to gather a few of them under load (at 500 rounds/s,
# about five), short enough that a read a moment later finds the round settled.
ACK_WINDOW_SECONDS = 0.010

# A pending record is written in a batch only while its claim has this long left to run: a
# claim that runs out is the worker's to take over, and a batch that met a lost claim would
# fail whole (each is then written alone, which handles it).
LEASE_MARGIN = dt.timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class PendingAck:
    """One acknowledged win, with everything its record needs."""

    job: PreparedCall
    outcome: WalletOutcome
    started: dt.datetime  # when its attempt began
    answered: dt.datetime  # when its answer came back: the record's time
    duration_ms: int
    dialect_name: str
    session_key: str | None  # its game session's token hash: its next round carries it

    @property
    def player(self) -> tuple[int, str]:
        """Its player: the operator and the player's name there."""
        return (self.job.endpoint.operator_id, self.job.command.account)

    def batchable(self, now: dt.datetime) -> bool:
        # The lease is kept as the database keeps it: naive UTC.
        return from_naive_utc(self.job.lease) - now >= LEASE_MARGIN


def one_per_player(acks: list[PendingAck]) -> list[list[PendingAck]]:
    """The records split into batches with at most one per player, in their order: each
    starts from the player's rows as they were prepared, and a second record of the same
    player in one transaction would start from rows the first has already changed."""
    waves: list[list[PendingAck]] = []
    for ack in acks:
        wave = next((w for w in waves if all(a.player != ack.player for a in w)), None)
        if wave is None:
            waves.append([ack])
        else:
            wave.append(ack)
    return waves


class PendingAcks:
    """The acknowledged wins of one process not yet written. `write` records a list of them
    in one commit (falling back to one commit each); `window_s` None writes none on a timer
    (a test that counts commits drives the writes itself)."""

    def __init__(self, write: Callable[[list[PendingAck]], None], window_s: float | None) -> None:
        self._write = write
        self.window_s = window_s
        self._lock = threading.Lock()
        self._pending: list[PendingAck] = []
        self._timer_armed = False
        self._closed = threading.Event()
        self._timer: threading.Thread | None = None
        # Held by whoever writes a batch: a reader's write_all waits for the timer's.
        self._writing = threading.Lock()

    def add(self, acks: list[PendingAck]) -> None:
        if not acks:
            return
        with self._lock:
            self._pending.extend(acks)
            arm = not self._timer_armed and self.window_s is not None
            self._timer_armed = self._timer_armed or arm
        if arm:
            timer = threading.Thread(target=self._write_after_window, name="acks", daemon=True)
            self._timer = timer
            timer.start()

    def take(self, session_key: str) -> list[PendingAck]:
        """The pending records of one game session, for its next round to write."""
        with self._lock:
            taken = [ack for ack in self._pending if ack.session_key == session_key]
            if taken:
                self._pending = [ack for ack in self._pending if ack.session_key != session_key]
        return taken

    @contextmanager
    def riding(self, session_key: str, now: dt.datetime) -> Iterator[list[PendingAck]]:
        """The session's pending records, for a transaction to write with its own work. If
        that transaction fails, they go back to wait for the next write."""
        taken = self.take(session_key)
        batchable = [ack for ack in taken if ack.batchable(now)]
        # One rides (see one_per_player); the others, and a claim near its end (written
        # alone, where a lost claim is handled), wait for the next write.
        riding = batchable[:1]
        self.add([ack for ack in taken if ack not in riding])
        try:
            yield riding
        except BaseException:
            self.add(riding)
            raise

    def write_all(self) -> None:
        """Write every pending record now (a blocking caller about to read, or shutdown),
        and wait for a write the timer has begun: when this returns, every record pending
        when it was called is committed (or handed to the worker by a failed write)."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                self._write(batch)

    def close(self) -> None:
        """Write what is pending, the timer's batch included, before the database goes."""
        self._closed.set()
        timer = self._timer
        if timer is not None and timer is not threading.current_thread():
            timer.join()
        self.write_all()

    def _write_after_window(self) -> None:
        assert self.window_s is not None
        self._closed.wait(self.window_s)
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
                self._timer_armed = False
            if batch:
                self._write_logged(batch)

    def _write_logged(self, batch: list[PendingAck]) -> None:
        try:
            self._write(batch)
        except Exception:
            # Each record's claim is still held in the database: when it runs out the worker
            # sends the win again, and the wallet answers it as already applied.
            log.exception("acknowledged wins not recorded; the worker will resend them")
