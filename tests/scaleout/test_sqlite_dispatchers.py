"""`serve --workers N` on SQLite runs a dispatcher in each process: two dispatchers (each
with its own engine, as two processes have) claiming from one SQLite file at once never
claim the same call. Their claims are serialised by BEGIN IMMEDIATE: a claim reads the due
calls and marks them in flight under the one write lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind
from reelhouse.store.db import Database
from reelhouse.store.models import WalletCall
from tests.conftest import fresh_database
from tests.faults import DROP, faulty_stack, session_for, spin

PLAYERS = 8
ROUNDS = 5  # claim passes each dispatcher makes


def _queued_wins(db: Database) -> int:
    with db.transaction(read_only=True) as session:
        return len(
            session.scalars(
                select(WalletCall.id).where(
                    WalletCall.kind == CommandKind.WIN.value,
                    WalletCall.state == CallState.QUEUED.value,
                )
            ).all()
        )


def test_two_sqlite_dispatchers_never_claim_the_same_call(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = fresh_database(request, "sqlite", tmp_path)
    with faulty_stack(url, tmp_path) as (stack, transport):
        transport.fail("win", DROP)  # every win queued
        for n in range(PLAYERS):
            token = session_for(stack, f"p{n}")
            wins_before = _queued_wins(stack.platform.db)
            while _queued_wins(stack.platform.db) == wins_before:
                assert spin(stack, token)["code"] == 0
        stack.clock.advance(seconds=600)  # every queued win is due
        sender = stack.platform.wallet
        assert isinstance(sender, WalletSender)
        engines = [Database(url, migrate=False) for _ in range(2)]
        workers = [Worker(db, sender, stack.clock, threads=1) for db in engines]
        claimed: list[list[int]] = [[], []]
        start = threading.Barrier(2)

        def claim(index: int) -> None:
            start.wait()
            for _ in range(ROUNDS):
                claimed[index] += workers[index].claim_due(limit=2)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for worker, db in zip(workers, engines, strict=True):
            worker.close()
            db.dispose()
        every = claimed[0] + claimed[1]
        assert len(every) == PLAYERS, claimed  # one win per player, all claimed once
        assert len(set(every)) == len(every), f"a call claimed twice: {claimed}"
