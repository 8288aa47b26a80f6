"""An operator's dialect changes (back office settings) while calls are pending. Each
call goes out in the dialect it was created in, with that dialect's ids and key, so a
pending SlotCity cancel is never sent as an iGamingAce B rollback with a hex id (which the
wallet answers "not found", and Reelhouse would close the round as refunded while the
wallet kept the bet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import TransportError
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.states import TERMINAL_ROUND_STATES, RoundState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import (
    audit,
    backoffice_settings,
    launch,
    ledger_export,
    operators,
    players,
    rounds,
)
from reelhouse.services.platform import Platform
from reelhouse.services.reconcile import reconcile
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import Operator, Player, Round, WalletCall
from reelhouse.store.secrets import Sealer, new_key_text
from tests.dispatch.multi_dialect import OnTheWire, answer, read_request

GAME = "lucky-sevens"
OPERATOR = "switcher"
WHO = audit.Accountable("ops", "the casino moved to its new wallet protocol")
START_MINOR = 10_000
OPENING = {"bet", "bet_win"}


@dataclass
class RoutingTransport:
    """Delivers each request to the casino's endpoint for the dialect it is written in;
    commands in `down_for` fail unsent, those in `answer_lost_for` are applied and their
    answer lost. Records what went on the wire."""

    casino: Casino
    keys: dict[str, str | None]
    down_for: set[str] = field(default_factory=set)
    answer_lost_for: set[str] = field(default_factory=set)
    seen: list[OnTheWire] = field(default_factory=list)

    def credentials(self, _dialect: str = "") -> CallbackCredentials:
        box = self.keys
        return CallbackCredentials(
            "", box["token"] or "", box["api_token"], box["secret_key"], agent_id=OPERATOR
        )

    def send(self, request: HttpRequest) -> HttpAnswer:
        wire = read_request(request, self.credentials())
        self.seen.append(wire)
        if wire.command in self.down_for:
            raise TransportError("operator down")
        body = answer(self.casino, request)
        if wire.command in self.answer_lost_for:
            raise TransportError("answer lost after the wallet applied the call")
        return HttpAnswer(200, body)


@dataclass
class Setup:
    platform: Platform
    casino: Casino
    transport: RoutingTransport
    clock: FakeClock
    operator_id: int
    sessions: list[str]


@pytest.fixture
def make_setup(database_url: str, tmp_path: Path) -> Iterator[Callable[[str], Setup]]:
    made: list[tuple[Database, Casino]] = []

    def make(dialect: str) -> Setup:
        clock = FakeClock(dt.datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        keys: dict[str, str | None] = {"token": "", "api_token": None, "secret_key": None}
        transport: RoutingTransport
        casino = Casino(
            f"sqlite:///{tmp_path / 'casino.db'}",
            lambda: keys["token"] or "",
            clock=clock,
            keys=lambda name: transport.credentials(name),
        )
        transport = RoutingTransport(casino, keys)
        settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
        db = Database(database_url)
        made.append((db, casino))
        sender = WalletSender(db, Sealer(settings.secret_key), clock, transport)
        platform = Platform(db=db, settings=settings, wallet=sender, clock=clock)
        issued = operators.create_operator(
            platform,
            operators.NewOperator(
                name=OPERATOR,
                currency="USD",
                callback_url="http://wallet.invalid/cb",
                dialect=dialect,
                min_bet_minor=10,
                max_bet_minor=100_000,
                approved=True,
            ),
        )
        keys.update(
            token=issued.callback_token, api_token=issued.api_token, secret_key=issued.secret_key
        )
        sessions = []
        for n in range(2):
            name = f"player{n}"
            casino.create_player(name, "USD", "100.00")
            ref = players.create_or_get(platform, issued.operator_id, name)
            with db.transaction() as session:
                operator = operators.find_by_name(session, OPERATOR)
            request = launch.LaunchRequest(ref.user_code, 1, GAME, "en", "", Decimal(0))
            url = launch.create_launch_url(platform, operator, request)
            sessions.append(launch.open_launch(platform, url.rsplit("/", 1)[1]))
        return Setup(platform, casino, transport, clock, issued.operator_id, sessions)

    yield make
    for db, casino in made:
        casino.dispose()
        db.dispose()


def switch(setup: Setup, dialect: str) -> None:
    """The back office switch; the casino configures whatever new key it was given."""
    issued = backoffice_settings.set_dialect(setup.platform, setup.operator_id, dialect, WHO)
    setup.transport.keys.update(issued)


def drain(setup: Setup) -> None:
    assert isinstance(setup.platform.wallet, WalletSender)
    worker = Worker(setup.platform.db, setup.platform.wallet, setup.clock, threads=1)
    try:
        for _ in range(20):
            setup.clock.advance(seconds=61)
            worker.run_once()
            with setup.platform.db.transaction() as session:
                states = set(session.scalars(select(Round.state)))
            if states <= set(TERMINAL_ROUND_STATES):
                return
        raise AssertionError(f"rounds still open: {states}")
    finally:
        worker.close()


def pending_cancel(setup: Setup, session_token: str) -> None:
    """A bet the wallet applied whose answer was lost; its cancel cannot get through."""
    setup.transport.answer_lost_for = set(OPENING)
    setup.transport.down_for = {"cancel"}
    with pytest.raises(ReelhouseError):
        rounds.spin(setup.platform, session_token, "10.00")
    setup.transport.answer_lost_for = set()


def call_of(setup: Setup, kind: str, account: str) -> WalletCall:
    with setup.platform.db.transaction() as session:
        found = session.scalars(
            select(WalletCall)
            .join(Player, Player.id == WalletCall.player_id)
            .where(WalletCall.kind == kind, Player.name == account)
        ).one()
        session.expunge(found)
        return found


def balance(setup: Setup, account: str) -> int:
    return int(str(setup.casino.player(account)["balance_minor"]))


def test_a_pending_win_and_cancel_go_out_as_slotcity_after_a_switch_to_b(
    make_setup: Callable[[str], Setup],
) -> None:
    setup = make_setup("slotcity-v4")
    win_session, cancel_session = setup.sessions
    setup.transport.down_for = {"win"}
    won = rounds.spin(setup.platform, win_session, "10.00")
    assert won.state is RoundState.DEBITED
    pending_cancel(setup, cancel_session)
    assert balance(setup, "player1") == START_MINOR - 1000  # the wallet holds the bet

    switch(setup, "igamingace-b")
    setup.transport.down_for = set()
    sent_before = len(setup.transport.seen)
    drain(setup)

    win = call_of(setup, "win", "player0")
    bet, cancel = call_of(setup, "bet", "player1"), call_of(setup, "cancel", "player1")
    after = setup.transport.seen[sent_before:]
    assert OnTheWire("slotcity-v4", "win", str(win.id), "") in after
    assert OnTheWire("slotcity-v4", "cancel", str(cancel.id), str(bet.id)) in after
    assert {c.dialect for c in (win, bet, cancel)} == {"slotcity-v4"}
    with setup.platform.db.transaction() as session:
        states = {r.player_id: r.state for r in session.scalars(select(Round))}
    assert sorted(states.values()) == [RoundState.CANCELLED, RoundState.SETTLED]
    assert balance(setup, "player0") == START_MINOR - 1000 + won.win_minor
    assert balance(setup, "player1") == START_MINOR  # refunded for real

    # A round started after the switch is the new dialect's, ids and all.
    sent_before = len(setup.transport.seen)
    rounds.spin(setup.platform, win_session, "1.00")
    assert {w.dialect for w in setup.transport.seen[sent_before:]} == {"igamingace-b"}
    # Reconciliation names each call as its own dialect wrote it: nothing differs.
    day = setup.clock.now().date()
    ledger = ledger_export.parse_ledger({"rows": setup.casino.ledger(day)})
    report = reconcile(setup.platform, OPERATOR, day, lambda _day: ledger)
    assert report.ok, report.to_json()


def test_a_pending_b_cancel_is_signed_with_the_kept_key_after_a_switch_to_slotcity(
    make_setup: Callable[[str], Setup],
) -> None:
    setup = make_setup("igamingace-b")
    pending_cancel(setup, setup.sessions[1])
    switch(setup, "slotcity-v4")
    with setup.platform.db.transaction() as session:
        operator = session.get(Operator, setup.operator_id)
        assert operator is not None and operator.secret_key_sealed is not None  # kept
    setup.transport.down_for = set()
    sent_before = len(setup.transport.seen)
    drain(setup)
    cancel = call_of(setup, "cancel", "player1")
    after = setup.transport.seen[sent_before:]
    assert [(w.dialect, w.command, w.cancelled_id) for w in after] == [
        ("igamingace-b", "cancel", str(cancel.cancel_of_id))
    ]
    assert cancel.dialect == "igamingace-b" and cancel.last_outcome == "applied"
    assert balance(setup, "player1") == START_MINOR
