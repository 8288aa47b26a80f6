"""Per-operator isolation over real HTTP: one operator's dead wallet opens its breaker and
does not slow another operator's spins (a ratio measured in this run, never a time bound)."""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

from reelhouse.dispatch.breaker import BreakerPolicy, BreakerState
from reelhouse.dispatch.sender import WalletSender
from reelhouse.store.models import Operator
from tests.harness import GAME, Stack, running_stack
from tests.scripted_wallet import ScriptedWallet

# Each dead spin fails twice (its bet, then the bet's cancel): enough players that the failed
# calls reach the breaker's minimum volume, as a real outage under load does.
DEAD_PLAYERS = BreakerPolicy().min_calls // 2
SAMPLES = 15
MAX_SLOWDOWN = 3.0


def timed_spins(stack: Stack, session_token: str, count: int) -> list[float]:
    bots = stack.bots()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        assert bots.spin(session_token, "0.10")["code"] == 0
        latencies.append(time.perf_counter() - started)
    return latencies


def dead_operator_sessions(stack: Stack, wallet: ScriptedWallet) -> tuple[int, list[str]]:
    token, operator_id = stack.add_operator("dead_casino")
    with stack.platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        operator.callback_url = wallet.url
    sessions = []
    for n in range(DEAD_PLAYERS + 2):
        user = stack.call("/v4/user/create", {"name": f"ghost_{n}"}, token=token)["data"]
        body = {"user_code": user["user_code"], "provider_id": 1, "game_symbol": GAME}
        url = stack.call("/v4/game/game-url", body | {"lang": "en"}, token=token)["data"]
        sessions.append(stack.bots().session_from_url(url["game_url"]))
    return operator_id, sessions


def test_a_dead_operator_opens_its_breaker_and_does_not_slow_another(
    database_url: str, tmp_path: Path
) -> None:
    # Real timeouts: how long a dead operator holds a call is what this test is about.
    with (
        running_stack(database_url, tmp_path, timeout_scale=1) as stack,
        ScriptedWallet() as wallet,
    ):
        alive_user = stack.bots().fund_player("lively", "USD", "500.00")
        alive_session = stack.bots().open_session(alive_user, GAME)
        timed_spins(stack, alive_session, 3)  # warm up connections
        baseline = statistics.median(timed_spins(stack, alive_session, SAMPLES))

        dead_operator, dead_sessions = dead_operator_sessions(stack, wallet)
        wallet.hang.update({"bet", "win", "cancel"})  # the wallet stops answering money calls
        codes: list[int] = []
        threads = [
            threading.Thread(target=lambda s=s: codes.append(stack.bots().spin(s, "0.10")["code"]))
            for s in dead_sessions[:DEAD_PLAYERS]
        ]
        for thread in threads:
            thread.start()
        while wallet.waiting < DEAD_PLAYERS:  # every dead spin now hangs on its bet
            time.sleep(0.01)
        loaded = statistics.median(timed_spins(stack, alive_session, SAMPLES))
        for thread in threads:
            thread.join()
        # A second baseline after the dead calls ended: the machine's own load drifts
        # (other tests run beside this one), so the loaded figure is compared with the
        # slower of the two baselines around it.
        baseline = max(baseline, statistics.median(timed_spins(stack, alive_session, SAMPLES)))

        sender = stack.platform.wallet
        assert isinstance(sender, WalletSender)
        assert codes == [3003] * DEAD_PLAYERS  # bet unconfirmed: cancelled, player told
        assert sender.guards.state(stack.operator_id) is BreakerState.CLOSED
        assert sender.guards.state(dead_operator) is BreakerState.OPEN
        # Open breaker: the next spin for the dead operator is refused before anything is
        # sent, with the code that says so (not 3003: there is nothing to cancel).
        bets_seen = len(wallet.received["bet"])
        assert stack.bots().spin(dead_sessions[-1], "0.10")["code"] == 3005
        assert len(wallet.received["bet"]) == bets_seen
        ratio = loaded / baseline
        print(
            f"alive operator median spin: {baseline * 1000:.1f} ms alone, "
            f"{loaded * 1000:.1f} ms beside a dead operator (x{ratio:.2f})"
        )
        assert ratio < MAX_SLOWDOWN
