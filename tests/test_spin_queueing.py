"""Load queues, it does not fail: many spins at once are each played, waiting (without a
thread) for a bulkhead slot or for database work; only past the queue's bound is a spin
refused, with its own code, before anything is written or sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from sqlalchemy import func, select

from reelhouse.dispatch.breaker import BreakerPolicy, OperatorGuards
from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.states import RoundState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.services import rounds
from reelhouse.store.models import Round, WalletCall
from reelhouse.store.secrets import Sealer
from tests.dispatch.inprocess import Deployment, RecordingTransport, deploy

SPINS_AT_ONCE = 40
BULKHEAD = 3


class CountingTransport:
    """The deployment's transport, counting how many calls are on the wire at once."""

    def __init__(self, inner: RecordingTransport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.on_wire = 0
        self.most_on_wire = 0

    def send(self, request: HttpRequest) -> HttpAnswer:
        with self._lock:
            self.on_wire += 1
            self.most_on_wire = max(self.most_on_wire, self.on_wire)
        try:
            return self._inner.send(request)
        finally:
            with self._lock:
                self.on_wire -= 1


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def test_spins_beyond_the_bulkhead_wait_for_a_slot_and_are_all_played(
    deployment: Deployment,
) -> None:
    tokens = deployment.open_sessions(SPINS_AT_ONCE, balance="100.00")
    transport = CountingTransport(deployment.transport)
    guards = OperatorGuards(deployment.clock, BreakerPolicy(max_in_flight=BULKHEAD))
    sender = WalletSender(
        deployment.db,
        Sealer(deployment.settings.secret_key),
        deployment.clock,
        transport,
        guards=guards,
    )
    # A ceiling, not a timing: this test is about queueing, not about how long it may take.
    sender.slot_wait_seconds = 300
    platform = deployment.platform(sender)
    results: list[rounds.SpinResult] = []

    async def play(token: str) -> None:
        results.append(await rounds.spin_async(platform, token, "1.00"))

    async def everyone() -> None:
        async with anyio.create_task_group() as group:
            for token in tokens:
                group.start_soon(play, token)

    anyio.run(everyone)
    assert len(results) == SPINS_AT_ONCE
    assert all(result.state is RoundState.SETTLED for result in results)
    # Queued, not refused: at most the bulkhead's worth was ever on the wire.
    assert transport.most_on_wire <= BULKHEAD
    assert guards.openings(1) == 0


def test_a_spin_past_the_queue_bound_is_refused_as_busy_and_changes_nothing(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    (token,) = deployment.open_sessions(1)
    platform = deployment.platform(deployment.sender())
    monkeypatch.setattr(rounds, "WAITING_PER_CONNECTION", 0)
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(platform, token, "1.00")
    assert refused.value.code is ApiCode.BUSY
    assert refused.value.retry_after_seconds == rounds.BUSY_RETRY_AFTER_SECONDS
    with deployment.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Round)) == 0
        assert session.scalar(select(func.count()).select_from(WalletCall)) == 0
    assert sum(deployment.transport.sent.values()) == 0
