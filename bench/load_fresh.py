"""A fresh database (and scratch directory) for each part of a load run, so no part sees
another's operators, players or rounds: a new SQLite file, or a new database on the
PostgreSQL server the run was given (dropped afterwards)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load_stack import Stack, postgres_database, running_stack
from bench.load_topology import Topology


class FreshDatabases:
    def __init__(self, database: str, scratch: Path) -> None:
        """`database`: "sqlite", or a postgresql:// server URL; `scratch`: where the parts'
        directories go."""
        self.database = database
        self.is_postgresql = database.startswith("postgresql")
        self._scratch = scratch
        self._numbers = itertools.count()

    @contextmanager
    def database_url(self) -> Iterator[tuple[str, Path]]:
        """A fresh database's URL and a fresh directory for its part's files."""
        workdir = self._scratch / f"part{next(self._numbers)}"
        workdir.mkdir()
        if self.is_postgresql:
            with postgres_database(self.database) as url:
                yield url, workdir
        else:
            yield f"sqlite:///{workdir / 'reelhouse.db'}", workdir

    @contextmanager
    def stack(self, players_per_operator: int, topology: Topology | None = None) -> Iterator[Stack]:
        """Every process of a load run up on a fresh database, sessions open."""
        with (
            self.database_url() as (url, workdir),
            running_stack(url, workdir, players_per_operator, topology) as stack,
        ):
            print(
                f"\n{stack.database}: {len(stack.reelhouse.tokens)} players, sessions open",
                flush=True,
            )
            yield stack
