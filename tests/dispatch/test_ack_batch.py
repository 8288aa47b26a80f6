"""A win's acknowledgement, recorded after the player's answer (dispatch/ack_batch.py): it
rides with its session's next round or a group commit moments later, and losing it costs a
resend of the win, never money."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import anyio
import pytest
from sqlalchemy import select

from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.states import RoundState
from reelhouse.services import launch, operators, players, rounds
from reelhouse.services.platform import Platform
from reelhouse.services.rounds import SpinResult
from reelhouse.store.models import CallAttempt, Round, WalletCall
from tests.dispatch.inprocess import GAME, Deployment, deploy
from tests.sql_cost import counting

# Well past any claim's lease (store/outbox.py: the call's timeout x 3 plus 30 s).
PAST_THE_LEASE_S = 600
SETTLE_CEILING_S = 30.0


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def _playing(deployment: Deployment, window_s: float | None) -> tuple[Platform, WalletSender]:
    sender = deployment.sender()
    sender.acks.window_s = window_s
    return deployment.platform(sender), sender


def _spin(platform: Platform, token: str, bet: str = "1.00") -> SpinResult:
    """As the game API spins: on an event loop, the win's record left pending."""
    return anyio.run(rounds.spin_async, platform, token, bet)


def _round_state(deployment: Deployment, round_id: int) -> str:
    with deployment.db.transaction() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        return round_.state


def _win_of(deployment: Deployment, round_id: int) -> WalletCall:
    with deployment.db.transaction() as session:
        return session.scalars(
            select(WalletCall).where(WalletCall.round_id == round_id, WalletCall.kind == "win")
        ).one()


def _attempt_rows(deployment: Deployment, call_id: int) -> int:
    with deployment.db.transaction() as session:
        rows = session.scalars(select(CallAttempt).where(CallAttempt.call_id == call_id))
        return len(rows.all())


def _worker_takes_over(deployment: Deployment, round_ids: list[int]) -> None:
    """The worker, once the claims have run out: it counts each as an attempt, then sends
    the call again at its retry time (a bounded number of passes, not a timing)."""
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    deployment.clock.advance(seconds=PAST_THE_LEASE_S)
    for _ in range(50):
        worker.run_once()
        if all(_round_state(deployment, r) == RoundState.SETTLED.value for r in round_ids):
            return
        deployment.clock.advance(seconds=61)
    raise AssertionError("the worker never settled the rounds")


def _second_session(deployment: Deployment, platform: Platform, account: str) -> str:
    """Another game session of an existing player (another tab, another game)."""
    with deployment.db.transaction() as session:
        operator = operators.find_by_name(session, deployment.operator_name)
    ref = players.create_or_get(platform, operator.id, account)
    request = launch.LaunchRequest(ref.user_code, 1, GAME, "en", "", Decimal(0))
    url = launch.create_launch_url(platform, operator, request)
    return launch.open_launch(platform, url.rsplit("/", 1)[1])


def test_a_pending_win_is_written_within_moments_when_no_round_follows(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1, balance="50.00")
    platform, _ = _playing(deployment, 0.01)
    result = _spin(platform, token)
    assert result.state is RoundState.SETTLED
    # Polled, not timed: the group commit writes it soon after the answer.
    deadline = time.monotonic() + SETTLE_CEILING_S
    while _round_state(deployment, result.round_id) != RoundState.SETTLED.value:
        assert time.monotonic() < deadline, "the pending win was never written"
        time.sleep(0.01)
    win = _win_of(deployment, result.round_id)
    assert win.state == "acked" and win.attempts == 1


def test_wins_lost_with_their_process_are_sent_again_once_and_no_money_moves_twice(
    deployment: Deployment,
) -> None:
    tokens = deployment.open_sessions(3, balance="50.00")
    platform, _ = _playing(deployment, None)
    results = [_spin(platform, token) for token in tokens]
    # The process dies: its pending records are gone; each win is still claimed, unwritten.
    for result in results:
        assert _round_state(deployment, result.round_id) == RoundState.DEBITED.value
    _worker_takes_over(deployment, [result.round_id for result in results])
    for n, result in enumerate(results):
        assert _round_state(deployment, result.round_id) == RoundState.SETTLED.value
        win = _win_of(deployment, result.round_id)
        assert win.state == "acked"
        assert deployment.transport.sent[str(win.id)] == 2  # once answered, once again
        # The wallet applied the win once: the player's balance is the one first answered.
        balance = Decimal(str(deployment.casino.player(f"player_{n}")["balance"]))
        assert int(balance * 100) == result.balance_minor
    assert deployment.transport.overlaps == []


def test_a_pending_win_whose_claim_was_taken_over_is_kept_as_history_only(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1, balance="50.00")
    platform, sender = _playing(deployment, None)
    result = _spin(platform, token)
    _worker_takes_over(deployment, [result.round_id])
    win_after_worker = _win_of(deployment, result.round_id)
    history_before = _attempt_rows(deployment, win_after_worker.id)
    sender.write_pending_acks()  # the record, late: its claim is no longer its own
    win = _win_of(deployment, result.round_id)
    assert win.version == win_after_worker.version
    assert win.attempts == win_after_worker.attempts
    assert _round_state(deployment, result.round_id) == RoundState.SETTLED.value
    # The late record is kept as history: one attempt row more, nothing else moved.
    assert _attempt_rows(deployment, win.id) == history_before + 1


def test_a_round_that_fails_to_open_leaves_the_pending_win_to_the_next_write(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1, balance="50.00")
    platform, sender = _playing(deployment, None)
    result = _spin(platform, token)
    with pytest.raises(ReelhouseError):
        _spin(platform, token, bet="0.001")  # refused: the transaction it rode in rolls back
    assert _round_state(deployment, result.round_id) == RoundState.DEBITED.value
    sender.write_pending_acks()
    assert _round_state(deployment, result.round_id) == RoundState.SETTLED.value


def test_the_same_session_next_round_carries_the_win_and_another_session_waits_for_it(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1, balance="50.00")
    platform, _ = _playing(deployment, 0.01)
    other = _second_session(deployment, platform, "player_0")
    first = _spin(platform, token)
    # The player's other session finds the first round's win on the wire (its record not
    # yet written): it waits for the write instead of answering 3002.
    second = _spin(platform, other)
    assert second.state is RoundState.SETTLED
    assert _round_state(deployment, first.round_id) == RoundState.SETTLED.value
    third = _spin(platform, other)  # its session's own last win rides with it
    assert third.state is RoundState.SETTLED
    assert _round_state(deployment, second.round_id) == RoundState.SETTLED.value


def test_the_worker_writes_a_pass_of_acknowledged_wins_in_one_commit(
    deployment: Deployment,
) -> None:
    tokens = deployment.open_sessions(6, balance="50.00")
    platform, _ = _playing(deployment, None)
    deployment.transport.down_for.add("win")  # every win fails once and waits in the queue
    results = [_spin(platform, token) for token in tokens]
    assert all(result.state is RoundState.DEBITED for result in results)
    deployment.transport.down_for.clear()
    _, worker_sender = _playing(deployment, None)  # only the pass writes: counted whole
    worker = Worker(deployment.db, worker_sender, deployment.clock, threads=8)
    deployment.clock.advance(seconds=61)
    with counting(deployment.db.engine) as cost:
        assert worker.run_once() == len(results)
    for result in results:
        assert _round_state(deployment, result.round_id) == RoundState.SETTLED.value
    # The pass claims in one commit and records its six wins in one more (a commit per
    # call before); the pass's first look for expired claims writes nothing.
    assert cost.commits <= 3, dict(cost.by_kind)
