"""The relay: the latency Reelhouse adds to an upstream provider's wallet call, beside a
direct call to the casino's wallet in the same run.

    .venv/bin/python -m bench.relay [--database URL] [--rounds N]

One `reelhouse serve` process, the benchmark wallet (bench/load_wallet.py, SlotCity v4) in
its own process, and the demo supplier's games server (provider_kit) in this one, registered
as a Hub88 provider and offered to the wallet's operator. The supplier's client plays
`--rounds` rounds one after another (a bet, answered only after the casino's debit; then a
win, answered at once and credited after): each call's time from sending to its answer.
The baseline sends the casino's own debit for the same amount straight to the same wallet,
as the relay's codec encodes it, timed the same way. What the relay adds to a bet is the
difference between the two distributions (the bet carries one casino call inside it).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench.load_stack import (
    _start,
    _wait_ready,
    bench_env,
    make_operators,
    postgres_database,
    start_wallet,
    stop,
)
from bench.load_stats import latency_ms
from reelhouse.api.server import free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.wallet import CommandKind, WalletCommand
from reelhouse.provider_kit.hub88_supplier import DEMO_GAMES, SupplierGames, SupplierWallet
from reelhouse.provider_kit.hub88_supplier.keys import (
    load_public_key,
    new_private_key,
    private_pem,
    public_pem,
)
from reelhouse.services import provider_games, providers
from reelhouse.services.settings import load_settings

RESULTS = Path(__file__).parent / "results" / "relay.json"
DEFAULT_ROUNDS = 300
PLAYER = "relay0"
PROVIDER = "bench-supplier"
GAME = DEMO_GAMES[0].game_code
BET_X100000 = 100_000  # 1.00 USD on the Hub88 wire
BET_MINOR = 100
WIN_X100000 = 50_000
# The baseline's transaction ids, never seen by the wallet otherwise.
BASELINE_ID_BASE = 10**15


def _register_provider(env: dict[str, str], games_url: str, supplier_key: Any, own_key: Any) -> int:
    """The supplier as a provider offered to operator 0, its catalogue synced, through the
    services (the back office's job), before Reelhouse starts."""
    platform = build_platform(load_settings(env))
    try:
        spec = providers.NewProvider(
            name=PROVIDER,
            title="Benchmark supplier",
            protocol="hub88",
            base_url=games_url,
            verify_key_pem=public_pem(supplier_key),
            sign_key_pem=private_pem(own_key),
        )
        provider_id = providers.add_provider(platform, spec)
        providers.enable_for_operator(platform, PROVIDER, "loadop0", True)
        assert platform.upstream_fetch is not None
        provider_games.sync_catalogue(platform, PROVIDER, platform.upstream_fetch)
        return provider_id
    finally:
        platform.close()


def _launch(reelhouse_url: str, api_token: str, provider_id: int, games: SupplierGames) -> str:
    """The player's token, as the supplier got it from Reelhouse's launch."""
    headers = {"Authorization": f"Bearer {api_token}"}
    with httpx.Client(base_url=reelhouse_url, headers=headers, timeout=30) as client:
        user = client.post("/v4/user/create", json={"name": PLAYER}).json()["data"]
        body = {"user_code": user["user_code"], "provider_id": provider_id, "game_symbol": GAME}
        url = client.post("/v4/game/game-url", json=body).json()["data"]["game_url"]
    return next(launch.token for launch in games.launched().values() if launch.url == url)


def _relayed(wallet: SupplierWallet, token: str, rounds: int) -> dict[str, list[float]]:
    user = None
    times: dict[str, list[float]] = {"bet": [], "win": []}
    for n in range(rounds):
        if user is None:
            answer = wallet.balance(token, GAME).answer
            assert answer is not None, "the balance call was not answered"
            user = answer.user
        assert user is not None
        started = time.perf_counter()
        bet = wallet.bet(token, user, GAME, f"bench-{n}", BET_X100000, "USD")
        times["bet"].append(time.perf_counter() - started)
        assert bet.status == "RS_OK", bet.body
        bet_uuid = str(bet.request.document()["transaction_uuid"])
        started = time.perf_counter()
        win = wallet.win(token, user, GAME, f"bench-{n}", WIN_X100000, "USD", bet_uuid)
        times["win"].append(time.perf_counter() - started)
        assert win.status == "RS_OK", win.body
    return times


def _direct(wallet_url: str, callback_token: str, rounds: int) -> list[float]:
    """The casino's own debit, straight to the wallet, as the relay's codec encodes it."""
    codec = get_dialect("slotcity-v4")
    credentials = CallbackCredentials(f"{wallet_url}/cb/0", callback_token)
    times = []
    with httpx.Client(timeout=30) as client:
        for n in range(rounds):
            command = WalletCommand(
                CommandKind.BET,
                account=PLAYER,
                currency="USD",
                session_id=BASELINE_ID_BASE,
                trans_id=BASELINE_ID_BASE + n,
                round_id=BASELINE_ID_BASE + n,
                amount_minor=BET_MINOR,
                provider_id=2,
                game_code=f"{PROVIDER}/{GAME}",
                game_type="slot",
                created_at_ms=int(time.time() * 1000),
            )
            request = codec.encode_command(command, credentials, int(time.time()))
            started = time.perf_counter()
            answer = client.post(request.url, content=request.body, headers=dict(request.headers))
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
    return times


def run(database_url: str | None, rounds: int) -> dict[str, Any]:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="relay-")))
        if database_url and database_url.startswith("postgresql"):
            database_url = stack.enter_context(postgres_database(database_url))
        database_url = database_url or f"sqlite:///{workdir / 'reelhouse.db'}"
        wallet_port, reelhouse_port = free_port(), free_port()
        wallet_url = f"http://127.0.0.1:{wallet_port}"
        reelhouse_url = f"http://127.0.0.1:{reelhouse_port}"
        env = bench_env(workdir, database_url, reelhouse_url)
        api_tokens, callback_tokens = make_operators(env, wallet_url)
        supplier_key, own_key = new_private_key(), new_private_key()
        games = SupplierGames(load_public_key(public_pem(own_key)))
        games_url = games.start()
        stack.callback(games.stop)
        provider_id = _register_provider(env, games_url, supplier_key, own_key)
        processes = [start_wallet(workdir, wallet_port, [PLAYER], callback_tokens)]
        stack.callback(stop, processes)
        reelhouse_bin = str(Path(sys.executable).with_name("reelhouse"))
        log = workdir / "reelhouse.log"
        command = [reelhouse_bin, "serve", "--port", str(reelhouse_port)]
        processes.append(_start(command, log, env=env))
        _wait_ready(f"{reelhouse_url}/api/game/state", processes[-1], log)
        token = _launch(reelhouse_url, api_tokens[0], provider_id, games)
        http = stack.enter_context(httpx.Client(timeout=30))
        wallet = SupplierWallet(f"{reelhouse_url}/upstream/{PROVIDER}", supplier_key, http)
        _relayed(wallet, token, min(rounds, 20))  # warm: connections, caches
        relayed = _relayed(wallet, token, rounds)
        direct = _direct(wallet_url, callback_tokens[0], rounds)
    bet, win, baseline = (latency_ms(relayed["bet"]), latency_ms(relayed["win"]),
                          latency_ms(direct))  # fmt: skip
    added: dict[str, float] = {}
    for key in ("p50", "p99"):
        relayed_ms, direct_ms = bet.get(key), baseline.get(key)
        if relayed_ms is not None and direct_ms is not None:
            added[key] = round(relayed_ms - direct_ms, 2)
    return {
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "rounds": rounds,
        "relayed_bet_ms": bet,
        "relayed_win_ms": win,
        "direct_debit_ms": baseline,
        "added_to_a_bet_ms": added,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None, help="sqlite (default) or a postgresql:// URL")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.database, args.rounds)
    print(json.dumps(result, indent=2))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
