"""`reelhouse serve` runs the dispatcher inside its app's lifespan: a win whose first sending
failed goes out with no `reelhouse worker` running; `--no-dispatcher` (or
REELHOUSE_SERVE_DISPATCHER=0) leaves it queued for a separate worker."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from reelhouse.api import factory
from reelhouse.api.app import create_app
from reelhouse.api.factory import APP_FACTORY, app_from_settings
from reelhouse.api.server import free_port
from reelhouse.cli import app as cli_app
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind
from reelhouse.services.settings import ConfigError
from reelhouse.store.db import Database
from reelhouse.store.models import WalletCall
from reelhouse.store.secrets import new_key_text
from tests.faults import DROP, faulty_stack, session_for, spin
from tests.harness import Stack
from tests.test_kill9 import REELHOUSE, Process, wait_until_serving

# A guard against a hang only: the win goes out at the dispatcher's first pass.
GIVE_UP_SECONDS = 120.0
POLL_SECONDS = 0.05


def _win_states(stack: Stack) -> list[str]:
    with stack.platform.db.transaction(read_only=True) as session:
        return list(
            session.scalars(
                select(WalletCall.state).where(WalletCall.kind == CommandKind.WIN.value)
            )
        )


def _queue_a_win(stack: Stack) -> None:
    """Spins until a round wins, with its win's first sending dropped: it is then queued."""
    token = session_for(stack, "lucky")
    while not _win_states(stack):
        envelope: dict[str, Any] = spin(stack, token)
        assert envelope["code"] == 0, envelope
    assert _win_states(stack) == [CallState.QUEUED.value]
    # Past the retry's backoff: the win is due.
    stack.clock.advance(seconds=600)


async def _serve_until(app: FastAPI, done: Any) -> None:
    """The app's lifespan entered (as uvicorn does) until `done()` holds, then left."""
    async with app.router.lifespan_context(app):
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while not await asyncio.to_thread(done):
            assert time.monotonic() < deadline, "the dispatcher did not send the win"
            await asyncio.sleep(POLL_SECONDS)


def test_the_dispatcher_inside_serve_sends_a_queued_win(database_url: str, tmp_path: Path) -> None:
    with faulty_stack(database_url, tmp_path) as (stack, transport):
        transport.fail("win", DROP, times=1)
        _queue_a_win(stack)
        app = create_app(stack.platform, dispatcher=True)
        asyncio.run(_serve_until(app, lambda: _win_states(stack) == [CallState.ACKED.value]))
        assert not app.state.dispatcher.running, "the lifespan's end stops the dispatcher"


def test_without_the_dispatcher_the_win_stays_queued(database_url: str, tmp_path: Path) -> None:
    with faulty_stack(database_url, tmp_path) as (stack, transport):
        transport.fail("win", DROP, times=1)
        _queue_a_win(stack)
        app = create_app(stack.platform)
        assert app.state.dispatcher is None
        asyncio.run(_serve_until(app, lambda: True))
        assert _win_states(stack) == [CallState.QUEUED.value]


@pytest.mark.parametrize(("flag", "runs_dispatcher"), [("1", True), ("0", False)])
def test_the_factory_follows_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flag: str, runs_dispatcher: bool
) -> None:
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", new_key_text())
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", f"sqlite:///{tmp_path / 'rh.db'}")
    monkeypatch.setenv("REELHOUSE_SERVE_DISPATCHER", flag)
    # Logging set up for a process would outlive the test (a handler on pytest's stderr).
    monkeypatch.setattr(factory, "configure_logging", lambda: None)
    Database(f"sqlite:///{tmp_path / 'rh.db'}").dispose()  # serve migrates first
    app = app_from_settings()
    try:
        assert (app.state.dispatcher is not None) is runs_dispatcher
        assert app.state.owns_platform
    finally:
        app.state.platform.close()


@pytest.mark.parametrize(
    ("args", "expected_flag"), [([], "1"), (["--no-dispatcher"], "0"), (["--dispatcher"], "1")]
)
def test_serve_passes_its_flags_to_uvicorn_and_the_processes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], expected_flag: str
) -> None:
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", new_key_text())
    monkeypatch.delenv("REELHOUSE_DATABASE_URL", raising=False)
    # Set, then removed: monkeypatch then removes what `serve` sets, after the test.
    monkeypatch.setenv("REELHOUSE_SERVE_DISPATCHER", "1")
    monkeypatch.delenv("REELHOUSE_SERVE_DISPATCHER")
    seen: dict[str, Any] = {}

    def fake_run(app: str, **options: Any) -> None:
        seen.update(options, app=app, flag=os.environ.get("REELHOUSE_SERVE_DISPATCHER", "1"))

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setattr("reelhouse.api.logging_setup.configure_logging", lambda: None)
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "3", *args])
    assert result.exit_code == 0, result.output
    assert seen["app"] == APP_FACTORY and seen["factory"] is True
    assert seen["workers"] == 3
    assert seen["flag"] == expected_flag
    assert (tmp_path / "reelhouse.db").exists(), "migrated once, before the processes start"


def test_serve_refuses_several_processes_on_one_node_id(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REELHOUSE_NODE_ID", "5")
    monkeypatch.setattr("uvicorn.run", lambda *_a, **_k: None)
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2"])
    # A ConfigError: the command line ends with its message and status 2 (cli/__init__.py).
    assert isinstance(result.exception, ConfigError)
    assert "REELHOUSE_NODE_ID" in str(result.exception)


def test_serve_with_two_workers_runs_two_processes_each_with_its_dispatcher(
    tmp_path: Path,
) -> None:
    """The real command: two serving processes on one port from the app factory, each
    starting its dispatcher in its lifespan and stopping it on SIGTERM."""
    port = free_port()
    env = os.environ | {
        "REELHOUSE_DATA_DIR": str(tmp_path),
        "REELHOUSE_SECRET_KEY": new_key_text(),
        "REELHOUSE_DATABASE_URL": f"sqlite:///{tmp_path / 'rh.db'}",
    }
    env.pop("REELHOUSE_NODE_ID", None)
    env.pop("REELHOUSE_SERVE_DISPATCHER", None)
    log = tmp_path / "serve.log"
    server = Process([REELHOUSE, "serve", "--port", str(port), "--workers", "2"], env, log)
    server.start()
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while log.read_text().count("dispatcher running inside this serving process") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(POLL_SECONDS)
    finally:
        server.stop()
    assert server.proc is not None and server.proc.returncode == 0, log.read_text()
    assert log.read_text().count("Application shutdown complete") == 2
    assert log.read_text().count("Running upgrade  -> 0001") == 1, "migrated once"
