"""The unit of work without a ping per checkout: a pooled PostgreSQL connection killed while
idle costs the next transaction nothing (its BEGIN is retried once on a fresh connection);
a disconnect after the first statement is not retried. Read-only transactions: deferred on
SQLite (a reader is not held up by a writer), READ ONLY on PostgreSQL. And two dispatchers on
one SQLite file never claim the same call."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InternalError

from reelhouse.services.settings import ConfigError, load_settings
from reelhouse.store.db import DEFAULT_MAX_OVERFLOW, DEFAULT_POOL_SIZE, Database
from tests.conftest import PG_ADMIN_DSN, fresh_database


def _terminate_backends_of(url: str) -> int:
    """Ends every server process connected to `url`'s database (as a restart would)."""
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    assert ended is not None
    return int(ended[0])


def test_a_killed_pooled_connection_costs_the_next_transaction_nothing(
    postgres_url: str,
) -> None:
    db = Database(postgres_url, migrate=False, pool_size=2, max_overflow=0)
    try:
        with db.transaction() as session:
            before = session.scalar(text("SELECT pg_backend_pid()"))
        assert _terminate_backends_of(postgres_url) >= 1
        with db.transaction() as session:
            after = session.scalar(text("SELECT pg_backend_pid()"))
            assert session.scalar(text("SELECT 41 + 1")) == 42
        assert after != before, "served by a fresh connection"
    finally:
        db.dispose()


def test_a_disconnect_after_the_first_statement_propagates(postgres_url: str) -> None:
    db = Database(postgres_url, migrate=False, pool_size=1, max_overflow=0)
    try:
        with pytest.raises(DBAPIError) as raised, db.transaction() as session:
            session.execute(text("SELECT 1"))
            _terminate_backends_of(postgres_url)
            session.execute(text("SELECT 2"))
        assert raised.value.connection_invalidated
        with db.transaction() as session:  # the pool recovers for the next one
            assert session.scalar(text("SELECT 3")) == 3
    finally:
        db.dispose()


def test_a_read_only_transaction_refuses_writes_on_postgresql(postgres_url: str) -> None:
    db = Database(postgres_url, migrate=False)
    try:
        with (
            pytest.raises(InternalError, match="read-only"),
            db.transaction(read_only=True) as session,
        ):
            session.execute(text("CREATE TEMP TABLE scratch (n int)"))
        with db.transaction() as session:
            assert session.scalar(text("SHOW transaction_read_only")) == "off"
    finally:
        db.dispose()


def test_a_sqlite_reader_is_not_held_up_by_a_writer(sqlite_url: str) -> None:
    db = Database(sqlite_url, migrate=False)
    writing = threading.Event()
    done = threading.Event()

    def writer() -> None:
        with db.transaction() as session:
            session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE holds the write lock now
            writing.set()
            done.wait()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        writing.wait()
        # With a writer holding the lock, a read-only transaction still reads at once (a
        # writing one would wait SQLITE_BUSY_TIMEOUT_MS for it).
        with db.transaction(read_only=True) as session:
            assert session.scalar(text("SELECT count(*) FROM operators")) == 0
    finally:
        done.set()
        thread.join()
        db.dispose()


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database(request, "sqlite", tmp_path)


def test_the_pool_settings_have_defaults_for_four_processes_and_are_checked() -> None:
    env = {"HOME": "/nonexistent", "REELHOUSE_SECRET_KEY": "k", "REELHOUSE_DATA_DIR": "/tmp/x"}
    settings = load_settings(env | {"REELHOUSE_DATABASE_URL": "postgresql://h/db"})
    assert (settings.db_pool_size, settings.db_max_overflow) == (
        DEFAULT_POOL_SIZE,
        DEFAULT_MAX_OVERFLOW,
    )
    # Two serves and two workers stay under PostgreSQL's default max_connections (100).
    assert 4 * (DEFAULT_POOL_SIZE + DEFAULT_MAX_OVERFLOW) < 100
    tuned = load_settings(
        env
        | {
            "REELHOUSE_DATABASE_URL": "postgresql://h/db",
            "REELHOUSE_DB_POOL_SIZE": "4",
            "REELHOUSE_DB_MAX_OVERFLOW": "0",
        }
    )
    assert (tuned.db_pool_size, tuned.db_max_overflow) == (4, 0)
    with pytest.raises(ConfigError, match="REELHOUSE_DB_POOL_SIZE"):
        load_settings(env | {"REELHOUSE_DB_POOL_SIZE": "0"})
