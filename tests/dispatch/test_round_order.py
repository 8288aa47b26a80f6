"""The order one player's calls reach the wallet in, now that a round may open while an
earlier one waits for its win or cancel: the next bet goes out only once that win or cancel
has been sent, and a cancel answered "not found" is sent once more after the late-bet window.
In process (the demo casino's real ledger), with an injected clock."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.dispatch.transport import TransportError
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import LATE_BET_WINDOW_SECONDS
from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.operator_kit.sdk.models import Tombstone
from reelhouse.services import late_bets, rounds
from reelhouse.store import outbox
from reelhouse.store.models import Round, WalletCall
from tests.dispatch.inprocess import Deployment, RecordingTransport, deploy

START_MINOR = 10_000  # open_sessions' default balance, 100.00


@dataclass
class OrderedTransport:
    """Puts every call on the wire through `inner`, writing down its command and id in the
    order they were sent (whether `inner` then fails them or not); holds the next bet when
    `hold_next_bet` is set (the wallet keeps it past the deadline and applies it only when
    `apply_held` says)."""

    inner: RecordingTransport
    wire: list[tuple[str, str]] = field(default_factory=list)
    hold_next_bet: bool = False
    held: list[HttpRequest] = field(default_factory=list)

    def send(self, request: HttpRequest) -> HttpAnswer:
        doc = json.loads(request.body)
        command, guid = doc["command"], str(doc["data"].get("trans_guid", ""))
        if command == "bet" and self.hold_next_bet:
            self.hold_next_bet = False
            self.held.append(request)
            raise TransportError("the wallet holds the bet past the deadline")
        self.wire.append((command, guid))
        return self.inner.send(request)

    def apply_held(self) -> None:
        """The wallet applies the bets it held, keeping no record of a cancel that found
        nothing before (as the public contracts allow)."""
        casino = self.inner.casino
        with casino.db.unit_of_work() as session:
            for tombstone in session.scalars(select(Tombstone)):
                session.delete(tombstone)
        for request in self.held:
            casino.answer_callback(dict(request.headers), request.body)
        self.held.clear()


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    running.transport = OrderedTransport(running.transport)  # type: ignore[assignment]
    yield running
    running.close()


def wire_of(deployment: Deployment) -> OrderedTransport:
    transport = deployment.transport
    assert isinstance(transport, OrderedTransport)
    return transport


def calls_of(deployment: Deployment, round_id: int) -> list[WalletCall]:
    with deployment.db.transaction() as session:
        query = select(WalletCall).where(WalletCall.round_id == round_id)
        return list(session.scalars(query.order_by(WalletCall.created_at_utc, WalletCall.id)))


def state_of(deployment: Deployment, round_id: int) -> str:
    with deployment.db.transaction() as session:
        found = session.get(Round, round_id)
        assert found is not None
        return found.state


def held(deployment: Deployment, token: str) -> bool:
    """Whether a spin now is refused with 3002 (it changes nothing then)."""
    try:
        rounds.spin(deployment.platform(), token, "1.00")
    except ReelhouseError as exc:
        if exc.code is ApiCode.ROUND_IN_PROGRESS:
            return True
        raise
    return False


def balance_minor(deployment: Deployment) -> int:
    return int(str(deployment.casino.player("player_0")["balance_minor"]))


def test_a_win_sent_once_does_not_hold_the_next_round_and_the_wallet_sees_it_first(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1)
    wire = wire_of(deployment)
    wire.inner.down_for = {"win"}
    first = rounds.spin(deployment.platform(), token, "1.00")
    assert first.state is RoundState.DEBITED
    (_bet, win) = calls_of(deployment, first.round_id)
    assert (win.kind, win.state, win.attempts) == ("win", CallState.QUEUED, 1)
    # Its win was sent once and failed: the next round is played, not held with 3002.
    second = rounds.spin(deployment.platform(), token, "2.00")
    assert second.round_id != first.round_id and second.state is RoundState.DEBITED
    # The balance shown is the wallet's; the win it still owes is shown beside it.
    assert second.balance_minor == START_MINOR - 100 - 200
    assert second.win_owed_minor == first.win_minor + second.win_minor
    second_bet = calls_of(deployment, second.round_id)[0]
    wire.inner.down_for = set()
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    try:
        for _ in range(10):
            deployment.clock.advance(seconds=61)
            worker.run_once()
    finally:
        worker.close()
    assert state_of(deployment, first.round_id) == RoundState.SETTLED
    assert state_of(deployment, second.round_id) == RoundState.SETTLED
    # The first round's win went out before the second bet; its retry came after it.
    order = [guid for _command, guid in wire.wire]
    first_win_sends = [n for n, guid in enumerate(order) if guid == str(win.id)]
    assert first_win_sends[0] < order.index(str(second_bet.id)) < first_win_sends[-1]
    assert balance_minor(deployment) == START_MINOR - 300 + first.win_minor + second.win_minor


def test_the_wallet_sees_a_win_attempt_before_the_next_bet(deployment: Deployment) -> None:
    (token,) = deployment.open_sessions(1)
    wire = wire_of(deployment)
    first = rounds.spin(deployment.platform(), token, "1.00")
    second = rounds.spin(deployment.platform(), token, "1.00")
    (_bet1, win1) = calls_of(deployment, first.round_id)
    (bet2, _win2) = calls_of(deployment, second.round_id)
    order = [guid for _command, guid in wire.wire]
    assert order.index(str(win1.id)) < order.index(str(bet2.id))


def test_a_win_never_sent_holds_the_player_through_a_crash_then_goes_out_first(
    deployment: Deployment,
) -> None:
    """The process died after the bet was applied and before the win went out: the win is
    claimed by a dead holder. The player is held (3002) while the claim lasts (the win may be
    on the wire). Once the worker took the claim back (nobody knows whether the win left, so
    it counts as never sent), the player's next spin sends that win first, then its bet."""
    (token,) = deployment.open_sessions(1)
    platform = deployment.platform()
    opened = rounds._open_round(platform, token, "1.00")
    round_id, bet_call_id = opened.round_id, opened.call_id
    assert bet_call_id is not None
    win_id = platform.wallet.deliver(bet_call_id)  # the bet; then the process "dies"
    assert win_id is not None
    assert held(deployment, token)
    assert ("win", str(win_id)) not in wire_of(deployment).wire
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    try:
        deployment.clock.advance(seconds=120)  # past the claim's lease
        assert worker.reclaim_expired() == 1
    finally:
        worker.close()
    (_bet, win) = calls_of(deployment, round_id)
    assert (win.state, win.attempts) == (CallState.QUEUED, 1)  # counted, never sent
    with deployment.db.transaction() as session:
        assert outbox.round_holding_next(session, win.player_id) == round_id
    after = rounds.spin(deployment.platform(), token, "1.00")
    assert state_of(deployment, round_id) == RoundState.SETTLED
    (next_bet, _next_win) = calls_of(deployment, after.round_id)
    order = [guid for _command, guid in wire_of(deployment).wire]
    assert order.index(str(win_id)) < order.index(str(next_bet.id))


def test_an_unknown_bet_holds_the_player_until_its_cancel_was_sent(
    deployment: Deployment,
) -> None:
    """A bet whose process died: held while its claim lasts; then its cancel goes out (here
    it fails, which is enough: it was sent) before the next bet."""
    (token,) = deployment.open_sessions(1)
    opened = rounds._open_round(deployment.platform(), token, "1.00")
    round_id, bet_id = opened.round_id, opened.call_id
    assert held(deployment, token)  # the bet may be on the wire
    wire_of(deployment).inner.down_for = {"cancel"}
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    try:
        deployment.clock.advance(seconds=120)
        assert worker.reclaim_expired() == 1
    finally:
        worker.close()
    assert state_of(deployment, round_id) == RoundState.CANCELLING
    with deployment.db.transaction() as session:
        (cancel,) = session.scalars(select(WalletCall).where(WalletCall.kind == "cancel"))
        assert outbox.round_holding_next(session, cancel.player_id) == round_id
    after = rounds.spin(deployment.platform(), token, "1.00")
    assert state_of(deployment, round_id) == RoundState.CANCELLING  # its cancel failed
    next_bet = calls_of(deployment, after.round_id)[0]
    order = [guid for _command, guid in wire_of(deployment).wire]
    assert order.index(str(cancel.id)) < order.index(str(next_bet.id))
    assert str(bet_id) not in order  # the bet itself never left


def test_a_bet_applied_after_its_cancel_found_nothing_is_reversed_by_the_second_cancel(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1)
    wire = wire_of(deployment)
    wire.hold_next_bet = True
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(deployment.platform(), token, "5.00")
    assert refused.value.code is ApiCode.WALLET_UNAVAILABLE  # "refunded"
    (round_id,) = _round_ids(deployment)
    bet, first_cancel, recheck = calls_of(deployment, round_id)
    assert (first_cancel.state, first_cancel.last_outcome) == (CallState.ACKED, "not_found")
    assert (recheck.kind, recheck.state, recheck.cancel_of_id) == ("cancel", "queued", bet.id)
    due = recheck.next_attempt_at_utc - bet.created_at_utc
    assert due == dt.timedelta(seconds=LATE_BET_WINDOW_SECONDS)
    assert state_of(deployment, round_id) == RoundState.CANCELLING
    # The second cancel waits for the window and holds nobody: the first one was sent.
    assert not held(deployment, token)
    before_late_bet = balance_minor(deployment)
    wire.apply_held()  # the wallet applies the bet it held: the money moved
    assert balance_minor(deployment) == before_late_bet - 500
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    try:
        assert worker.run_once() == 0  # not due yet
        deployment.clock.advance(seconds=LATE_BET_WINDOW_SECONDS)
        assert worker.run_once() == 1
    finally:
        worker.close()
    assert state_of(deployment, round_id) == RoundState.CANCELLED
    (_bet, _first, recheck) = calls_of(deployment, round_id)
    assert (recheck.state, recheck.last_outcome) == (CallState.ACKED, "applied")
    # Only the round played after it moved money: the late bet was refunded.
    played = [r for r in _round_ids(deployment) if r != round_id]
    with deployment.db.transaction() as session:
        (after,) = [session.get(Round, r) for r in played]
        assert after is not None
        net = after.win_minor - after.bet_minor
    assert balance_minor(deployment) == START_MINOR + net
    (row,) = late_bets.not_found_cancels(deployment.platform(), _operator_id(deployment))
    assert (row["round_id"], row["recheck_id"]) == (round_id, recheck.id)
    assert row["verdict"] == late_bets.RECHECK_VERDICTS[(CallState.ACKED, "applied")]


def test_a_cancel_sent_after_the_window_answered_not_found_is_final(
    deployment: Deployment,
) -> None:
    """No second cancel when the first went out once the wallet could no longer hold the
    bet: the round is cancelled at once."""
    (token,) = deployment.open_sessions(1)
    wire_of(deployment).inner.down_for = {"bet", "cancel"}
    with pytest.raises(ReelhouseError):
        rounds.spin(deployment.platform(), token, "1.00")
    (round_id,) = _round_ids(deployment)
    wire_of(deployment).inner.down_for = set()
    deployment.clock.advance(seconds=LATE_BET_WINDOW_SECONDS + 1)
    worker = Worker(deployment.db, deployment.sender(), deployment.clock, threads=1)
    try:
        assert worker.run_once() == 1
    finally:
        worker.close()
    assert state_of(deployment, round_id) == RoundState.CANCELLED
    assert [c.kind for c in calls_of(deployment, round_id)] == ["bet", "cancel"]


def _round_ids(deployment: Deployment) -> list[int]:
    with deployment.db.transaction() as session:
        return list(session.scalars(select(Round.id).order_by(Round.created_at_utc, Round.id)))


def _operator_id(deployment: Deployment) -> int:
    with deployment.db.transaction() as session:
        (operator_id,) = session.scalars(select(Round.operator_id).distinct())
        return operator_id
