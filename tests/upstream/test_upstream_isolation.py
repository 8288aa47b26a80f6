"""Each upstream provider behind its own breaker and bulkhead (api/wiring.py): a provider that
hangs, or has nothing listening, gets 1011 at once while another provider's launches still
work; and the relay's Prometheus metrics count what providers sent.

Three providers over real HTTP: `healthy` (the provider kit's supplier), `hanging` (accepts
and answers nothing until the test lets it), `down` (nothing listens on its port). No time is
asserted: "at once" is a launch answered while the hanging provider still holds the others.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from reelhouse.api.server import free_port
from reelhouse.api.wiring import UPSTREAM_POLICY, GuardedUpstreamFetch
from reelhouse.dispatch.breaker import BreakerState
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode
from reelhouse.provider_kit.hub88_supplier import DEMO_GAMES, SupplierGames, SupplierWallet
from reelhouse.provider_kit.hub88_supplier.keys import (
    load_public_key,
    new_private_key,
    private_pem,
    public_pem,
)
from reelhouse.store.models import OperatorProvider, Provider, ProviderGame
from tests.harness import Stack, running_stack

GAME = DEMO_GAMES[0].game_code
HEALTHY, HANGING, DOWN = 2, 3, 4
NAMES = {HEALTHY: "healthy", HANGING: "hanging", DOWN: "down"}
METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"
WAIT_POLLS = 500  # polls of 10 ms for the hanging provider to hold its requests


class _Hanging:
    """Accepts requests and holds each until `release` is set; then answers 500."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)
        hanging = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hanging.arrived.release()
                hanging.release.wait()
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Rig:
    stack: Stack
    healthy: SupplierGames
    hanging: _Hanging
    wallet: SupplierWallet
    user_code: int

    def launch(self, provider_id: int) -> dict[str, Any]:
        body = {"user_code": self.user_code, "provider_id": provider_id, "game_symbol": GAME}
        return self.stack.call("/v4/game/game-url", body)

    @property
    def fetch(self) -> GuardedUpstreamFetch:
        fetch = self.stack.platform.upstream_fetch
        assert isinstance(fetch, GuardedUpstreamFetch)
        return fetch


def _add(stack: Stack, provider_id: int, base_url: str, verify_pem: str, sign_pem: str) -> None:
    now = to_naive_utc(stack.platform.clock.now())
    with stack.platform.db.transaction() as session:
        session.add(
            Provider(
                id=provider_id, name=NAMES[provider_id], title=NAMES[provider_id],
                protocol="hub88", base_url=base_url, verify_key=verify_pem,
                sign_key_sealed=stack.platform.sealer.seal(sign_pem), answer_deadline_ms=5_000,
                enabled=True, created_at_utc=now, updated_at_utc=now,
            )
        )  # fmt: skip
        session.flush()
        session.add(
            ProviderGame(
                id=provider_id, provider_id=provider_id, game_code=GAME, name="Fruit Bonanza",
                platforms="desktop,mobile", blocked_countries="", freebet_support=False,
                enabled=True, content_hash="-", first_seen_at_utc=now, synced_at_utc=now,
            )
        )  # fmt: skip
        session.add(
            OperatorProvider(
                operator_id=stack.operator_id, provider_id=provider_id, enabled=True,
                updated_at_utc=now,
            )
        )  # fmt: skip


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    monkeypatch.setenv("REELHOUSE_METRICS_TOKEN", METRICS_TOKEN)
    supplier_key, own_key = new_private_key(), new_private_key()
    supplier_pem, own_pem = public_pem(supplier_key).decode(), private_pem(own_key).decode()
    healthy = SupplierGames(load_public_key(public_pem(own_key)))
    healthy.start()
    hanging = _Hanging()
    http = httpx.Client()
    database_url = f"sqlite:///{tmp_path / 'reelhouse.db'}"
    try:
        with running_stack(database_url, tmp_path) as stack:
            _add(stack, HEALTHY, healthy.base_url, supplier_pem, own_pem)
            _add(stack, HANGING, hanging.url, supplier_pem, own_pem)
            _add(stack, DOWN, f"http://127.0.0.1:{free_port()}", supplier_pem, own_pem)
            user_code = stack.bots().fund_player("ada", "USD", "100.00")
            base = f"{stack.reelhouse.url}/upstream/{NAMES[HEALTHY]}"
            wallet = SupplierWallet(base, supplier_key, http)
            yield Rig(stack, healthy, hanging, wallet, user_code)
    finally:
        hanging.stop()
        http.close()
        healthy.stop()


def test_a_hanging_provider_fills_only_its_own_bulkhead(rig: Rig) -> None:
    held = UPSTREAM_POLICY.max_in_flight
    with ThreadPoolExecutor(max_workers=held) as pool:
        waiting: list[Future[dict[str, Any]]] = [
            pool.submit(rig.launch, HANGING) for _ in range(held)
        ]
        for _ in range(held):
            assert rig.hanging.arrived.acquire(timeout=WAIT_POLLS * 0.01), "not all arrived"
        # Its bulkhead is full: the next launch is refused unsent, while the others hang.
        refused = rig.launch(HANGING)
        assert refused["code"] == ApiCode.PROVIDER_ERROR.value
        assert "not asked" in refused["message"]
        assert not rig.hanging.arrived.acquire(blocking=False)  # nothing more reached it
        # Another provider launches as ever, while the hanging one holds its 8 threads.
        launched = rig.launch(HEALTHY)
        assert launched["code"] == 0, launched
        assert launched["data"]["game_url"].startswith(rig.healthy.base_url)
        assert all(not f.done() for f in waiting)
        rig.hanging.release.set()
        answers = [f.result() for f in waiting]
    assert {a["code"] for a in answers} == {ApiCode.PROVIDER_ERROR.value}


def test_a_provider_with_nothing_listening_is_shut_off_and_the_others_are_not(rig: Rig) -> None:
    for _ in range(UPSTREAM_POLICY.refusals_to_open):
        assert rig.launch(DOWN)["code"] == ApiCode.PROVIDER_ERROR.value
    assert rig.fetch.guards.state(DOWN) is BreakerState.OPEN
    shut = rig.launch(DOWN)
    assert shut["code"] == ApiCode.PROVIDER_ERROR.value
    assert "circuit breaker is open" in shut["message"]
    assert rig.fetch.guards.state(HEALTHY) is BreakerState.CLOSED
    assert rig.launch(HEALTHY)["code"] == 0
    # After the cool-down one probe goes out; still refused, so the breaker opens again.
    rig.stack.clock.advance(seconds=UPSTREAM_POLICY.cool_down.total_seconds())
    assert rig.fetch.guards.state(DOWN) is BreakerState.HALF_OPEN
    assert "circuit breaker" not in rig.launch(DOWN)["message"]
    assert rig.fetch.guards.state(DOWN) is BreakerState.OPEN
    assert rig.fetch.guards.openings(DOWN) == 2


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _scrape(stack: Stack) -> Samples:
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    answer = httpx.get(f"{stack.reelhouse.url}/metrics", headers=auth)
    assert answer.status_code == 200
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_the_relay_counts_calls_by_provider_kind_and_status(rig: Rig) -> None:
    before = _scrape(rig.stack)
    url = rig.launch(HEALTHY)["data"]["game_url"]
    launch = next(v for v in rig.healthy.launched().values() if v.url == url)
    wallet = rig.wallet
    assert wallet.balance(launch.token, GAME).status == "RS_OK"
    assert wallet.bet(launch.token, launch.user, GAME, "r-1", 100_000, "USD").status == "RS_OK"
    poor = wallet.bet(launch.token, launch.user, GAME, "r-2", 500 * 100_000, "USD")
    assert poor.status == "RS_ERROR_NOT_ENOUGH_MONEY"
    stranger = httpx.post(f"{rig.stack.reelhouse.url}/upstream/nobody-here/x", content=b"{}")
    assert stranger.status_code == 404
    forged = httpx.post(f"{wallet.base_url}/supplier/generic/v2/user/balance", content=b"{}")
    assert forged.status_code in (200, 401)
    for _ in range(UPSTREAM_POLICY.refusals_to_open):
        rig.launch(DOWN)
    after = _scrape(rig.stack)

    def moved(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    calls = "reelhouse_relay_calls_total"
    healthy = NAMES[HEALTHY]
    assert moved(calls, provider=healthy, kind="balance", status="ok") == 1
    assert moved(calls, provider=healthy, kind="bet", status="ok") == 1
    assert moved(calls, provider=healthy, kind="bet", status="not_enough_money") == 1
    assert moved(calls, provider=healthy, kind="unread", status="invalid_signature") == 1
    assert moved(calls, provider="unknown_provider", kind="unread", status="unknown_provider") == 1
    seconds = "reelhouse_relay_answer_duration_seconds_count"
    assert moved(seconds, provider=healthy, kind="bet") == 2
    assert moved(seconds, provider=healthy, kind="balance") == 1
    breaker = "reelhouse_upstream_breaker_state"
    assert _value(after, breaker, provider_id=str(DOWN), provider=NAMES[DOWN]) == 2
    assert _value(after, breaker, provider_id=str(HEALTHY), provider=healthy) == 0
