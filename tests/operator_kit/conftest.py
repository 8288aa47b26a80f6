from __future__ import annotations

import pathlib
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine

from reelhouse.domain.clock import FakeClock
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.sdk.models import WalletBase

from .casino_helpers import START, TOKEN, Mount, Provider, Switch, http_post, serve


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def casino_url(tmp_path: pathlib.Path) -> str:
    return f"sqlite:///{tmp_path / 'casino.db'}"


@pytest.fixture
def app(casino_url: str, clock: FakeClock) -> FastAPI:
    return create_casino_app(casino_url, TOKEN, clock=clock)


@pytest.fixture(scope="session")
def switch() -> Iterator[tuple[Switch, str]]:
    # Real HTTP on loopback (starlette's TestClient warns about httpx, and warnings are errors).
    switch = Switch()
    with serve(switch, lifespan="off") as base_url:
        yield switch, base_url


@pytest.fixture
def mount(switch: tuple[Switch, str]) -> Iterator[Mount]:
    """Put an app behind the session's server; returns an HTTP client for it."""
    server, base_url = switch
    mounted: list[tuple[FastAPI, httpx.Client]] = []

    def mount(app: FastAPI) -> httpx.Client:
        server.target = app
        client = httpx.Client(base_url=base_url, timeout=10)
        mounted.append((app, client))
        return client

    yield mount
    server.target = None
    for app, client in mounted:
        client.close()
        app.state.casino.dispose()  # the lifespan does it under a server of its own


@pytest.fixture
def client(app: FastAPI, mount: Mount) -> httpx.Client:
    return mount(app)


@pytest.fixture
def provider(client: httpx.Client, clock: FakeClock) -> Provider:
    return Provider(http_post(client), clock)


@pytest.fixture(params=["sqlite", "postgresql"])
def wallet_url(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[str]:
    """A database for an SDK wallet, on SQLite and on PostgreSQL (its tables emptied). On
    PostgreSQL it is the test process's Reelhouse database: the wallet's tables are dropped
    again afterwards, so a later test there finds Reelhouse's schema and nothing else."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wallet.db'}"
        return
    url: str = request.getfixturevalue("pg_database_url")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    WalletBase.metadata.drop_all(engine)
    try:
        yield url
    finally:
        WalletBase.metadata.drop_all(engine)
        engine.dispose()
