"""Engine set-up for the two supported databases and the unit of work.

Every transaction opens with an explicit BEGIN issued by Reelhouse (the drivers' implicit
BEGIN is switched off), which makes the BEGIN the first statement of every transaction:

- SQLite (embedded default) runs in WAL mode. A writing transaction opens with BEGIN
  IMMEDIATE: writers then queue on the database lock up front instead of failing when a
  read transaction tries to upgrade. A read-only one (`transaction(read_only=True)`) opens
  with a deferred BEGIN: WAL readers never block a writer and are never blocked by one.
  Every commit is durable before it is acknowledged (`synchronous=FULL`, see
  SQLITE_SYNCHRONOUS). A process's writers queue for their turn on a lock of their own
  before BEGIN IMMEDIATE: SQLite's busy handler does not queue, it sleeps and retries, so
  under a flood (a burst of sign-ins, launches, Main API calls) an unlucky writer could lose
  every race for the lock until its busy timeout ran out ("database is locked"). Waiting on
  a lock wakes the next writer as soon as the last one is done, with no polling; SQLite's
  busy handler is then left to arbitrate between processes only.
- PostgreSQL uses row locks (SELECT ... FOR UPDATE) where it matters. A read-only
  transaction opens with BEGIN READ ONLY: the same one round trip as a plain BEGIN, and the
  server refuses a write slipped into it.

A pooled connection can die while idle (the server restarted, a proxy or an administrator
cut it). No ping is spent on every checkout to find out (a round trip and a rollback per
transaction); instead a BEGIN that fails with a disconnect is retried once on a fresh
connection: nothing was done in that transaction yet, so the retry is safe. A disconnect
later in a transaction propagates (what it did may or may not have been committed by then:
only the caller can tell).

The connection budget on PostgreSQL is per process: `pool_size` connections kept open plus
`max_overflow` opened under bursts (docs/operations.md sizes them against max_connections).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from reelhouse.domain.limits import DB_MAX_OVERFLOW_DEFAULT, DB_POOL_SIZE_DEFAULT
from reelhouse.store.migrate import upgrade_to_head

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for the lock before failing
# How long a writing transaction waits for its turn among this process's writers (SQLite).
SQLITE_WRITER_QUEUE_TIMEOUT_SECONDS = 120.0
# In WAL mode, NORMAL syncs the log only at checkpoints: a commit acknowledged just before a
# power loss can vanish, and with it the record of a bet about to be sent (the wallet would
# then hold a debit Reelhouse knows nothing of). FULL syncs the log at every commit, so what
# was acknowledged survives; the cost is measured by `make bench` (docs/performance.md).
SQLITE_SYNCHRONOUS = "FULL"
# PostgreSQL connections per process (domain/limits.py says why these numbers).
DEFAULT_POOL_SIZE = DB_POOL_SIZE_DEFAULT
DEFAULT_MAX_OVERFLOW = DB_MAX_OVERFLOW_DEFAULT
# The connection execution option that tells the begin hook which BEGIN to issue.
READ_ONLY_OPTION = "reelhouse_read_only"

# The BEGIN each backend's transactions open with, by whether the transaction only reads.
_SQLITE_BEGIN = {False: "BEGIN IMMEDIATE", True: "BEGIN"}
_POSTGRESQL_BEGIN = {False: "BEGIN", True: "BEGIN READ ONLY"}


def normalise_url(url: str) -> str:
    """Accept the plain `postgresql://` form and use the psycopg 3 driver for it."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's implicit BEGIN is
        # deferred, which writers avoid).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        # The busy timeout first: switching to WAL (a no-op once the file is in WAL) may need
        # a lock, and must wait for it like everything else instead of failing at once.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.close()

    _issue_begin(engine, _SQLITE_BEGIN)


def _prepare_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # psycopg then sends no BEGIN of its own; commit() and rollback() still end the
        # transaction the begin event opened (they act on the session's state, not the mode).
        dbapi_conn.autocommit = True

    _issue_begin(engine, _POSTGRESQL_BEGIN)


def _issue_begin(engine: Engine, statements: dict[bool, str]) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = bool(conn.get_execution_options().get(READ_ONLY_OPTION, False))
        conn.exec_driver_sql(statements[read_only])


class Database:
    def __init__(
        self,
        url: str,
        *,
        migrate: bool = True,
        pool_size: int = DEFAULT_POOL_SIZE,
        max_overflow: int = DEFAULT_MAX_OVERFLOW,
    ) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        # Run before the pool goes: whoever holds writes for later writes them now.
        self._before_dispose: list[Callable[[], None]] = []
        if self.is_sqlite:
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"check_same_thread": False})
            _prepare_sqlite(self.engine)
        else:
            self.engine = create_engine(self.url, pool_size=pool_size, max_overflow=max_overflow)
            _prepare_postgresql(self.engine)
        if migrate:
            upgrade_to_head(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite's writers of this process, one at a time (PostgreSQL locks rows instead).
        self._sqlite_writer: threading.Lock | None = threading.Lock() if self.is_sqlite else None
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
            weakref.WeakKeyDictionary()
        )

    @contextlib.contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception.

        `read_only=True` for a transaction that only reads: on SQLite it takes no write
        lock (a deferred BEGIN), on PostgreSQL it is BEGIN READ ONLY (a write in it fails)."""
        with self._writer_turn(read_only):
            session = self._begun(read_only)
            with session:
                try:
                    yield session
                except BaseException:
                    session.rollback()
                    raise
                session.commit()

    @contextlib.contextmanager
    def _writer_turn(self, read_only: bool) -> Iterator[None]:
        """On SQLite, a writing transaction's turn among this process's writers."""
        gate = self._sqlite_writer
        if gate is None or read_only:
            yield
            return
        if not gate.acquire(timeout=SQLITE_WRITER_QUEUE_TIMEOUT_SECONDS):
            raise TimeoutError("the SQLite database stayed busy: no turn to write")
        try:
            yield
        finally:
            gate.release()

    def _begun(self, read_only: bool) -> Session:
        """A session whose transaction is open: its BEGIN, the first statement, has been
        answered. A BEGIN that found its pooled connection dead (SQLAlchemy invalidates it,
        and every connection of the pool older than it) is tried once more."""
        for attempts_left in (1, 0):
            session = self._sessions()
            try:
                session.connection(execution_options={READ_ONLY_OPTION: read_only})
            except DBAPIError as exc:
                session.close()
                if attempts_left and exc.connection_invalidated:
                    continue
                raise
            except BaseException:
                session.close()
                raise
            return session
        raise AssertionError("unreachable: the last attempt returns or raises")

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

    def before_dispose(self, hook: Callable[[], None]) -> None:
        """Call `hook` when the database is disposed, before its connections close (the
        sender's pending acknowledgements, dispatch/ack_batch.py)."""
        self._before_dispose.append(hook)

    def dispose(self) -> None:
        hooks, self._before_dispose = self._before_dispose, []
        for hook in hooks:
            hook()
        self.engine.dispose()
