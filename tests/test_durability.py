"""Every commit Reelhouse acknowledges is durable: SQLite syncs its write-ahead log at each
commit (synchronous=FULL), on every connection of the pool; PostgreSQL keeps its default of
waiting for the log flush (synchronous_commit=on)."""

from __future__ import annotations

from reelhouse.store.db import Database

SQLITE_FULL = 2  # PRAGMA synchronous answers a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_every_connection_commits_durably(database_url: str) -> None:
    db = Database(database_url, migrate=False)
    try:
        # Two pooled connections at once (raw: no transaction is begun): the setting is made
        # on each new connection, not once per engine.
        connections = [db.engine.raw_connection() for _ in range(2)]
        for conn in connections:
            cursor = conn.cursor()
            if db.is_sqlite:
                assert cursor.execute("PRAGMA synchronous").fetchone() == (SQLITE_FULL,)
                assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            else:
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone() == ("on",)
            cursor.close()
        for conn in connections:
            conn.close()
    finally:
        db.dispose()
