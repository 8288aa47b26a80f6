"""What players see of the breaker, through the real round logic, sender and outbox: a spin
while it is open is refused with its own code (3005) before anything is written or sent; a
bet the breaker stopped is never "the casino refused the bet"; refused connections open it;
and a bet whose outcome is unknown (3003) names its round."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reelhouse.dispatch.breaker import BreakerPolicy, BreakerState, CallResult, OperatorGuards
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import WalletUnreachable
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.states import RoundState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.services import rounds
from reelhouse.store.models import Round, WalletCall
from reelhouse.store.secrets import Sealer
from tests.dispatch.inprocess import Deployment, RecordingTransport, deploy


@dataclass
class RefusingTransport:
    """The in-process wallet, or (while `refusing`) nothing listening at its address."""

    inner: RecordingTransport
    refusing: bool = False
    refused: int = 0

    def send(self, request: HttpRequest) -> HttpAnswer:
        if self.refusing:
            self.refused += 1
            raise WalletUnreachable("ConnectError: [Errno 111] Connection refused")
        return self.inner.send(request)


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def counts(deployment: Deployment) -> tuple[int, int]:
    with deployment.db.transaction() as session:
        found = session.scalar(select(func.count()).select_from(Round)) or 0
        calls = session.scalar(select(func.count()).select_from(WalletCall)) or 0
    return found, calls


def balances(deployment: Deployment, players: int) -> list[object]:
    return [deployment.casino.player(f"player_{n}")["balance_minor"] for n in range(players)]


def test_a_spin_while_open_gets_its_own_code_and_sends_nothing(deployment: Deployment) -> None:
    (token,) = deployment.open_sessions(1)
    sender = deployment.sender()
    platform = deployment.platform(sender)
    rounds.spin(platform, token, "1.00")  # a normal round first: the wallet works
    (operator,) = sender.guards.snapshot()
    for _ in range(BreakerPolicy().refusals_to_open):
        assert sender.guards.try_acquire(operator)
        sender.guards.release(operator, CallResult.UNREACHABLE)
    assert sender.available(operator) is False
    before, sent_before = counts(deployment), sum(deployment.transport.sent.values())
    balance_before = balances(deployment, 1)

    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(platform, token, "1.00")

    assert refused.value.code is ApiCode.WALLET_SHUT_OFF
    assert refused.value.code not in (ApiCode.WALLET_UNAVAILABLE, ApiCode.CALLBACK_ERROR)
    assert counts(deployment) == before  # no round, no call written
    assert sum(deployment.transport.sent.values()) == sent_before  # nothing on the wire
    assert balances(deployment, 1) == balance_before


def test_a_bet_the_breaker_stopped_is_not_the_casino_refusing_it(
    deployment: Deployment,
) -> None:
    # The bulkhead is full when the bet is to be sent (as when the breaker opens between the
    # spin's check and its send): the bet is never put on the wire.
    (token,) = deployment.open_sessions(1)
    guards = OperatorGuards(deployment.clock, BreakerPolicy(max_in_flight=0))
    sender = WalletSender(
        deployment.db,
        Sealer(deployment.settings.secret_key),
        deployment.clock,
        deployment.transport,
        guards=guards,
    )
    balance_before = balances(deployment, 1)
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(deployment.platform(sender), token, "1.00")
    assert refused.value.code is ApiCode.WALLET_SHUT_OFF
    assert not deployment.transport.sent
    with deployment.db.transaction() as session:
        round_ = session.scalars(select(Round)).one()
        (bet,) = session.scalars(select(WalletCall)).all()
        assert round_.state == RoundState.REJECTED
        assert bet.last_outcome == "refused:not_sent"
    assert balances(deployment, 1) == balance_before


def test_refused_connections_open_the_breaker_and_players_get_the_new_code(
    deployment: Deployment,
) -> None:
    tokens = deployment.open_sessions(3)
    transport = RefusingTransport(deployment.transport)
    sender = WalletSender(
        deployment.db,
        Sealer(deployment.settings.secret_key),
        deployment.clock,
        transport,
    )
    platform = deployment.platform(sender)
    transport.refusing = True
    codes = []
    for token in tokens:
        written_before = counts(deployment)
        with pytest.raises(ReelhouseError) as refused:
            rounds.spin(platform, token, "1.00")
        codes.append(refused.value.code)
    assert counts(deployment) == written_before  # the third spin wrote nothing
    # First spin: its bet and its cancel refused (two); second: its bet (three), which opens
    # the breaker, so its cancel waits unsent; third: refused before anything is written.
    assert codes == [
        ApiCode.WALLET_UNAVAILABLE,
        ApiCode.WALLET_UNAVAILABLE,
        ApiCode.WALLET_SHUT_OFF,
    ]
    assert transport.refused == BreakerPolicy().refusals_to_open
    (operator,) = sender.guards.snapshot()
    assert sender.guards.state(operator) is BreakerState.OPEN
    assert balances(deployment, 3) == [10_000] * 3


def test_timeouts_of_a_few_players_do_not_open_it(deployment: Deployment) -> None:
    tokens = deployment.open_sessions(5)
    deployment.transport.down_for = {"bet", "cancel"}  # every money call times out
    sender = deployment.sender()
    platform = deployment.platform(sender)
    for token in tokens:  # five spins: ten calls without an answer, half the volume
        with pytest.raises(ReelhouseError) as refused:
            rounds.spin(platform, token, "1.00")
        assert refused.value.code is ApiCode.WALLET_UNAVAILABLE
    (operator,) = sender.guards.snapshot()
    assert sender.guards.state(operator) is BreakerState.CLOSED


def test_an_unknown_bet_answer_names_its_round(deployment: Deployment) -> None:
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for = {"bet"}
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(deployment.platform(), token, "1.00")
    assert refused.value.code is ApiCode.WALLET_UNAVAILABLE
    with deployment.db.transaction() as session:
        round_ = session.scalars(select(Round)).one()
    # Its cancel found nothing: the round waits for the second cancel, due after the
    # late-bet window, before it counts as cancelled.
    assert round_.state == RoundState.CANCELLING
    # As text: ids made by earlier versions are above 2^53, which a JavaScript number rounds.
    assert refused.value.data == {"round_id": str(round_.id)}
