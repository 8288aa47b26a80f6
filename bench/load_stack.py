"""The processes the load benchmark drives, each in its own process (so none shares a GIL
with the generator): the wallet, Reelhouse (its API processes and dispatchers, as a
`Topology` of bench/load_topology.py lays them out) and the floor; and the players and
sessions they serve, made the way an operator makes them (Main API, launch URL).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from bench.load_shapes import OPERATORS
from bench.load_topology import Topology, single
from bench.proc_cpu import tree_cpu_seconds
from reelhouse.api.server import free_port
from reelhouse.api.wiring import build_platform
from reelhouse.operator_kit.demo_bots import SESSION_PATH
from reelhouse.services import operators
from reelhouse.services.settings import load_settings
from reelhouse.store.secrets import new_key_text

GAME = "lucky-sevens"
STARTUP_S = 60.0
# The wallet opens its accounts (one commit each) before it answers.
WALLET_STARTUP_S_PER_ACCOUNT = 0.05
# Sessions are opened this many at a time (the setup is not measured).
SETUP_CONCURRENCY = 16


@dataclass
class Target:
    """A server the generator plays against: its URLs (player `i` plays on
    `urls[i % len(urls)]`, the way a load balancer keeps a player on one API process) and
    one session token per player."""

    name: str
    urls: list[str]
    tokens: list[str]

    def url_of(self, player: int) -> str:
        return self.urls[player % len(self.urls)]


@dataclass
class Stack:
    wallet_url: str
    reelhouse: Target
    floor: Target
    database: str  # "sqlite" or "postgresql"
    # Reelhouse's processes by role ("api", "worker"), for their CPU seconds.
    pids_by_role: dict[str, list[int]]

    def cpu_seconds_by_role(self) -> dict[str, float]:
        """CPU seconds so far of each role's processes and their children."""
        return {role: tree_cpu_seconds(pids) for role, pids in self.pids_by_role.items()}

    def set_wallet_delay(self, ms: float) -> None:
        httpx.post(f"{self.wallet_url}/bench/delay", json={"ms": ms}).raise_for_status()

    def reset_wallet_calls(self) -> None:
        httpx.post(f"{self.wallet_url}/bench/reset").raise_for_status()

    def wait_quiet(self, most_s: float = 15.0, every_s: float = 0.5) -> None:
        """Until the wallet has seen no new call for `every_s` (what an overloaded server
        still had queued is over), at most `most_s`: the next step starts clean."""
        deadline = time.monotonic() + most_s
        seen = -1
        while time.monotonic() < deadline:
            count = int(httpx.get(f"{self.wallet_url}/bench/count").json()["count"])
            if count == seen:
                return
            seen = count
            time.sleep(every_s)

    def wallet_calls(self) -> list[tuple[int | None, float]]:
        answer = httpx.get(f"{self.wallet_url}/bench/calls", timeout=30)
        answer.raise_for_status()
        return [(r, s) for r, s in answer.json()["calls"]]


def _start(
    args: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)


def _wait_ready(
    url: str, process: subprocess.Popen[bytes], log: Path, most_s: float = STARTUP_S
) -> None:
    deadline = time.monotonic() + most_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited at start:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start in {most_s:.0f} s")


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server `server_url` names, dropped afterwards."""
    name = f"rh_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_stack(
    database_url: str, workdir: Path, players_per_operator: int, topology: Topology | None = None
) -> Iterator[Stack]:
    """Every process up and every session open; `topology`: one API process with its
    dispatcher unless said otherwise."""
    topology = topology or single()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        wallet_port, floor_port = free_port(), free_port()
        reelhouse_ports = [free_port() for _ in topology.serve_args]
        wallet_url = f"http://127.0.0.1:{wallet_port}"
        reelhouse_urls = [f"http://127.0.0.1:{port}" for port in reelhouse_ports]
        reelhouse_url = reelhouse_urls[0]
        env = bench_env(workdir, database_url, reelhouse_url)
        api_tokens, callback_tokens = make_operators(env, wallet_url)
        accounts = [f"lp{i:05d}" for i in range(OPERATORS * players_per_operator)]
        processes.append(start_wallet(workdir, wallet_port, accounts, callback_tokens))
        reelhouse_bin = str(Path(sys.executable).with_name("reelhouse"))
        pids_by_role: dict[str, list[int]] = {"api": [], "worker": []}
        for n, (port, extra) in enumerate(zip(reelhouse_ports, topology.serve_args, strict=True)):
            log = workdir / f"reelhouse{n}.log"
            command = [reelhouse_bin, "serve", "--port", str(port), *extra]
            processes.append(_start(command, log, env=env))
            pids_by_role["api"].append(processes[-1].pid)
            _wait_ready(f"http://127.0.0.1:{port}/api/game/state", processes[-1], log)
        # The dispatcher retries what a spin could not settle, as in a deployment: without
        # it, a win that timed out under overload would hold its player (3002).
        for n in range(topology.workers):
            processes.append(_start([reelhouse_bin, "worker"], workdir / f"worker{n}.log", env=env))
            pids_by_role["worker"].append(processes[-1].pid)
        tokens = asyncio.run(
            _open_sessions(reelhouse_url, api_tokens, accounts, players_per_operator)
        )
        floor_port_url = f"http://127.0.0.1:{floor_port}"
        floor_tokens = [f"floor{i}" for i in range(len(accounts))]
        per_op = players_per_operator
        floor_config = workdir / "floor.json"
        floor_config.write_text(
            json.dumps(
                {
                    "port": floor_port,
                    "wallet_url": wallet_url,
                    "sessions": {
                        token: [account, i // per_op, callback_tokens[i // per_op]]
                        for i, (token, account) in enumerate(
                            zip(floor_tokens, accounts, strict=True)
                        )
                    },
                }
            )
        )
        log = workdir / "floor.log"
        processes.append(_start([sys.executable, "-m", "bench.load_floor", str(floor_config)], log))
        _wait_ready(f"{floor_port_url}/health", processes[-1], log)
        backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        yield Stack(
            wallet_url,
            Target("reelhouse", reelhouse_urls, tokens),
            Target("floor", [floor_port_url], floor_tokens),
            backend,
            pids_by_role,
        )
    finally:
        stop(processes)


def start_wallet(
    workdir: Path, port: int, accounts: list[str], callback_tokens: list[str]
) -> subprocess.Popen[bytes]:
    """The wallet process (bench/load_wallet.py) with `accounts` open, once it answers;
    operator `n` calls it at `/cb/{n}` with `callback_tokens[n]`."""
    config = workdir / "wallet.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "db_url": f"sqlite:///{workdir / 'wallet.db'}",
                "accounts": accounts,
                "tokens": callback_tokens,
            }
        )
    )
    log = workdir / "wallet.log"
    process = _start([sys.executable, "-m", "bench.load_wallet", str(config)], log)
    most_s = STARTUP_S + WALLET_STARTUP_S_PER_ACCOUNT * len(accounts)
    _wait_ready(f"http://127.0.0.1:{port}/health", process, log, most_s)
    return process


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Terminate, latest first; kill what does not stop in 15 s."""
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def bench_env(workdir: Path, database_url: str, public_url: str) -> dict[str, str]:
    """Reelhouse's environment for a benchmark run."""
    return {
        **os.environ,
        "REELHOUSE_DATA_DIR": str(workdir),
        "REELHOUSE_DATABASE_URL": database_url,
        "REELHOUSE_SECRET_KEY": new_key_text(),
        "REELHOUSE_PUBLIC_URL": public_url,
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS": "1",
        # The generator is one client playing every operator's players: the per-operator
        # Main API rate limit (meant for an operator's backend) must not be what is measured.
        "REELHOUSE_API_RATE_PER_SECOND": "1000000",
        "REELHOUSE_API_RATE_BURST": "1000000",
    }


def make_operators(env: dict[str, str], wallet_url: str) -> tuple[list[str], list[str]]:
    """The operators, made through the service layer before Reelhouse starts (the back
    office's job); operator `n` calls the wallet at `/cb/{n}`."""
    platform = build_platform(load_settings(env))
    try:
        issued = [
            operators.create_operator(
                platform,
                operators.NewOperator(
                    name=f"loadop{n}",
                    currency="USD",
                    callback_url=f"{wallet_url}/cb/{n}",
                    min_bet_minor=10,
                    max_bet_minor=10_000,
                    approved=True,
                ),
            )
            for n in range(OPERATORS)
        ]
    finally:
        platform.close()
    return [i.api_token for i in issued], [i.callback_token for i in issued]


async def _open_sessions(
    url: str, api_tokens: list[str], accounts: list[str], players_per_operator: int
) -> list[str]:
    """One game session per player, as an operator's backend and a browser open them."""
    limit = asyncio.Semaphore(SETUP_CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def main_api(api_token: str, path: str, body: dict[str, object]) -> dict[str, object]:
            answer = await client.post(
                path, json=body, headers={"Authorization": f"Bearer {api_token}"}
            )
            envelope = answer.json()
            if envelope["code"] != 0:
                raise RuntimeError(f"{path}: {envelope}")
            data: dict[str, object] = envelope["data"]
            return data

        async def open_one(index: int) -> str:
            api_token = api_tokens[index // players_per_operator]
            async with limit:
                user = await main_api(api_token, "/v4/user/create", {"name": accounts[index]})
                launch = await main_api(
                    api_token,
                    "/v4/game/game-url",
                    {
                        "user_code": user["user_code"],
                        "provider_id": 1,
                        "game_symbol": GAME,
                        "lang": "en",
                    },
                )
                page = await client.get(str(launch["game_url"]), follow_redirects=True)
                match = SESSION_PATH.search(page.url.path)
                if page.status_code != 200 or match is None:
                    raise RuntimeError(f"launch did not open a session: {page.status_code}")
                return match.group(1)

        return list(await asyncio.gather(*(open_one(i) for i in range(len(accounts)))))
