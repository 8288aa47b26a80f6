"""Each process that writes ids claims its id node (domain/ids.py) for as long as it runs, so
two processes sharing a database never make ids with the same node.

A configured node (REELHOUSE_NODE_ID) is claimed too: a second process started with the same
number stops at start instead of clashing later. Without one, the process takes the first
free node of a random order. The claim is held by the operating system or the database for
the process, so a process killed with -9 frees its node at once:

- PostgreSQL: a session advisory lock, on a connection of its own kept for the process
  (in autocommit, so it never holds a transaction open).
- SQLite: an exclusive `flock` on one file per node beside the database file.
"""

from __future__ import annotations

import fcntl
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from reelhouse.domain.ids import MAX_NODE
from reelhouse.store.db import Database

# Advisory lock keys: a fixed prefix ("REEL" in ASCII) and the node in the low byte, so they
# cannot meet another application's small integer keys.
ADVISORY_KEY_BASE = 0x5245454C << 8


class NodeUnavailable(RuntimeError):
    """No node could be claimed: the configured one is held by another process, or all are."""


@dataclass
class NodeClaim:
    node: int
    _release: Callable[[], None]

    def release(self) -> None:
        self._release()


def claim_node(db: Database, configured: int | None) -> NodeClaim:
    """Claim `configured`, or any free node; raises NodeUnavailable."""
    order = (
        [configured] if configured is not None else random.sample(range(MAX_NODE + 1), MAX_NODE + 1)
    )
    claim = _claim_in_sqlite(db, order) if db.is_sqlite else _claim_in_postgresql(db, order)
    if claim is not None:
        return claim
    if configured is not None:
        raise NodeUnavailable(f"id node {configured} is held by another running process")
    raise NodeUnavailable(f"all {MAX_NODE + 1} id nodes are held by running processes")


def _claim_in_postgresql(db: Database, order: list[int]) -> NodeClaim | None:
    # Its own connection, outside the pool: it is kept for the life of the process.
    engine = create_engine(db.url, poolclass=NullPool)
    raw: Any = engine.raw_connection()
    raw.driver_connection.autocommit = True
    cursor = raw.cursor()
    for node in order:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY_BASE + node,))
        if cursor.fetchone()[0]:
            cursor.close()

            def release() -> None:
                raw.close()
                engine.dispose()

            return NodeClaim(node, release)
    cursor.close()
    raw.close()
    engine.dispose()
    return None


def _claim_in_sqlite(db: Database, order: list[int]) -> NodeClaim | None:
    path = db.url.split("///", 1)[-1]
    if not path or path == ":memory:":
        # A database only this process sees: any node is its own.
        return NodeClaim(order[0], lambda: None)
    folder = Path(f"{path}.nodes")
    folder.mkdir(parents=True, exist_ok=True)
    for node in order:
        handle = os.open(folder / f"{node}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        return NodeClaim(node, lambda handle=handle: os.close(handle))  # type: ignore[misc]
    return None
