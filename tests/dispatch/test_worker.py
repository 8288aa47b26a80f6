"""The worker: crash recovery, retry windows, and several workers on one PostgreSQL database."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.states import TERMINAL_ROUND_STATES, CallState, RoundState
from reelhouse.services import rounds
from reelhouse.store.models import Round, WalletCall
from tests.dispatch.inprocess import Deployment, deploy


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def round_states(deployment: Deployment) -> list[str]:
    with deployment.db.transaction() as session:
        return list(session.scalars(select(Round.state).order_by(Round.id)))


def drain(deployment: Deployment, worker: Worker, passes: int = 50) -> None:
    for _ in range(passes):
        if set(round_states(deployment)) <= set(TERMINAL_ROUND_STATES):
            return
        deployment.clock.advance(seconds=61)
        worker.run_once()
    raise AssertionError(f"rounds still open: {round_states(deployment)}")


def test_a_round_abandoned_before_its_bet_was_sent_is_cancelled(deployment: Deployment) -> None:
    """The process died after writing the round and before (or while) sending the bet."""
    (token,) = deployment.open_sessions(1)
    platform = deployment.platform()
    opened = rounds._open_round(platform, token, "1.00")
    round_id, _bet_call_id = opened.round_id, opened.call_id
    assert round_states(deployment) == [RoundState.BET_PENDING]
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    worker.run_once()  # the claim has not expired: nothing may be touched yet
    assert round_states(deployment) == [RoundState.BET_PENDING]
    drain(deployment, worker)
    assert round_states(deployment) == [RoundState.CANCELLED]
    assert deployment.casino.player("player_0")["balance"] == "100.00"
    with deployment.db.transaction() as session:
        cancels = session.scalars(select(WalletCall).where(WalletCall.kind == "cancel")).all()
        # The casino never saw the bet: not when it was cancelled, nor when it was cancelled
        # again after the late-bet window.
        assert [c.last_outcome for c in cancels] == ["not_found", "not_found"]
        assert session.get(Round, round_id) is not None
    worker.close()


def test_queued_wins_are_sent_by_a_worker_started_later(deployment: Deployment) -> None:
    tokens = deployment.open_sessions(3)
    deployment.transport.down_for = {"win"}
    platform = deployment.platform()
    results = [rounds.spin(platform, token, "1.00") for token in tokens]
    assert {r.state for r in results} == {RoundState.DEBITED}
    deployment.transport.down_for = set()
    worker = Worker(deployment.db, deployment.sender(), deployment.clock)
    drain(deployment, worker)
    assert set(round_states(deployment)) == {RoundState.SETTLED}
    for n, result in enumerate(results):
        balance = deployment.casino.player(f"player_{n}")["balance_minor"]
        assert balance == 10_000 - 100 + result.win_minor
    worker.close()


def run_until_settled_or_parked(deployment: Deployment, worker: Worker, hours: float) -> None:
    """Let `hours` of simulated time pass, the worker running whenever something is due."""
    end = deployment.clock.now() + dt.timedelta(hours=hours)
    while deployment.clock.now() < end:
        worker.run_once()
        with deployment.db.transaction() as session:
            due = session.scalars(
                select(WalletCall.next_attempt_at_utc).where(
                    WalletCall.state == CallState.QUEUED.value
                )
            ).all()
        if not due:
            return
        step = max(min(due).replace(tzinfo=dt.UTC) - deployment.clock.now(), dt.timedelta(0))
        deployment.clock.advance(seconds=step.total_seconds() + 0.001)


def test_a_win_queued_through_48_hours_of_outage_is_credited(deployment: Deployment) -> None:
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for = {"win"}
    result = rounds.spin(deployment.platform(), token, "2.00")
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    run_until_settled_or_parked(deployment, worker, hours=48)
    with deployment.db.transaction() as session:
        win = session.scalars(select(WalletCall).where(WalletCall.kind == "win")).one()
        assert win.state == CallState.QUEUED
        assert win.attempts > 10  # quick retries, then backoff, all through the outage
    deployment.transport.down_for = set()
    run_until_settled_or_parked(deployment, worker, hours=2)
    assert round_states(deployment) == [RoundState.SETTLED]
    assert deployment.casino.player("player_0")["balance_minor"] == 10_000 - 200 + result.win_minor
    worker.close()


def test_after_the_retry_window_a_win_is_parked_never_dropped(deployment: Deployment) -> None:
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for = {"win"}
    policy = RetrySchedule(window=dt.timedelta(hours=72))
    sender = deployment.sender(policy)
    rounds.spin(deployment.platform(sender), token, "2.00")
    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    run_until_settled_or_parked(deployment, worker, hours=80)
    with deployment.db.transaction() as session:
        win = session.scalars(select(WalletCall).where(WalletCall.kind == "win")).one()
        assert win.state == CallState.MANUAL
        assert win.amount_minor == session.scalars(select(Round.win_minor)).one()
    assert round_states(deployment) == [RoundState.DEBITED]  # not settled as a loss
    worker.close()


def test_status_settles_a_win_whose_answers_were_all_lost(deployment: Deployment) -> None:
    """The wallet applied the win on the first try but every answer was lost. At the end of
    the window Reelhouse asks `status` instead of parking it for a person."""
    (token,) = deployment.open_sessions(1)
    deployment.transport.answer_lost_for = {"win"}
    sender = deployment.sender(RetrySchedule(window=dt.timedelta(hours=72)))
    result = rounds.spin(deployment.platform(sender), token, "2.00")
    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    run_until_settled_or_parked(deployment, worker, hours=80)
    assert round_states(deployment) == [RoundState.SETTLED]
    with deployment.db.transaction() as session:
        win = session.scalars(select(WalletCall).where(WalletCall.kind == "win")).one()
        assert win.state == CallState.ACKED
        assert win.last_detail.startswith("settled by status")
    assert deployment.casino.player("player_0")["balance_minor"] == 10_000 - 200 + result.win_minor


def test_status_closes_a_cancel_of_a_bet_the_wallet_never_saw(deployment: Deployment) -> None:
    """The bet never arrived and no cancel got through for the whole window: `status` says
    the wallet has no such bet, so the cancel is done and nothing was refunded."""
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for = {"bet", "cancel"}
    sender = deployment.sender(RetrySchedule(window=dt.timedelta(hours=72)))
    with pytest.raises(ReelhouseError):
        rounds.spin(deployment.platform(sender), token, "2.00")
    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    run_until_settled_or_parked(deployment, worker, hours=80)
    assert round_states(deployment) == [RoundState.CANCELLED]
    with deployment.db.transaction() as session:
        cancel = session.scalars(select(WalletCall).where(WalletCall.kind == "cancel")).one()
        assert (cancel.state, cancel.last_outcome) == (CallState.ACKED, "not_found")
    assert deployment.casino.player("player_0")["balance_minor"] == 10_000


def test_two_workers_on_postgresql_send_each_call_once_at_a_time(
    postgres_url: str, tmp_path: Path
) -> None:
    deployment = deploy(postgres_url, tmp_path)
    try:
        tokens = deployment.open_sessions(30)
        platform = deployment.platform()
        workers = [
            Worker(deployment.db, deployment.sender(), deployment.clock, threads=8)
            for _ in range(2)
        ]
        for _cycle in range(3):
            deployment.transport.down_for = {"win"}
            for token in tokens:
                rounds.spin(platform, token, "0.50")
            deployment.transport.down_for = set()
            deployment.clock.advance(seconds=10)
            stop = threading.Event()

            def loop(worker: Worker, stop: threading.Event) -> None:
                while not stop.is_set():
                    worker.run_once()

            threads = [threading.Thread(target=loop, args=(w, stop)) for w in workers]
            for thread in threads:
                thread.start()
            deadline = 600
            while set(round_states(deployment)) != {RoundState.SETTLED} and deadline:
                stop.wait(0.05)
                deadline -= 1
            stop.set()
            for thread in threads:
                thread.join()
        assert set(round_states(deployment)) == {RoundState.SETTLED}
        assert len(round_states(deployment)) == 90
        assert deployment.transport.overlaps == []
        with deployment.db.transaction() as session:
            wins = session.scalars(select(WalletCall).where(WalletCall.kind == "win")).all()
        ledger = {row["trans_guid"]: row for row in deployment.casino.ledger(None)}
        for win in wins:
            assert str(win.id) in ledger, "a win was lost"
            # Sent once while failing (inline) and then exactly once by the two workers.
            assert deployment.transport.sent[str(win.id)] == 2
        for worker in workers:
            worker.close()
    finally:
        deployment.close()
