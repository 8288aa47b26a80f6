"""Is there a Reelhouse database at a URL? Asked before anything that would create one.

Opening a SQLite file that does not exist creates it, and migrating an empty PostgreSQL
database fills it: a command pointed at the wrong place would then work on a new, empty
database instead of saying it found none. These checks create nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect

from reelhouse.store.db import normalise_url
from reelhouse.store.models import Operator


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database, or an in-memory one."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


@contextmanager
def existing_engine(url: str) -> Iterator[Engine | None]:
    """An engine on the database, or None when it is an in-memory or missing SQLite file
    (there is nothing stored to look at, and connecting would create the file)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is None or not path.exists():
            yield None
            return
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def holds_schema(url: str) -> bool:
    """Does the database exist and hold Reelhouse's tables (it was migrated at least once)?"""
    with existing_engine(url) as engine:
        return engine is not None and inspect(engine).has_table(Operator.__tablename__)
