"""A wallet answer that makes a codec raise (`"balance": 1e999999` did, in every
dialect), or a delivery that raises for any other reason, never stalls a call. The attempt
is recorded as unknown, logged with the call id, counts against the retry window, and the
call ends in the manual queue like any other failure; the player gets a documented code.

The codec here is made to raise on purpose (a wrapped decoder), so this safety net is
tested whatever the codecs themselves do with such answers."""

from __future__ import annotations

import datetime as dt
import decimal
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.dialects.base import Dialect
from reelhouse.dialects.registry import get_dialect
from reelhouse.dispatch import sender as sender_module
from reelhouse.dispatch import worker as worker_module
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import from_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import CommandKind, HttpAnswer, WalletCommand
from reelhouse.services import rounds
from reelhouse.store.models import CallAttempt, Round, WalletCall
from tests.dispatch.fault_sim import DecodeRaises
from tests.dispatch.inprocess import Deployment, deploy

# A short window and backoff cap keep these tests quick: the window's length plays no part
# in what they show (72 h in production, where the count of attempts is larger).
SCHEDULE = RetrySchedule(backoff_cap_s=600, window=dt.timedelta(hours=1))


def raising_codec(*kinds: CommandKind) -> Callable[[str], Dialect]:
    """The real dialects, except that decoding the answer to `kinds` raises, as a codec did
    on a number too large for it."""

    def raised(cmd: WalletCommand, _answer: HttpAnswer) -> BaseException | None:
        return decimal.InvalidOperation("balance 1e999999") if cmd.kind in kinds else None

    def lookup(name: str) -> Dialect:
        return DecodeRaises(get_dialect(name), raised)

    return lookup


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def one_call(deployment: Deployment, kind: str) -> WalletCall:
    with deployment.db.transaction() as session:
        found = session.scalars(select(WalletCall).where(WalletCall.kind == kind)).one()
        session.expunge(found)
        return found


def attempts_of(deployment: Deployment, call_id: int) -> list[CallAttempt]:
    with deployment.db.transaction() as session:
        rows = list(session.scalars(select(CallAttempt).where(CallAttempt.call_id == call_id)))
        session.expunge_all()
        return rows


def run_for(deployment: Deployment, worker: Worker, hours: float) -> None:
    """`hours` of simulated time, the clock jumping to whatever is due next: a queued call's
    next attempt or a claim's lease running out."""
    end = deployment.clock.now() + dt.timedelta(hours=hours)
    while deployment.clock.now() < end:
        worker.run_once()
        with deployment.db.transaction() as session:
            due = [
                *session.scalars(
                    select(WalletCall.next_attempt_at_utc).where(
                        WalletCall.state == CallState.QUEUED.value
                    )
                ),
                *session.scalars(
                    select(WalletCall.lease_until_utc).where(
                        WalletCall.state == CallState.IN_FLIGHT.value
                    )
                ),
            ]
        if not due:
            return
        step = max(from_naive_utc(min(due)) - deployment.clock.now(), dt.timedelta(0))
        deployment.clock.advance(seconds=step.total_seconds() + 0.001)


def test_a_win_whose_answer_makes_the_codec_raise_is_counted_and_parked(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (token,) = deployment.open_sessions(1)
    # Every answer of the wallet has the bad number, the `status` asked at the end too.
    codec = raising_codec(CommandKind.WIN, CommandKind.STATUS)
    monkeypatch.setattr(sender_module, "get_dialect", codec)
    sender = deployment.sender(SCHEDULE)
    with caplog.at_level(logging.ERROR, logger="reelhouse.dispatch"):
        result = rounds.spin(deployment.platform(sender), token, "2.00")
    assert result.state is RoundState.DEBITED  # the spin answers; the win is pending
    win = one_call(deployment, "win")
    assert (win.state, win.last_outcome) == (CallState.QUEUED, "unknown")
    (attempt,) = attempts_of(deployment, win.id)
    assert attempt.detail == "decoding raised InvalidOperation"
    logged = [r for r in caplog.records if getattr(r, "trans_id", None) == win.id]
    assert logged and logged[0].exc_info is not None

    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    run_for(deployment, worker, hours=2)
    worker.close()
    win = one_call(deployment, "win")
    assert win.state == CallState.MANUAL  # parked for a person, never dropped
    assert len(attempts_of(deployment, win.id)) == win.attempts > 5
    with deployment.db.transaction() as session:
        assert session.scalars(select(Round.state)).one() == RoundState.DEBITED


def test_a_bet_whose_answer_makes_the_codec_raise_is_a_documented_refusal(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bet's answer cannot be read: the player gets 3003 (never HTTP 500) and the bet,
    which the wallet did apply, is cancelled with its own id."""
    (token,) = deployment.open_sessions(1)
    monkeypatch.setattr(sender_module, "get_dialect", raising_codec(CommandKind.BET))
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(deployment.platform(), token, "2.00")
    assert refused.value.code is ApiCode.WALLET_UNAVAILABLE
    bet, cancel = one_call(deployment, "bet"), one_call(deployment, "cancel")
    assert (bet.state, bet.last_detail) == (CallState.UNKNOWN, "decoding raised InvalidOperation")
    assert (cancel.state, cancel.last_outcome) == (CallState.ACKED, "applied")
    assert deployment.casino.player("player_0")["balance_minor"] == 10_000


def test_a_delivery_that_keeps_raising_is_counted_at_each_lease_and_parked(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Recording the outcome fails every time (the database refusing the write, say): the
    worker logs it with the call id and keeps an attempt row, and each claim that runs out
    counts against the window, so the call is parked when it is over instead of being claimed
    again at every lease forever."""
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for = {"win"}
    sender = deployment.sender(SCHEDULE)
    rounds.spin(deployment.platform(sender), token, "2.00")
    deployment.transport.down_for = set()

    def broken_record(*_args: object, **_kwargs: object) -> int | None:
        raise RuntimeError("database refused the write")

    # Every record goes through `_record_in`, one at a time or in a batch of acknowledged
    # wins (dispatch/ack_batch.py).
    monkeypatch.setattr(WalletSender, "_record_in", broken_record)
    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    with caplog.at_level(logging.ERROR, logger="reelhouse.worker"):
        run_for(deployment, worker, hours=2)
    worker.close()
    win = one_call(deployment, "win")
    assert win.state == CallState.MANUAL
    details = [a.detail for a in attempts_of(deployment, win.id)]
    assert details.count("delivery raised RuntimeError") == win.attempts - 1  # + the inline one
    assert any(getattr(r, "trans_id", None) == win.id for r in caplog.records)


def test_a_claim_that_runs_out_after_the_window_is_parked(deployment: Deployment) -> None:
    """A claim whose holder never recorded anything counts as an attempt; once the window
    is over it parks the call instead of queueing it again."""
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for = {"win"}
    sender = deployment.sender(SCHEDULE)
    rounds.spin(deployment.platform(sender), token, "2.00")
    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    deployment.clock.advance(seconds=10)
    (claimed,) = worker.claim_due()  # claimed, then its holder stops
    deployment.clock.advance(seconds=SCHEDULE.window.total_seconds())
    assert worker.reclaim_expired() == 1
    worker.close()
    win = one_call(deployment, "win")
    assert (win.id, win.state, win.attempts) == (claimed, CallState.MANUAL, 2)


def test_a_claim_that_cannot_be_taken_back_does_not_hold_up_the_others(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = deployment.open_sessions(2)
    deployment.transport.down_for = {"win"}
    for token in tokens:
        rounds.spin(deployment.platform(), token, "1.00")
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    deployment.clock.advance(seconds=10)
    poisoned, healthy = sorted(worker.claim_due())  # both claimed, then the holder stops
    real_expire = worker_module.expire_lease

    def expire(session: Session, call: WalletCall, *args: Any) -> WalletCall | None:
        if call.id == poisoned:
            raise RuntimeError("a bug in taking this one back")
        return real_expire(session, call, *args)

    monkeypatch.setattr(worker_module, "expire_lease", expire)
    deployment.clock.advance(minutes=5)
    with caplog.at_level(logging.ERROR, logger="reelhouse.worker"):
        assert worker.reclaim_expired() == 1
    worker.close()
    with deployment.db.transaction() as session:
        states = {c.id: c.state for c in session.scalars(select(WalletCall))}
    assert (states[poisoned], states[healthy]) == (CallState.IN_FLIGHT, CallState.QUEUED)
    assert [getattr(r, "trans_id", None) for r in caplog.records] == [poisoned]
