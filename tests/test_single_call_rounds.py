"""Rounds opened with one bet-and-win call (iGamingAce `betwin` / `BetWin`), an operator's
opt-in, through the same outbox as every round: the call's outcome alone settles, rejects or
cancels the round, and the feeds still show a bet and a win. Without the opt-in an iGamingAce
round opens with a bet, then a win. For opted-in operators the wallet's refusals of winning
and losing rounds are watched (compensated play). The wallet here is scripted (flavour A,
signatures checked like a real one) to give each outcome on demand, including those the demo
casino never gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from reelhouse.api import fairness_metrics
from reelhouse.backoffice.web import TEMPLATES
from reelhouse.cli import app as cli_app
from reelhouse.dialects import igamingace_a
from reelhouse.dialects.base import CallbackRejection
from reelhouse.dialects.igamingace_a import IGamingAceACallback, Status
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import TransportError
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import FEED_SETTLE_SECONDS
from reelhouse.domain.states import ROUND_MOVES, CallState, RoundState, check_round_move
from reelhouse.domain.wallet import CommandKind, HttpAnswer, HttpRequest
from reelhouse.games.rng import SeededRng
from reelhouse.services import (
    audit,
    backoffice_settings,
    fairness,
    launch,
    operators,
    players,
    rounds,
    transactions,
)
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import AuditEntry, GameSession, Operator, Round, WalletCall
from reelhouse.store.outbox import expire_lease, lease_seconds
from reelhouse.store.secrets import Sealer, new_key_text

GAME = "lucky-sevens"
WHO = audit.Accountable.checked("ops@casino.example", "test")
START_MINOR = 10_000
LOST = TransportError("simulated: the answer was lost")


@dataclass
class ScriptedWalletA:
    """A flavour A wallet: verifies every callback and keeps a ledger like a real one
    (idempotent by transactionId, a cancel reverses what its target moved, once), and
    answers as scripted: a Status, or an exception standing for an answer lost after the
    wallet applied the call. OK by default."""

    clock: FakeClock
    api_token: str = ""
    balance_minor: int = START_MINOR
    script: dict[str, list[Status | Exception]] = field(default_factory=dict)
    received: list[IGamingAceACallback] = field(default_factory=list)
    moved: dict[int, int] = field(default_factory=dict)  # transactionId -> balance change
    reversed: set[int] = field(default_factory=set)

    def send(self, request: HttpRequest) -> HttpAnswer:
        now = int(self.clock.now().timestamp())
        callback = igamingace_a.verify_and_decode_callback(
            dict(request.headers), request.body, self.api_token, now
        )
        assert not isinstance(callback, CallbackRejection), callback.reason
        self.received.append(callback)
        planned = self.script.get(igamingace_a.WIRE_COMMAND[callback.kind], [])
        outcome = planned.pop(0) if planned else Status.OK
        if isinstance(outcome, Exception):
            self._apply(callback)
            raise outcome
        if outcome is Status.OK:
            outcome = self._apply(callback)
        balance = Decimal(self.balance_minor).scaleb(-2)
        return HttpAnswer(200, igamingace_a.encode_answer(outcome, balance))

    def _apply(self, callback: IGamingAceACallback) -> Status:
        own = callback.transaction_id
        if callback.kind is CommandKind.BALANCE or own in self.moved:
            return Status.OK  # a read, or a repeated id: registered once, answered OK
        assert own is not None
        if callback.kind is CommandKind.BET_WIN:
            assert callback.bet_amount is not None and callback.win_amount is not None
            delta = int((callback.win_amount - callback.bet_amount) * 100)
        elif callback.kind in (CommandKind.BET, CommandKind.WIN):
            assert callback.amount is not None
            sign = -1 if callback.kind is CommandKind.BET else 1
            delta = sign * int(callback.amount * 100)
        else:
            assert callback.kind is CommandKind.CANCEL and callback.reference_id is not None
            target = callback.reference_id
            if target not in self.moved:
                return Status.TRANSACTION_DOES_NOT_EXIST
            if target in self.reversed:
                return Status.TRANSACTION_ROLLED_BACK
            self.reversed.add(target)
            delta = -self.moved[target]
        self.moved[own] = delta
        self.balance_minor += delta
        return Status.OK


@dataclass
class Setup:
    platform: Platform
    wallet: ScriptedWalletA
    clock: FakeClock
    session_token: str
    operator_id: int


@pytest.fixture
def setup(database_url: str) -> Iterator[Setup]:
    """An operator opted in to single-call rounds (through the back office, audited)."""
    for ready in build_setup(database_url):
        backoffice_settings.set_single_call_rounds(ready.platform, ready.operator_id, True, WHO)
        yield ready


@pytest.fixture
def two_call(database_url: str) -> Iterator[Setup]:
    """An iGamingAce A operator as created: no opt-in."""
    yield from build_setup(database_url)


def build_setup(database_url: str) -> Iterator[Setup]:
    clock = FakeClock(dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    db = Database(database_url)
    wallet = ScriptedWalletA(clock)
    sender = WalletSender(db, Sealer(settings.secret_key), clock, wallet, RetrySchedule())
    platform = Platform(db, settings, sender, clock, game_rng=lambda: SeededRng(3))
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name="single",
            currency="USD",
            callback_url="http://wallet.invalid/callback",
            dialect="igamingace-a",
            min_bet_minor=10,
            approved=True,
        ),
    )
    wallet.api_token = issued.api_token
    ref = players.create_or_get(platform, issued.operator_id, "alice", players.IGAMINGACE_A_NAMES)
    with db.transaction() as session:
        operator = operators.find_by_name(session, "single")
    url = launch.create_launch_url(
        platform, operator, launch.LaunchRequest(ref.user_code, 1, GAME, "en", "", Decimal(0))
    )
    token = launch.open_launch(platform, url.rsplit("/", 1)[1])
    try:
        yield Setup(platform, wallet, clock, token, issued.operator_id)
    finally:
        db.dispose()


def calls_of(setup: Setup, round_id: int) -> list[WalletCall]:
    with setup.platform.db.transaction() as session:
        return list(
            session.scalars(
                select(WalletCall).where(WalletCall.round_id == round_id).order_by(WalletCall.id)
            )
        )


def round_of(setup: Setup, round_id: int) -> Round:
    with setup.platform.db.transaction() as session:
        found = session.get(Round, round_id)
        assert found is not None
        return found


def last_round_id(setup: Setup) -> int:
    with setup.platform.db.transaction() as session:
        found = session.scalar(select(Round.id).order_by(Round.id.desc()))
        assert found is not None
        return found


def test_the_round_table_lets_a_bet_win_settle_a_pending_round() -> None:
    assert check_round_move(RoundState.BET_PENDING, RoundState.SETTLED) is RoundState.SETTLED
    assert RoundState.SETTLED in ROUND_MOVES[RoundState.BET_PENDING]
    assert ROUND_MOVES[RoundState.SETTLED] == frozenset()


def test_one_acknowledged_call_settles_the_round_and_the_feed_shows_bet_and_win(
    setup: Setup,
) -> None:
    result = rounds.spin(setup.platform, setup.session_token, "1.00")
    assert result.state is RoundState.SETTLED and result.win_credited
    sent = [c.kind for c in setup.wallet.received]
    assert sent == [CommandKind.BALANCE, CommandKind.BET_WIN]  # one call for the round
    bet_win, win = calls_of(setup, result.round_id)
    final = START_MINOR - 100 + result.win_minor
    assert (bet_win.kind, bet_win.trans_type, bet_win.state) == ("bet_win", 1, CallState.ACKED)
    assert (win.kind, win.trans_type, win.state) == ("win", 2, CallState.ACKED)
    assert (bet_win.amount_minor, win.amount_minor) == (100, result.win_minor)
    assert (bet_win.balance_after_minor, win.balance_after_minor) == (
        final - win.amount_minor,
        final,
    )
    assert win.attempts == 0 and win.last_detail == f"carried by bet_win {bet_win.id}"
    assert result.balance_minor == final
    with setup.platform.db.transaction() as session:
        game_session = session.scalars(select(GameSession)).one()
        assert (game_session.spend_minor, game_session.win_minor) == (100, result.win_minor)

    setup.clock.advance(seconds=FEED_SETTLE_SECONDS + 1)
    feed = transactions.cursor_page(setup.platform, setup.operator_id, 0, 10)
    assert [(i["trans_id"], i["trans_type"]) for i in feed] == [(bet_win.id, 1), (win.id, 2)]
    assert feed[0]["prebalance"] == Decimal("100.00")
    assert feed[0]["balance"] == feed[1]["prebalance"]
    assert feed[1]["balance"] == Decimal(final).scaleb(-2)


def test_a_refused_bet_win_rejects_the_round_and_sends_nothing_more(setup: Setup) -> None:
    setup.wallet.script["betwin"] = [Status.NOT_ENOUGH_MONEY]
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(setup.platform, setup.session_token, "1.00")
    assert refused.value.code is ApiCode.BALANCE_NOT_ENOUGH
    round_id = last_round_id(setup)
    assert round_of(setup, round_id).state == RoundState.REJECTED
    (only,) = calls_of(setup, round_id)
    assert (only.kind, only.state) == ("bet_win", CallState.REFUSED)
    assert [c.kind for c in setup.wallet.received][-1] is CommandKind.BET_WIN
    assert setup.wallet.balance_minor == START_MINOR


@pytest.mark.parametrize(
    "answer",
    [LOST, Status.UNKNOWN, Status.TRANSACTION_ROLLED_BACK, Status.INVALID_ACCOUNT],
)
def test_a_bet_win_of_unknown_fate_is_cancelled_never_retried(
    setup: Setup, answer: Status | Exception
) -> None:
    setup.wallet.script["betwin"] = [answer]
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(setup.platform, setup.session_token, "2.00")
    assert refused.value.code is ApiCode.WALLET_UNAVAILABLE
    round_id = last_round_id(setup)
    bet_win, cancel, *second = calls_of(setup, round_id)
    if cancel.last_outcome == "not_found":
        # The wallet never had it: the round waits for a second cancel after the late-bet
        # window (a bet_win the wallet held and applied late would be reversed by it).
        assert round_of(setup, round_id).state == RoundState.CANCELLING
        assert [(c.kind, c.state, c.cancel_of_id) for c in second] == [
            ("cancel", CallState.QUEUED, bet_win.id)
        ]
    else:
        assert round_of(setup, round_id).state == RoundState.CANCELLED
        assert second == []
    assert (bet_win.kind, bet_win.state) == ("bet_win", CallState.UNKNOWN)
    assert (cancel.kind, cancel.state, cancel.cancel_of_id) == (
        "cancel",
        CallState.ACKED,
        bet_win.id,
    )
    assert cancel.amount_minor == 200  # the amount the bet_win debited
    sent = setup.wallet.received[-2:]
    assert [c.kind for c in sent] == [CommandKind.BET_WIN, CommandKind.CANCEL]
    assert (sent[1].reference_id, sent[1].amount) == (bet_win.id, Decimal("2"))
    # Whatever the wallet did with the bet_win, the cancel put the player back.
    assert setup.wallet.balance_minor == START_MINOR


def test_a_failed_cancel_of_a_bet_win_is_retried_with_the_same_id(setup: Setup) -> None:
    setup.wallet.script["betwin"] = [LOST]
    setup.wallet.script["cancel"] = [LOST, Status.UNKNOWN]
    with pytest.raises(ReelhouseError):
        rounds.spin(setup.platform, setup.session_token, "1.00")
    round_id = last_round_id(setup)
    assert round_of(setup, round_id).state == RoundState.CANCELLING
    worker = Worker(setup.platform.db, setup.platform.wallet, setup.clock, threads=1)  # type: ignore[arg-type]
    try:
        for _ in range(3):
            setup.clock.advance(seconds=3)
            worker.run_once()
    finally:
        worker.close()
    assert round_of(setup, round_id).state == RoundState.CANCELLED
    cancels = [c for c in setup.wallet.received if c.kind is CommandKind.CANCEL]
    assert len(cancels) == 3 and len({c.transaction_id for c in cancels}) == 1
    assert setup.wallet.balance_minor == START_MINOR  # reversed once, sent three times


def test_a_bet_win_whose_sender_died_is_cancelled(setup: Setup) -> None:
    """A claim that outlived its holder: the bet_win's fate is unknown, like a bet's."""
    platform = setup.platform
    opening = platform.wallet.opening_call("igamingace-a", single_call=True)
    assert opening == (CommandKind.BET_WIN, 3000)
    opened = rounds._open_round(platform, setup.session_token, "1.00")
    round_id, call_id = opened.round_id, opened.call_id
    assert call_id is not None
    with platform.db.transaction() as session:
        call = session.get(WalletCall, call_id)
        assert call is not None and call.kind == "bet_win"
        expected_lease = lease_seconds(3000)
        held = (call.lease_until_utc - call.created_at_utc).total_seconds()  # type: ignore[operator]
        assert held == pytest.approx(expected_lease)
        follow_up = expire_lease(session, call, setup.clock.now())
        assert follow_up is not None and follow_up.kind == "cancel"
        assert follow_up.cancel_of_id == call_id
    assert round_of(setup, round_id).state == RoundState.CANCELLING


# --- the default: a bet, then a win --------------------------------------------------------


def test_an_igamingace_round_opens_with_a_bet_unless_the_operator_opted_in(
    two_call: Setup,
) -> None:
    """The wallet accepts the bet before anything tells it the win: it cannot keep losing
    rounds and refuse winning ones. Opting in (audited) switches to one betwin call."""
    setup = two_call
    result = rounds.spin(setup.platform, setup.session_token, "1.00")
    assert result.state is RoundState.SETTLED
    bet, win = setup.wallet.received[-2:]
    assert [bet.kind, win.kind] == [CommandKind.BET, CommandKind.WIN]
    assert bet.amount == Decimal("1") and bet.win_amount is None  # nothing about the win
    assert win.amount == Decimal(result.win_minor).scaleb(-2)
    assert setup.wallet.balance_minor == START_MINOR - 100 + result.win_minor
    bet_call, win_call = calls_of(setup, result.round_id)
    assert [(c.kind, c.state) for c in (bet_call, win_call)] == [
        ("bet", CallState.ACKED),
        ("win", CallState.ACKED),
    ]
    setup.clock.advance(seconds=FEED_SETTLE_SECONDS + 1)
    feed = transactions.cursor_page(setup.platform, setup.operator_id, 0, 10)
    assert [(i["trans_id"], i["trans_type"]) for i in feed] == [(bet_call.id, 1), (win_call.id, 2)]

    backoffice_settings.set_single_call_rounds(setup.platform, setup.operator_id, True, WHO)
    rounds.spin(setup.platform, setup.session_token, "1.00")
    assert setup.wallet.received[-1].kind is CommandKind.BET_WIN
    with setup.platform.db.transaction() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.target_id) == ("settings.single_call_rounds", setup.operator_id)


def test_a_refused_bet_sends_no_win(two_call: Setup) -> None:
    setup = two_call
    setup.wallet.script["bet"] = [Status.NOT_ENOUGH_MONEY]
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(setup.platform, setup.session_token, "1.00")
    assert refused.value.code is ApiCode.BALANCE_NOT_ENOUGH
    (only,) = calls_of(setup, last_round_id(setup))
    assert (only.kind, only.state) == ("bet", CallState.REFUSED)
    assert setup.wallet.received[-1].kind is CommandKind.BET


def test_single_call_rounds_need_a_dialect_that_has_the_call(setup: Setup) -> None:
    with setup.platform.db.transaction() as session:
        session.get_one(Operator, setup.operator_id).dialect = "slotcity-v4"
    with pytest.raises(ReelhouseError) as refused:
        backoffice_settings.set_single_call_rounds(setup.platform, setup.operator_id, True, WHO)
    assert refused.value.code is ApiCode.PARAMETERS_INVALID


# --- the compensated-play watch ------------------------------------------------------------


def add_rounds(setup: Setup, plan: list[tuple[int, bool]], opening: str = "bet_win") -> None:
    """Rounds as the spin service stores them, in bulk: (paid win, refused by the wallet)
    each, opened by one `opening` call (copies of a played round; quicker than playing)."""
    template = round_of(setup, last_round_id(setup))
    now = setup.clock.now().replace(tzinfo=None)
    with setup.platform.db.transaction() as session:
        for win_minor, refused in plan:
            round_ = Round(
                **{
                    c.name: getattr(template, c.name)
                    for c in Round.__table__.columns
                    if c.name not in ("id", "win_minor", "awarded_win_minor", "state")
                },
                id=new_id(),
                win_minor=win_minor,
                awarded_win_minor=win_minor,
                state=(RoundState.REJECTED if refused else RoundState.SETTLED).value,
            )
            session.add(round_)
            session.flush()
            state = CallState.REFUSED if refused else CallState.ACKED
            session.add(
                WalletCall(
                    id=new_id(),
                    operator_id=round_.operator_id,
                    player_id=round_.player_id,
                    round_id=round_.id,
                    kind=opening,
                    trans_type=1,
                    amount_minor=round_.bet_minor,
                    state=state.value,
                    attempts=1,
                    next_attempt_at_utc=now,
                    last_outcome="refused:insufficient_funds" if refused else "applied",
                    created_at_utc=now,
                    updated_at_utc=now,
                )
            )


def test_a_wallet_that_refuses_winning_rounds_is_flagged(setup: Setup) -> None:
    rounds.spin(setup.platform, setup.session_token, "1.00")  # one real round to copy
    # 100 winners, 40 refused; 300 losers, 10 refused: 40 % against 3 %.
    plan = [(500, n < 40) for n in range(100)] + [(0, n < 10) for n in range(300)]
    add_rounds(setup, plan)
    found = fairness.operator_watch(setup.platform, setup.operator_id)
    assert found is not None and found.suspected and found.p_value < 1e-9
    assert found.counts.winning_refused == 40 and found.counts.losing_refused == 10
    text = fairness_metrics.render(setup.platform.db, setup.clock).decode()
    labels = f'operator="single",operator_id="{setup.operator_id}"'
    assert f"reelhouse_compensated_play_suspected{{{labels}}} 1.0" in text
    assert f'reelhouse_single_call_rounds{{{labels},round="winning",taken="refused"}} 40.0' in text
    # The back office's panel (dashboard and Settings) says so, with the figures.
    html = TEMPLATES.get_template("_fairness.html").render(watch=found)
    assert 'data-suspected="yes"' in html and "Compensated play suspected" in html
    assert "40 of 10" in html  # 40 of the 100 (or 101) winning rounds
    for page in ("settings.html", "dashboard.html"):
        assert TEMPLATES.get_template(page) is not None  # they compile with the panel


def test_a_wallet_that_refuses_alike_is_not_flagged_and_bets_are_not_counted(
    setup: Setup,
) -> None:
    rounds.spin(setup.platform, setup.session_token, "1.00")
    plan = [(500, n < 10) for n in range(100)] + [(0, n < 30) for n in range(300)]
    add_rounds(setup, plan)
    # Rounds opened with a plain bet: the wallet could not see the win, nothing to judge.
    add_rounds(setup, [(500, True)] * 50, opening="bet")
    found = fairness.operator_watch(setup.platform, setup.operator_id)
    assert found is not None and not found.suspected
    assert found.counts.refused == 40 and found.counts.rounds == 401  # with the played one


def test_an_operator_never_opted_in_has_nothing_to_watch(two_call: Setup) -> None:
    assert fairness.operator_watch(two_call.platform, two_call.operator_id) is None
    text = fairness_metrics.render(two_call.platform.db, two_call.clock).decode()
    assert "reelhouse_compensated_play_suspected{" not in text


def test_the_cli_creates_an_operator_opted_in_or_not(database_url: str) -> None:
    # A made-up wallet host: private callbacks allowed, so its name is not looked up.
    env = {
        "REELHOUSE_DATABASE_URL": database_url,
        "REELHOUSE_SECRET_KEY": new_key_text(),
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS": "1",
    }
    base = ["operator", "create", "--callback-url", "https://wallet.example/cb"]
    for name, extra in (("plain", []), ("opted", ["--single-call-rounds"])):
        args = [*base, "--name", name, "--dialect", "igamingace-a", *extra]
        result = CliRunner().invoke(cli_app, args, env=env)
        assert result.exit_code == 0, result.output
    shown = CliRunner().invoke(cli_app, ["operator", "show", "opted"], env=env)
    assert "single_call   yes (betwin)" in shown.output
    db = Database(database_url)
    try:
        with db.transaction() as session:
            flags = {op.name: op.single_call_rounds for op in session.scalars(select(Operator))}
    finally:
        db.dispose()
    assert flags == {"plain": False, "opted": True}
