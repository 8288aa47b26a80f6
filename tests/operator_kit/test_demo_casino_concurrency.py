"""Concurrent wallet calls on one player never lose an update nor overdraw."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI

from reelhouse.domain.clock import FakeClock
from reelhouse.domain.wallet import HttpRequest, WalletCommand
from reelhouse.operator_kit.demo_casino import Casino, create_casino_app

from .casino_helpers import TOKEN, Provider, balance_of, bet, http_post, make_player, serve, win

CALLS = 50


def all_at_once(calls: list[Callable[[], int]]) -> Counter[int]:
    """Run every call in its own thread, released together; count the result codes."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return Counter(pool.map(run, calls))


def over_http(base_url: str, provider: Provider, cmd: WalletCommand) -> Callable[[], int]:
    request = provider.request(cmd)

    def call() -> int:
        response = httpx.post(
            f"{base_url}/callback", content=request.body, headers=dict(request.headers)
        )
        assert response.status_code == 200
        result: int = response.json()["result"]
        return result

    return call


def test_concurrent_bets_never_overdraw_nor_lose_an_update(app: FastAPI, clock: FakeClock) -> None:
    # Its own uvicorn, with the app's lifespan, as `python -m ...demo_casino` runs it.
    with serve(app) as base_url, httpx.Client(base_url=base_url) as client:
        make_player(client, "alice", "30.00")
        provider = Provider(http_post(client), clock)
        calls = [over_http(base_url, provider, bet("alice", 1000 + i, 100)) for i in range(CALLS)]
        assert all_at_once(calls) == {0: 30, 31: 20}
        assert balance_of(client, "alice") == 0
        rows = client.get("/api/ledger").json()["rows"]
    # Each applied bet saw the balance the previous one left: no two read the same.
    assert sorted(r["balance_after_minor"] for r in rows) == list(range(0, 3000, 100))
    assert all(r["balance_before_minor"] - r["balance_after_minor"] == 100 for r in rows)


def test_the_same_bet_sent_concurrently_is_applied_once(
    client: httpx.Client, provider: Provider, switch: tuple[object, str]
) -> None:
    make_player(client, "alice", "30.00")
    calls = [over_http(switch[1], provider, bet("alice", 7, 250)) for _ in range(CALLS)]
    assert all_at_once(calls) == {0: 1, 41: CALLS - 1}
    assert balance_of(client, "alice") == 2750


def test_concurrent_bets_and_wins_add_up_exactly(
    client: httpx.Client, provider: Provider, switch: tuple[object, str]
) -> None:
    make_player(client, "alice", "100.00")
    calls = [over_http(switch[1], provider, bet("alice", 2 * i, 150)) for i in range(CALLS // 2)]
    calls += [
        over_http(switch[1], provider, win("alice", 2 * i + 1, 275)) for i in range(CALLS // 2)
    ]
    assert all_at_once(calls) == {0: CALLS}
    assert balance_of(client, "alice") == 10000 + (CALLS // 2) * (275 - 150)


def direct(casino: Casino, provider: Provider, cmd: WalletCommand) -> Callable[[], int]:
    request: HttpRequest = provider.request(cmd)

    def call() -> int:
        answer = casino.answer_callback(dict(request.headers), request.body)
        return int(answer.split(b'"result":')[1].split(b",")[0])

    return call


def race_two_casinos(db_url: str, clock: FakeClock, account: str) -> None:
    """Two casino processes' worth of engines on one database, betting on one player."""
    first = Casino(db_url, TOKEN, clock=clock)
    second = Casino(db_url, TOKEN, clock=clock)
    try:
        first.create_player(account, "USD", "30.00")
        provider = Provider(lambda request: None, clock)  # type: ignore[arg-type, return-value]
        first_id = uuid.uuid4().int % 10**15  # transaction ids are global: new ones every run
        calls = [
            direct(first if i % 2 else second, provider, bet(account, first_id + i, 100))
            for i in range(CALLS)
        ]
        assert all_at_once(calls) == {0: 30, 31: 20}
        assert first.player(account)["balance_minor"] == 0
        assert len([r for r in second.ledger(None) if r["account"] == account]) == 30
        # One bet delivered many times at once, through both: applied exactly once.
        first.deposit(account, "10.00")
        repeat = bet(account, first_id + CALLS, 250)
        calls = [direct(first if i % 2 else second, provider, repeat) for i in range(20)]
        assert all_at_once(calls) == {0: 1, 41: 19}
        assert second.player(account)["balance_minor"] == 750
    finally:
        first.dispose()
        second.dispose()


def test_two_engines_on_one_sqlite_file_still_serialise(casino_url: str, clock: FakeClock) -> None:
    # No shared in-process lock between them: only SQLite's BEGIN IMMEDIATE keeps this right.
    race_two_casinos(casino_url, clock, "alice")


@pytest.mark.postgres
def test_two_engines_on_postgresql_serialise_on_the_player_row(
    postgres_url: str, clock: FakeClock
) -> None:
    # A fresh account per run: the database outlives the test.
    race_two_casinos(postgres_url, clock, f"pg_{uuid.uuid4().hex[:12]}")


def test_an_in_memory_database_works_too(clock: FakeClock) -> None:
    app = create_casino_app("sqlite://", TOKEN, clock=clock)
    casino: Casino = app.state.casino
    try:
        casino.create_player("alice", "USD", "30.00")
        provider = Provider(lambda request: None, clock)  # type: ignore[arg-type, return-value]
        calls = [direct(casino, provider, bet("alice", i, 100)) for i in range(CALLS)]
        assert all_at_once(calls) == {0: 30, 31: 20}
        assert casino.player("alice")["balance_minor"] == 0
    finally:
        casino.dispose()
