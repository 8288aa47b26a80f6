"""A flood of back office sign-ins, game launches and Main API authentications on SQLite.

The cause of "database is locked" under such a flood: every transaction, reads included,
took SQLite's write lock (BEGIN IMMEDIATE), and SQLite's busy handler does not queue
waiters: it sleeps and retries, so an unlucky transaction could lose every race for the lock
until its busy timeout ran out. Now reads open a deferred BEGIN and take no lock, and a
process's writers wait for their turn on a lock of their own, so at most one of them is ever
inside SQLite's lock or waiting for it (the busy handler only arbitrates between processes).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from reelhouse.services import backoffice_users, launch, operators, players
from reelhouse.services.backoffice_users import LoginRefused
from reelhouse.store.db import Database
from tests.conftest import fresh_database
from tests.inprocess_app import OPERATOR, App, inprocess_app

FLOOD_THREADS = 48
PASSWORD = "correct horse battery"
GAME = "lucky-sevens"


@pytest.fixture
def sqlite_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(fresh_database(request, "sqlite", tmp_path), tmp_path) as app:
        yield app


class WriterWatch:
    """How many connections of one engine are at once inside a writing transaction or
    waiting in its BEGIN IMMEDIATE (SQLite's busy handler)."""

    def __init__(self, db: Database) -> None:
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()
        event.listen(db.engine, "before_cursor_execute", self._before)
        event.listen(db.engine, "commit", self._ended)
        event.listen(db.engine, "rollback", self._ended)
        self._writing: set[int] = set()

    def _before(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            with self._lock:
                self._writing.add(id(conn))
                self.now += 1
                self.most = max(self.most, self.now)

    def _ended(self, conn: Any) -> None:
        with self._lock:
            if id(conn) in self._writing:
                self._writing.discard(id(conn))
                self.now -= 1


def test_a_flood_of_sign_ins_and_launches_never_finds_the_database_locked(
    sqlite_app: App,
) -> None:
    platform = sqlite_app.platform
    backoffice_users.create_user(platform, "ops@example.com", PASSWORD, backoffice_users.Role.ADMIN)
    with platform.db.transaction(read_only=True) as session:
        operator = operators.find_by_name(session, OPERATOR)
    launch_urls = []
    for n in range(FLOOD_THREADS):
        sqlite_app.casino.create_player(f"p{n}", "USD", "100.00")
        user_code = players.create_or_get(platform, operator.id, f"p{n}").user_code
        request = launch.LaunchRequest(user_code, 1, GAME, "en", "", Decimal(0))
        launch_urls.append(launch.create_launch_url(platform, operator, request))
    watch = WriterWatch(platform.db)
    outcomes: Counter[str] = Counter()
    start = threading.Barrier(FLOOD_THREADS)

    def one(n: int) -> None:
        start.wait()
        try:
            operators.authenticate(platform, sqlite_app.api_token)
            launch.open_launch(platform, launch_urls[n].rsplit("/", 1)[1])
            backoffice_users.login(platform, "ops@example.com", PASSWORD, client=f"10.0.0.{n}")
            outcomes["signed in"] += 1
        except LoginRefused:
            outcomes["sign-in refused: too many at once"] += 1  # the argon2 gate, by design
        except Exception as exc:
            outcomes[f"{type(exc).__name__}: {exc}"] += 1

    threads = [threading.Thread(target=one, args=(n,)) for n in range(FLOOD_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    unexpected = {k: v for k, v in outcomes.items() if k.startswith(("signed", "sign-in")) is False}
    assert not unexpected, unexpected
    assert outcomes["signed in"] >= 1
    assert watch.most == 1, "two writers of one process raced for SQLite's lock"


def test_reads_go_on_while_a_writer_holds_the_sqlite_lock(sqlite_app: App) -> None:
    platform = sqlite_app.platform
    backoffice_users.create_user(platform, "ops@example.com", PASSWORD, backoffice_users.Role.ADMIN)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with platform.db.transaction() as session:
            session.connection()  # BEGIN IMMEDIATE: the write lock is held from here
            holding.set()
            release.wait()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        holding.wait()
        # Each of these would wait for the writer (and this test hang until the busy timeout)
        # if it took the write lock.
        assert operators.authenticate(platform, sqlite_app.api_token).name == OPERATOR
        with platform.db.transaction(read_only=True) as session:
            assert operators.find_by_name(session, OPERATOR).name == OPERATOR
    finally:
        release.set()
        thread.join()
