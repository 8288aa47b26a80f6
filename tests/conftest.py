"""Shared fixtures. Every database-backed test runs on SQLite and on PostgreSQL.

PostgreSQL: on CI (CI=true) a missing server fails the run; elsewhere those tests skip with
a message saying how to start it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from reelhouse.store.db import Database
from reelhouse.store.models import Base
from tests.harness import DIALECTS, Stack, running_stack
from tests.shared_tls import install as share_tls_context

share_tls_context()

PG_ADMIN_DSN = os.environ.get("REELHOUSE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_START_HINT = (
    "PostgreSQL is not reachable at 127.0.0.1:5432; start it with "
    "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
)


def _pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _require_pg() -> None:
    if _pg_reachable():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the PostgreSQL leg: {PG_START_HINT}")
    pytest.skip(PG_START_HINT)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating every test is slow)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "reelhouse.db"
    Database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """One migrated PostgreSQL database per test process, emptied between tests."""
    _require_pg()
    name = f"rh_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    Database(url).dispose()
    yield url
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_pg(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def fresh_database(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """An empty, migrated database of the given backend for one test."""
    if backend == "sqlite":
        path = tmp_path / "reelhouse.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database_url")
    _empty_pg(url)
    return url


@pytest.fixture(autouse=True)
def _main_thread_loop_set_aside(request: pytest.FixtureRequest) -> Iterator[None]:
    """The browser tests drive Playwright's synchronous API, whose event loop stays registered
    as running in the worker's main thread for as long as their browser lives (the rest of
    the session). Any other test there that starts a loop of its own (asyncio.run, anyio.run)
    would be refused, so for those tests the browser's loop is set aside, then put back."""
    registered = asyncio.events._get_running_loop()
    if registered is None or "browser" in request.node.path.parts:
        yield
        return
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(registered)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database(request, request.param, tmp_path)


# The fault simulation's seeds. The reference dialect on SQLite runs the full count; the other
# dialects run a fifth of that (they share every line of dispatch code and differ only in the
# codec), and PostgreSQL, whose seeds cost twice as much, a tenth per dialect. The defaults
# keep `make test` inside its time budget on two busy cores (each seed plays a whole schedule
# of faults, dialect switches included: about 0.8 s of CPU on SQLite, so the 512 cases of
# 300 and 30 seeds had grown to a quarter of the suite's CPU); scale them with --sim-seeds /
# --sim-seeds-pg for a longer soak, as before a release (`--sim-seeds 300 --sim-seeds-pg 30`
# was the default until the suite outgrew its budget).
DEFAULT_SIM_SEEDS = 150
DEFAULT_SIM_SEEDS_PG = 15
REFERENCE_DIALECT = "slotcity-v4"
OTHER_DIALECT_SHARE = 5


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sim-seeds",
        type=int,
        default=DEFAULT_SIM_SEEDS,
        help="how many seeds the dispatcher fault simulation runs on SQLite",
    )
    parser.addoption(
        "--sim-seeds-pg",
        type=int,
        default=DEFAULT_SIM_SEEDS_PG,
        help="how many seeds the dispatcher fault simulation runs on PostgreSQL",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sim_case" in metafunc.fixturenames:
        sqlite_seeds = metafunc.config.getoption("--sim-seeds")
        pg_seeds = metafunc.config.getoption("--sim-seeds-pg")
        cases = []
        for dialect in DIALECTS:
            share = 1 if dialect == REFERENCE_DIALECT else OTHER_DIALECT_SHARE
            cases += [("sqlite", dialect, s) for s in range(max(sqlite_seeds // share, 1))]
            cases += [("postgresql", dialect, s) for s in range(pg_seeds)]
        metafunc.parametrize("sim_case", cases, ids=[f"{b}-{d}-seed_{s}" for b, d, s in cases])


@pytest.fixture
def postgres_url(pg_database_url: str) -> str:
    """PostgreSQL only, for tests of what only PostgreSQL offers (several workers at once)."""
    _empty_pg(pg_database_url)
    return pg_database_url


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    """Reelhouse and the demo casino over real HTTP on loopback, on this test's database."""
    with running_stack(database_url, tmp_path) as running:
        yield running


@pytest.fixture
def sqlite_stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """The same on SQLite only, for checks of the HTTP edge that no database changes."""
    with running_stack(fresh_database(request, "sqlite", tmp_path), tmp_path) as running:
        yield running


# `reelhouse ARGS...` run in-process: its exit status, standard output and standard error.
CliRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def reelhouse_cli(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> CliRun:
    """The command line on this test's database, with a fresh secret key and private
    callback addresses allowed (the tests' wallets are local)."""
    from reelhouse.cli import app as cli_app
    from reelhouse.store.secrets import new_key_text

    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", database_url)
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", new_key_text())
    monkeypatch.setenv("REELHOUSE_ALLOW_PRIVATE_CALLBACKS", "1")

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            cli_app(list(args), prog_name="reelhouse")
        out, err = capsys.readouterr()
        return (ended.value.code if isinstance(ended.value.code, int) else 1), out, err

    return run
