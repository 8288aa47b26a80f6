"""Deterministic wallet faults for the operator-facing recovery tests (feeds, reconciliation,
stuck calls, metrics): a transport that wraps the real HTTP one and, per command, either does
not send the request or sends it and loses the answer. Plus a few ways to put rounds in the
states those tests need, through the real spin path and the real worker."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import HttpxTransport, TransportError
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.limits import LATE_BET_WINDOW_SECONDS
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.store.models import WalletCall
from tests.harness import GAME, Stack, running_stack

DROP = "drop"  # never reaches the wallet: nothing moved
LOSE_ANSWER = "lose_answer"  # the wallet applied it, Reelhouse never hears back


@dataclass
class FaultTransport:
    inner: HttpxTransport = field(default_factory=lambda: HttpxTransport(allow_private=True))
    faults: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def fail(self, command: str, how: str, times: int | None = None) -> None:
        """Fail `command` the next `times` calls (None: until healed)."""
        self.faults[command] = (how, times)

    def heal(self) -> None:
        self.faults.clear()

    def _fault_for(self, command: str) -> str | None:
        entry = self.faults.get(command)
        if entry is None:
            return None
        how, times = entry
        if times is not None:
            if times <= 1:
                del self.faults[command]
            else:
                self.faults[command] = (how, times - 1)
        return how

    def send(self, request: HttpRequest) -> HttpAnswer:
        fault = self._fault_for(json.loads(request.body)["command"])
        if fault == DROP:
            raise TransportError("injected: not sent")
        answer = self.inner.send(request)
        if fault == LOSE_ANSWER:
            raise TransportError("injected: answer lost after the wallet applied it")
        return answer


@contextmanager
def faulty_stack(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, FaultTransport]]:
    transport = FaultTransport()
    try:
        with running_stack(database_url, tmp_path, transport=transport) as stack:
            yield stack, transport
    finally:
        transport.inner.close()


def session_for(stack: Stack, name: str, balance: str = "500.00") -> str:
    bots = stack.bots()
    return bots.open_session(bots.fund_player(name, "USD", balance), GAME)


def spin(stack: Stack, session_token: str, bet: str = "1.00") -> dict[str, object]:
    envelope = stack.bots().spin(session_token, bet)
    return envelope


def worker(stack: Stack) -> Worker:
    assert isinstance(stack.platform.wallet, WalletSender)
    return Worker(stack.platform.db, stack.platform.wallet, stack.clock, threads=2)


def drain(stack: Stack) -> None:
    """Send every queued call that is due now, until none is left."""
    runner = worker(stack)
    try:
        while runner.run_once(wait=True):
            pass
    finally:
        runner.close()


def past_retry_window(stack: Stack) -> None:
    """Move time past the retry window and let the worker try once more: every call that
    still fails lands in the manual queue."""
    stack.clock.advance(seconds=stack.platform.settings.retry_window.total_seconds() + 60)
    drain(stack)


def past_late_bet_window(stack: Stack) -> None:
    """Move time past the late-bet window and let the worker send what is due: a cancel
    answered "not found" is cancelled once more then (store/outbox.py)."""
    stack.clock.advance(seconds=LATE_BET_WINDOW_SECONDS + 1)
    drain(stack)


def calls(stack: Stack) -> list[WalletCall]:
    # Straight from the database: acknowledged wins not yet written are written first (a
    # moment later they would be anyway, dispatch/ack_batch.py).
    stack.platform.wallet.write_pending_acks()
    with stack.platform.db.transaction() as session:
        return list(session.scalars(select(WalletCall).order_by(WalletCall.id)))


def settle_time(stack: Stack) -> None:
    """Past the cursor feed's settle lag (domain.limits.FEED_SETTLE_SECONDS)."""
    stack.clock.advance(seconds=30)


def api_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
