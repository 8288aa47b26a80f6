"""The wallet's database engine: any SQLAlchemy URL, made safe for concurrent wallet calls.

Every wallet call is read-check-write on one player's balance, so two concurrent calls
must never both read the old balance:

- PostgreSQL: the player row is read `SELECT ... FOR UPDATE` (see ledger.py).
- SQLite has no row locks: every transaction starts `BEGIN IMMEDIATE`, taking the database
  write lock up front, so a second writer waits instead of reading a stale balance (pysqlite
  would otherwise start a deferred transaction that only locks at its first write). WAL
  lets readers of other processes carry on meanwhile.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from reelhouse.operator_kit.sdk.models import WalletBase

# How long SQLite waits for another process's write lock before failing the call.
SQLITE_BUSY_TIMEOUT_S = 30


class WalletDatabase:
    """Engine, sessions and the unit of work: one transaction per call, committed at the end."""

    def __init__(self, db_url: str) -> None:
        url = make_url(db_url)
        if url.drivername == "postgresql":
            # psycopg 3 is what the project installs; SQLAlchemy would default to psycopg2.
            url = url.set(drivername="postgresql+psycopg")
        self._serial: AbstractContextManager[Any] = contextlib.nullcontext()
        if url.get_backend_name() == "sqlite":
            in_memory = url.database in (None, "", ":memory:")
            self.engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
                poolclass=StaticPool if in_memory else None,
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
            # SQLite has one writer at a time anyway. Queueing this process's calls on a lock
            # is cheaper than SQLite's sleeping busy-wait, and it is what makes a shared
            # in-memory database (one connection) safe at all.
            self._serial = threading.Lock()
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        WalletBase.metadata.create_all(self.engine)  # a reference wallet: no migrations

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        with self._serial, self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from pysqlite so `_sqlite_begin_immediate` can issue its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
