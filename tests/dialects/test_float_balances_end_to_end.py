"""A wallet keeping money in doubles, end to end on the real spin path, dispatcher and
database: every balance it answers carries float noise (`499.00000000000006`). A launch
opens with the balance rounded, a bet it took is taken (the round is not cancelled), and a
cancel it acknowledged is settled after one attempt, never re-sent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from tests.faults import LOSE_ANSWER, FaultTransport, calls, session_for, spin
from tests.harness import Stack, running_stack

# A balance with two decimals, as the demo casino writes it, gets the noise of a double.
_BALANCE = re.compile(rb'("balance":)(-?[0-9]+\.[0-9]{2})(?=[,}])')


class FloatNoiseWallet(FaultTransport):
    """The demo casino, except that each balance it answers is written as a double prints
    it after some arithmetic: the exact value plus a few units in the last place."""

    noisy_answers: int = 0

    def send(self, request: HttpRequest) -> HttpAnswer:
        answer = super().send(request)
        body, count = _BALANCE.subn(rb"\g<1>\g<2>000000000006", answer.body)
        self.noisy_answers += count
        return HttpAnswer(answer.status, body)


@pytest.fixture
def rig(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, FloatNoiseWallet]]:
    transport = FloatNoiseWallet()
    try:
        with running_stack(database_url, tmp_path, transport=transport) as stack:
            yield stack, transport
    finally:
        transport.inner.close()


def test_a_float_noise_wallet_plays_launches_and_settles_cancels(
    rig: tuple[Stack, FloatNoiseWallet],
) -> None:
    stack, wallet = rig
    token = session_for(stack, "alice", "500.00")  # the launch's authenticate: noisy
    played = spin(stack, token, "1.00")
    assert played["code"] == 0, played
    assert wallet.noisy_answers >= 3  # authenticate, bet, win at least

    by_kind = {c.kind: c for c in calls(stack)}
    assert by_kind["bet"].state == CallState.ACKED  # taken, not cancelled
    assert by_kind["bet"].balance_after_minor == 49900
    assert "rounded to 499.00" in by_kind["bet"].last_detail
    assert "cancel" not in by_kind

    # A bet whose answer is lost is cancelled; the wallet acknowledges the cancel with a
    # noisy balance: settled at the first attempt, never sent again.
    wallet.fail("bet", LOSE_ANSWER, times=1)
    assert spin(stack, token, "1.00")["code"] == 3003
    cancels = [c for c in calls(stack) if c.kind == "cancel"]
    assert len(cancels) == 1
    cancel = cancels[0]
    assert (cancel.state, cancel.attempts) == (CallState.ACKED, 1), cancel.last_detail
    assert cancel.balance_after_minor is not None
