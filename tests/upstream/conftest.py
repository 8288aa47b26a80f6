"""Fixtures of the upstream tests: the upstream Reelhouse's own database."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from reelhouse.store.db import Database
from tests.conftest import PG_ADMIN_DSN, _empty_pg


@pytest.fixture(scope="session")
def upstream_pg_url() -> Iterator[str]:
    """A second PostgreSQL database for the upstream Reelhouse, per test process."""
    name = f"rh_up_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    Database(url).dispose()
    yield url
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def upstream_database_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    """The upstream's own database, of the same kind as the aggregator's."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "upstream.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("upstream_pg_url")
    _empty_pg(url)
    return url
