"""Engine set-up for the two supported databases and the unit of work.

SQLite (embedded default) runs in WAL mode and opens every transaction with BEGIN IMMEDIATE:
writers then queue on the database lock up front instead of failing when a read transaction
tries to upgrade. Every commit is durable before it is acknowledged (`synchronous=FULL`, see
SQLITE_SYNCHRONOUS). PostgreSQL uses row locks (SELECT ... FOR UPDATE) where it matters.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from reelhouse.store.migrate import upgrade_to_head

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for the lock before failing
# In WAL mode, NORMAL syncs the log only at checkpoints: a commit acknowledged just before a
# power loss can vanish, and with it the record of a bet about to be sent (the wallet would
# then hold a debit Reelhouse knows nothing of). FULL syncs the log at every commit, so what
# was acknowledged survives; the cost is measured by `make bench` (docs/performance.md).
SQLITE_SYNCHRONOUS = "FULL"


def normalise_url(url: str) -> str:
    """Accept the plain `postgresql://` form and use the psycopg 3 driver for it."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's implicit BEGIN is
        # deferred, which is what we avoid).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"check_same_thread": False})
            _prepare_sqlite(self.engine)
        else:
            self.engine = create_engine(self.url, pool_size=20, max_overflow=40, pool_pre_ping=True)
        if migrate:
            upgrade_to_head(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
            weakref.WeakKeyDictionary()
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception."""
        with self._sessions.begin() as session:
            yield session

    @property
    def connections_max(self) -> int:
        """The most connections the pool opens at once (its size and overflow): how many
        transactions this process can run at the same time without one waiting for a
        connection."""
        pool = self.engine.pool
        size = getattr(pool, "size", None)
        overflow = getattr(pool, "_max_overflow", 0)
        if not callable(size):
            return 1  # a single-connection pool
        return max(1, int(size()) + max(0, int(overflow)))

    async def in_thread(self, work: Callable[[], T]) -> T:
        """Run `work` (short database work: a transaction or two) on a worker thread, at most
        `connections_max` at once per event loop, so no thread ever waits for a pooled
        connection; the rest wait here, without a thread, in arrival order."""
        return await to_thread.run_sync(work, limiter=self._limiter())

    def waiting_for_a_thread(self) -> int:
        """How many callers of `in_thread` in this event loop wait for their turn."""
        return self._limiter().statistics().tasks_waiting

    def _limiter(self) -> CapacityLimiter:
        # One per event loop: an anyio limiter belongs to the loop that made it.
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            limiter = CapacityLimiter(self.connections_max)
            self._limiters[loop] = limiter
        return limiter

    def dispose(self) -> None:
        self.engine.dispose()
