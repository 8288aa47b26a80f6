"""Kill -9: the Reelhouse server and worker processes are killed at random points while bots
play, and restarted; afterwards every round settles and the ledgers agree to the minor unit.

Real processes (`reelhouse serve`, `reelhouse worker`), real HTTP, the demo casino in this
process. The lease margin and backoff are shortened through the environment so recovery
takes seconds, not minutes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.domain.states import TERMINAL_ROUND_STATES
from reelhouse.operator_kit.demo_bots import DemoBots
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import operators
from reelhouse.services.settings import Settings
from reelhouse.store.models import Round
from reelhouse.store.secrets import new_key_text
from tests.dispatch.fault_sim import check_ledgers_agree
from tests.harness import GAME

KILLS = 20
PLAYERS = 3
# Play between two kills, in seconds: long enough for rounds to be under way at each kill
# (three players spin every 0.05 s), short enough that twenty kills cost little more than
# the ten restarts of the server.
PLAY_BETWEEN_KILLS_S = (0.2, 0.8)
SETTLE_SECONDS = 120
REELHOUSE = str(Path(sys.executable).parent / "reelhouse")


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=out, stderr=out)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError("server did not come up")


def keep_playing(
    bots: DemoBots, session_token: str, stop: threading.Event, done: list[int]
) -> None:
    while not stop.is_set():
        try:
            envelope = bots.spin(session_token, "0.50")
        except (httpx.HTTPError, ValueError):  # the server is down (or died mid-answer)
            time.sleep(0.05)
            continue
        done.append(envelope["code"])
        if envelope["code"] != 0:
            time.sleep(0.1)


@pytest.fixture
def casino(tmp_path: Path) -> Iterator[tuple[ServerThread, dict[str, str], Casino]]:
    token = {"value": ""}
    app = create_casino_app(f"sqlite:///{tmp_path / 'casino.db'}", lambda: token["value"])
    server = ServerThread(app).start()
    yield server, token, app.state.casino
    server.stop()


def test_kill_nine_twenty_times_then_everything_settles(
    database_url: str, tmp_path: Path, casino: tuple[ServerThread, dict[str, str], Casino]
) -> None:
    casino_server, casino_token, casino_logic = casino
    seed = int(os.environ.get("REELHOUSE_KILL_SEED", "9"))
    chooser = random.Random(seed)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url, new_key_text(), url, allow_private_callbacks=True)
    platform = build_platform(settings)
    db = platform.db
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name="survivor",
            currency="USD",
            callback_url=f"{casino_server.url}/callback",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    casino_token["value"] = issued.callback_token
    env = os.environ | {
        "REELHOUSE_DATABASE_URL": database_url,
        "REELHOUSE_SECRET_KEY": settings.secret_key,
        "REELHOUSE_PUBLIC_URL": url,
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS": "1",
        "REELHOUSE_LEASE_MARGIN_SECONDS": "1",
        "REELHOUSE_LATE_BET_WINDOW_SECONDS": "1",
        "REELHOUSE_RETRY_BACKOFF_BASE_SECONDS": "0.5",
        "REELHOUSE_RETRY_BACKOFF_CAP_SECONDS": "2",
    }
    server = Process([REELHOUSE, "serve", "--port", str(port)], env, tmp_path / "serve.log")
    worker = Process([REELHOUSE, "worker"], env, tmp_path / "worker.log")
    server.start()
    worker.start()
    stop = threading.Event()
    try:
        wait_until_serving(url)
        bots = DemoBots(url, issued.api_token, casino_server.url)
        sessions = []
        for n in range(PLAYERS):
            user_code = bots.fund_player(f"tough_{n}", "USD", "500.00")
            sessions.append(bots.open_session(user_code, GAME))
        codes: list[int] = []
        player_bots = [DemoBots(url, issued.api_token, casino_server.url) for _ in sessions]
        players = [
            threading.Thread(target=keep_playing, args=(b, s, stop, codes))
            for b, s in zip(player_bots, sessions, strict=True)
        ]
        for thread in players:
            thread.start()
        for kill in range(KILLS):
            time.sleep(chooser.uniform(*PLAY_BETWEEN_KILLS_S))
            victim = server if kill % 2 == 0 else worker
            victim.kill()
            victim.start()
            if victim is server:
                wait_until_serving(url)
        stop.set()
        for thread in players:
            thread.join()
        for player_bot in player_bots:
            player_bot.close()
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            with db.transaction() as session:
                states = session.scalars(select(Round.state)).all()
            if all(state in TERMINAL_ROUND_STATES for state in states):
                break
            time.sleep(0.25)
        assert codes.count(0) > 10, f"seed {seed}: too few rounds played: {codes}"
        start = {f"tough_{n}": 50_000 for n in range(PLAYERS)}
        check_ledgers_agree(db, casino_logic, start, f"kill -9 seed {seed}")
        bots.close()
    finally:
        stop.set()
        server.stop()
        worker.stop()
        platform.close()
