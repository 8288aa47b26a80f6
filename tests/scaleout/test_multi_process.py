"""Several processes on one PostgreSQL database: two API processes (`reelhouse serve
--no-dispatcher` on two ports) and two dispatchers (`reelhouse worker`), real subprocesses
with the same settings, in front of the demo casino behind a wire watch (wire_watch.py)
that fails some bets, wins and cancels. Bots play thousands of rounds across many players
through both API processes. Then the outbox drains, every round is terminal, the ledgers
agree round by round, reconciliation against the casino's ledger export finds no
difference, and no call was ever on the wire twice at the same time."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.domain.clock import UTC
from reelhouse.domain.errors import ApiCode
from reelhouse.domain.states import TERMINAL_ROUND_STATES, CallState
from reelhouse.operator_kit.demo_bots import DemoBots
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import ledger_export, operators
from reelhouse.services.reconcile import reconcile
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import Round, WalletCall
from reelhouse.store.secrets import new_key_text
from tests.dispatch.fault_sim import check_ledgers_agree
from tests.harness import GAME
from tests.scaleout.wire_watch import WireWatch
from tests.test_kill9 import Process, wait_until_serving

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PLAYERS = 16  # half on each API process
ROUNDS_PER_PLAYER = 130  # 2,080 rounds in all
RETRY_SPIN_SECONDS = 0.05  # a player's pause before spinning again after 3002
DEPOSIT = "500.00"
DEPOSIT_MINOR = 50_000
BETS = ("0.10", "0.50", "1.00")
# Guards against a hang only; the outbox drains within seconds of the last round.
DRAIN_GIVE_UP_SECONDS = 120.0
REELHOUSE = str(Path(sys.executable).parent / "reelhouse")
OPERATOR = "scaled"


def _play(bots: DemoBots, token: str, seed: int, codes: Counter[int]) -> None:
    """Opens ROUNDS_PER_PLAYER rounds; a spin refused while the player's previous round
    still owes its win (3002: a retry is due) is tried again, as a player would."""
    opened = 0
    while opened < ROUNDS_PER_PLAYER:
        envelope = bots.spin(token, BETS[(seed + opened) % len(BETS)])
        codes[envelope["code"]] += 1
        if envelope["code"] == ApiCode.ROUND_IN_PROGRESS:
            time.sleep(RETRY_SPIN_SECONDS)
            continue
        opened += 1


@pytest.fixture
def watched_casino(
    tmp_path: Path,
) -> Iterator[tuple[ServerThread, dict[str, str], Casino, WireWatch]]:
    token = {"value": ""}
    # The casino's ledger in memory-backed storage where there is some: its commits' syncs
    # are not what this test is about, and they would cost most of its time budget.
    shm = Path("/dev/shm")
    ledger_dir = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    app = create_casino_app(f"sqlite:///{ledger_dir / 'casino.db'}", lambda: token["value"])
    watch = WireWatch(app, seed=int(os.environ.get("REELHOUSE_SCALEOUT_SEED", "7")))
    server = ServerThread(watch).start()
    yield server, token, app.state.casino, watch
    server.stop()
    if ledger_dir != tmp_path:
        shutil.rmtree(ledger_dir, ignore_errors=True)


def test_two_api_processes_and_two_dispatchers_keep_the_books(
    postgres_url: str,
    tmp_path: Path,
    watched_casino: tuple[ServerThread, dict[str, str], Casino, WireWatch],
) -> None:
    casino_server, casino_token, casino, watch = watched_casino
    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    settings = Settings(postgres_url, new_key_text(), urls[0], allow_private_callbacks=True)
    platform = build_platform(settings)
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name=OPERATOR,
            currency="USD",
            callback_url=f"{casino_server.url}/callback",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    casino_token["value"] = issued.callback_token
    env = os.environ | {
        "REELHOUSE_DATABASE_URL": postgres_url,
        "REELHOUSE_SECRET_KEY": settings.secret_key,
        "REELHOUSE_PUBLIC_URL": urls[0],
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS": "1",
        "REELHOUSE_LEASE_MARGIN_SECONDS": "2",
        "REELHOUSE_LATE_BET_WINDOW_SECONDS": "1",
        "REELHOUSE_RETRY_BACKOFF_BASE_SECONDS": "0.2",
        "REELHOUSE_RETRY_BACKOFF_CAP_SECONDS": "1",
        "REELHOUSE_API_RATE_PER_SECOND": "100000",
        "REELHOUSE_API_RATE_BURST": "100000",
        "REELHOUSE_DATA_DIR": str(tmp_path / "data"),
        # A small connection budget (docs/operations.md): 4 processes x 6 = 24 connections,
        # on a server other test processes share.
        "REELHOUSE_DB_POOL_SIZE": "4",
        "REELHOUSE_DB_MAX_OVERFLOW": "2",
    }
    # Each process its own id node (domain/ids.py), as a deployment gives them.
    processes = [
        Process(
            [REELHOUSE, "serve", "--no-dispatcher", "--port", str(port)],
            env | {"REELHOUSE_NODE_ID": str(1 + n)},
            tmp_path / f"serve{n}.log",
        )
        for n, port in enumerate(ports)
    ] + [
        Process(
            [REELHOUSE, "worker"],
            env | {"REELHOUSE_NODE_ID": str(3 + n)},
            tmp_path / f"worker{n}.log",
        )
        for n in range(2)
    ]
    start_day = dt.datetime.now(UTC).date()
    try:
        for process in processes:
            process.start()
        for url in urls:
            wait_until_serving(url)
        codes: Counter[int] = Counter()
        threads = []
        all_bots = []
        for n in range(PLAYERS):
            bots = DemoBots(urls[n % 2], issued.api_token, casino_server.url)
            all_bots.append(bots)
            token = bots.open_session(bots.fund_player(f"p{n}", "USD", DEPOSIT), GAME)
            threads.append(threading.Thread(target=_play, args=(bots, token, n, codes)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for bots in all_bots:
            bots.close()
        _wait_for_the_outbox_to_drain(platform.db)
    finally:
        for process in processes:
            process.stop()
    try:
        opened = codes[ApiCode.OK] + codes[ApiCode.WALLET_UNAVAILABLE]
        assert opened == PLAYERS * ROUNDS_PER_PLAYER, codes
        assert codes[ApiCode.OK] > opened * 9 // 10, f"too few rounds paid: {codes}"
        assert watch.log.failed["win"] > 0, "the dispatchers had no retry work"
        assert not watch.log.overlaps, f"on the wire twice at once: {watch.log.overlaps[:10]}"
        start = {f"p{n}": DEPOSIT_MINOR for n in range(PLAYERS)}
        check_ledgers_agree(platform.db, casino, start, "two serves, two workers")
        end_day = dt.datetime.now(UTC).date()
        with ledger_export.http_client() as http:
            fetch = ledger_export.from_url(f"{casino_server.url}/api/ledger", http)
            for day in sorted({start_day, end_day}):
                report = reconcile(platform, OPERATOR, day, fetch, strict=True)
                assert report.ok, [item.to_json() for item in report.differences]
                assert report.matched > 0 or day != start_day
    finally:
        platform.close()


def _wait_for_the_outbox_to_drain(db: Database) -> None:
    settled = {CallState.ACKED.value, CallState.REFUSED.value, CallState.UNKNOWN.value}
    deadline = time.monotonic() + DRAIN_GIVE_UP_SECONDS
    while True:
        with db.transaction(read_only=True) as session:
            rounds = set(session.scalars(select(Round.state).distinct()))
            calls = set(session.scalars(select(WalletCall.state).distinct()))
        if rounds <= {s.value for s in TERMINAL_ROUND_STATES} and calls <= settled:
            return
        assert time.monotonic() < deadline, f"not drained: rounds {rounds}, calls {calls}"
        time.sleep(0.25)
