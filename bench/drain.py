"""Dispatcher drain: how fast the dispatcher (`reelhouse.dispatch.worker.Worker`, in this
process) empties an outbox of queued wins into an instant wallet, against a raw HTTP client
sending the same requests to the same wallet at the same concurrency.

    .venv/bin/python -m bench.drain [--database URL] [--calls N]

The outbox is written directly (bench/drain_fill.py): `--calls` rounds whose bet the wallet
acknowledged and whose win is queued and due. The baseline is httpx on as many threads as
the worker has sender threads (`SENDER_THREADS`), sending the very requests the worker's
codec makes for those calls (built before its clock starts, with their transaction ids
moved out of the way so the wallet applies them as new rather than answering a repeat).
The worker is then started and timed until every win is acknowledged. Both against the
wallet of bench/load_wallet.py (the operator SDK's ledger), in its own process.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.drain_fill import account_of, write_queued_wins
from bench.load_stack import bench_env, make_operators, postgres_database, start_wallet, stop
from reelhouse.api.server import free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dialects.registry import get_dialect
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import SENDER_THREADS, Worker
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import HttpRequest
from reelhouse.services.platform import Platform
from reelhouse.services.settings import load_settings
from reelhouse.store.models import Operator, WalletCall
from reelhouse.store.outbox import command_for

RESULTS = Path(__file__).parent / "results" / "drain.json"
DEFAULT_CALLS = 5_000
# The baseline's transaction ids: the worker's own plus this, never seen by the wallet.
BASELINE_ID_OFFSET = 10**14
POLL_S = 0.05
# However slow the machine, a drain that has not finished by then is reported as such.
LEAST_WAIT_S = 60.0
WAIT_S_PER_CALL = 0.2


def _requests_for(platform: Platform, call_ids: list[int]) -> list[HttpRequest]:
    """The request the worker's codec makes for each call, as the sender builds it."""
    sender = platform.wallet
    assert isinstance(sender, WalletSender)
    now_s = int(platform.clock.now().timestamp())
    requests = []
    with platform.db.transaction() as session:
        for call_id in call_ids:
            call = session.get(WalletCall, call_id)
            operator = session.get(Operator, call.operator_id) if call else None
            assert call is not None and operator is not None
            endpoint = sender.endpoint_of(operator, call.dialect)
            command = command_for(session, call)
            command = dataclasses.replace(command, trans_id=command.trans_id + BASELINE_ID_OFFSET)
            credentials = CallbackCredentials(endpoint.callback_url, endpoint.callback_token)
            dialect = get_dialect(endpoint.dialect)
            requests.append(dialect.encode_command(command, credentials, now_s))
    return requests


def _raw_send(requests: list[HttpRequest]) -> dict[str, Any]:
    """Every request on SENDER_THREADS threads through one httpx client, timed."""
    limits = httpx.Limits(max_connections=SENDER_THREADS, max_keepalive_connections=SENDER_THREADS)
    with httpx.Client(limits=limits, timeout=30) as client:

        def send(request: HttpRequest) -> bool:
            answer = client.post(request.url, content=request.body, headers=list(request.headers))
            return answer.status_code == 200 and json.loads(answer.content).get("result") == 0

        cpu_before, started = time.process_time(), time.perf_counter()
        with ThreadPoolExecutor(SENDER_THREADS) as pool:
            accepted = sum(pool.map(send, requests))
        elapsed_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu_before
    return _figures(len(requests), accepted, elapsed_s, cpu_s)


def _worker_drain(platform: Platform, count: int) -> dict[str, Any]:
    """The worker started on the full outbox and timed until every win is acknowledged."""
    sender = platform.wallet
    assert isinstance(sender, WalletSender)
    worker = Worker(platform.db, sender, platform.clock)
    stop_worker = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop_worker,), name="drain")
    deadline_s = max(LEAST_WAIT_S, count * WAIT_S_PER_CALL)
    cpu_before, started = time.process_time(), time.perf_counter()
    thread.start()
    acked = 0
    try:
        while time.perf_counter() - started < deadline_s:
            acked = _count_acked_wins(platform)
            if acked >= count:
                break
            time.sleep(POLL_S)
        elapsed_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu_before
    finally:
        stop_worker.set()
        thread.join()
    figures = _figures(count, acked, elapsed_s, cpu_s)
    figures["calls_by_state"] = _calls_by_state(platform)
    return figures


def _count_acked_wins(platform: Platform) -> int:
    with platform.db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(WalletCall)
                .where(WalletCall.kind == "win", WalletCall.state == CallState.ACKED.value)
            )
            or 0
        )


def _calls_by_state(platform: Platform) -> dict[str, int]:
    with platform.db.transaction() as session:
        rows = session.execute(
            select(WalletCall.state, func.count())
            .where(WalletCall.kind == "win")
            .group_by(WalletCall.state)
        ).all()
    return {str(state): int(n) for state, n in rows}


def _figures(count: int, done: int, elapsed_s: float, cpu_s: float) -> dict[str, Any]:
    return {
        "calls": count,
        "done": done,
        "seconds": round(elapsed_s, 3),
        "calls_per_s": round(done / elapsed_s, 1) if elapsed_s > 0 else None,
        # This process's CPU per call: the worker's threads (or the raw client's), all of it.
        "cpu_ms_per_call": round(cpu_s / max(done, 1) * 1000, 3),
    }


def drain(database_url: str, workdir: Path, count: int) -> dict[str, Any]:
    """Both drains of `count` wins on a fresh outbox in `database_url`; their figures and
    the worker's rate as a share of the raw client's."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        wallet_port = free_port()
        wallet_url = f"http://127.0.0.1:{wallet_port}"
        env = bench_env(workdir, database_url, "http://127.0.0.1:8000")
        _, callback_tokens = make_operators(env, wallet_url)
        accounts = [account_of(i) for i in range(count)]
        processes.append(start_wallet(workdir, wallet_port, accounts, callback_tokens))
        platform = build_platform(load_settings(env))
        try:
            with platform.db.transaction() as session:
                operator_ids = list(session.scalars(select(Operator.id).order_by(Operator.id)))
            wins = write_queued_wins(platform.db, operator_ids, count, platform.clock.now())
            raw = _raw_send(_requests_for(platform, wins))
            worker = _worker_drain(platform, count)
        finally:
            platform.close()
    finally:
        stop(processes)
    result = {
        "calls": count,
        "sender_threads": SENDER_THREADS,
        "wallet_delay_ms": 0,
        "worker": worker,
        "raw_httpx": raw,
        "drain_rate_ratio": (
            round(worker["calls_per_s"] / raw["calls_per_s"], 3)
            if worker["calls_per_s"] and raw["calls_per_s"]
            else None
        ),
    }
    print(
        f"  drain {count} wins: worker {worker['calls_per_s']}/s "
        f"({worker['cpu_ms_per_call']} ms CPU a call), raw httpx {raw['calls_per_s']}/s "
        f"({raw['cpu_ms_per_call']} ms CPU a call), ratio {result['drain_rate_ratio']}",
        flush=True,
    )
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, or a postgresql:// server URL"
    )
    parser.add_argument("--calls", type=int, default=DEFAULT_CALLS)
    parser.add_argument("--dir", type=Path, default=Path("var/bench"), help="scratch files")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as context:
        workdir = Path(
            context.enter_context(tempfile.TemporaryDirectory(prefix="drain-", dir=args.dir))
        )
        url = args.database
        if url.startswith("postgresql"):
            url = context.enter_context(postgres_database(url))
        else:
            url = f"sqlite:///{workdir.resolve() / 'reelhouse.db'}"
        result = drain(url, workdir.resolve(), args.calls)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
