"""The settlement table (domain/settlement.py), walked cell by cell against the database.

Every (role, outcome) a money call can meet has a row; for each row, a call of that role is
put in flight in a real round, the outcome is recorded through `record_outcome` (the one
interpreter), and the call, its round, the follow-up call, the player's balance and the game
session's totals must be what the row says. docs/rounds.md shows the same table."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc
from reelhouse.domain.settlement import (
    SETTLEMENT,
    CallRole,
    FollowUp,
    Settlement,
    call_role,
    call_state_after,
    cancel_role,
)
from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import MONEY_COMMANDS, CommandKind, OutcomeKind, WalletOutcome
from reelhouse.services import rounds
from reelhouse.store.models import GameSession, Player, Round, WalletCall
from reelhouse.store.outbox import LATE_BET_WINDOW, claim_for, new_call, record_outcome
from tests.conftest import fresh_database
from tests.dispatch.inprocess import Deployment, deploy

DOC = Path(__file__).resolve().parents[1] / "docs" / "rounds.md"
BALANCE_MINOR = 12_345  # what every recorded answer says the balance is now


@pytest.fixture
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(fresh_database(request, "sqlite", tmp_path), tmp_path)
    yield running
    running.close()


def test_every_role_and_outcome_has_exactly_one_row() -> None:
    assert set(SETTLEMENT) == set(itertools.product(CallRole, OutcomeKind))


def test_every_money_command_has_a_role() -> None:
    roles = {call_role(kind) for kind in MONEY_COMMANDS - {CommandKind.CANCEL}}
    roles.add(call_role(CommandKind.BET, relayed=True))  # an upstream provider's bet
    roles.add(call_role(CommandKind.BET, relayed=True, promo=True))  # its promotion's
    roles |= {CallRole.CANCEL_EARLY, CallRole.CANCEL_FINAL}
    assert roles == set(CallRole)


def test_a_cancel_is_early_only_when_first_and_sent_inside_the_window() -> None:
    over = dt.datetime(2026, 5, 1, 9, 2, tzinfo=dt.UTC)
    before = over - dt.timedelta(seconds=1)
    assert cancel_role(second_cancel=False, sent_at=before, window_over=over) is (
        CallRole.CANCEL_EARLY
    )
    assert cancel_role(second_cancel=False, sent_at=over, window_over=over) is (
        CallRole.CANCEL_FINAL
    )
    assert cancel_role(second_cancel=True, sent_at=before, window_over=over) is (
        CallRole.CANCEL_FINAL
    )


def test_only_a_failed_win_or_cancel_is_retried_and_parked_when_its_window_is_over() -> None:
    for (role, _outcome), row in SETTLEMENT.items():
        if row.retry:
            assert role not in (CallRole.BET, CallRole.BET_WIN), "a bet is never sent twice"
            assert row.call_state is CallState.QUEUED and row.round_state is None
            assert call_state_after(row, retry_window_open=False) is CallState.MANUAL
        assert call_state_after(row, retry_window_open=True) is row.call_state


@dataclass(frozen=True)
class Placed:
    round_id: int
    call_id: int
    before_ids: frozenset[int]  # the round's calls before the outcome was recorded
    bet_id: int  # the call that opened the round
    recheck_due: dt.datetime  # when the late-bet window after the bet is over


def _place(deployment: Deployment, role: CallRole) -> Placed:
    """A round of a fresh player with a call of `role` claimed (in flight)."""
    (token,) = deployment.open_sessions(1)
    platform = deployment.platform()
    opened = rounds._open_round(platform, token, "1.00")
    round_id, bet_id = opened.round_id, opened.call_id
    assert bet_id is not None
    if role is CallRole.CANCEL_FINAL:
        # A first cancel sent once the late-bet window after its bet is over is final.
        deployment.clock.advance(seconds=LATE_BET_WINDOW.total_seconds())
    now = deployment.clock.now()
    with deployment.db.transaction() as session:
        bet = session.get(WalletCall, bet_id)
        assert bet is not None
        call = bet
        if role is CallRole.BET_WIN:
            bet.kind = CommandKind.BET_WIN.value
        elif role in (CallRole.RELAY_BET, CallRole.RELAY_PROMO_BET):
            # The round is an upstream provider's: its bet is relayed (services/relay.py).
            round_ = session.get(Round, round_id)
            assert round_ is not None
            round_.provider_id = 1
            if role is CallRole.RELAY_PROMO_BET:
                # A promotion's round: its win is written with its bet, queued behind it.
                new_call(session, round_, CommandKind.WIN, now, None, amount_minor=500)
        elif role is not CallRole.BET:
            opening = OutcomeKind.APPLIED if role is CallRole.WIN else OutcomeKind.UNKNOWN
            claim = claim_for("slotcity-v4", (CommandKind.WIN, CommandKind.CANCEL), now)
            follow_up = record_outcome(
                session, bet, WalletOutcome(opening, balance_minor=9_900), now, None, claim
            )
            assert follow_up is not None
            call = follow_up
        session.flush()
        ids = frozenset(
            session.scalars(select(WalletCall.id).where(WalletCall.round_id == round_id))
        )
        due = from_naive_utc(bet.created_at_utc) + LATE_BET_WINDOW
        return Placed(round_id, call.id, ids, bet_id, due)


@dataclass(frozen=True)
class Seen:
    call_state: CallState
    round_state: RoundState
    next_attempt: dt.datetime
    returned: WalletCall | None
    new_calls: list[WalletCall]
    player_balance: int | None
    spend_minor: int
    win_minor: int
    round_bet_minor: int
    round_win_minor: int


def _record(
    deployment: Deployment, placed: Placed, outcome: OutcomeKind, retry_at: dt.datetime | None
) -> tuple[Seen, Seen]:
    """Record `outcome` on the placed call; what the rows held before, and after."""
    now = deployment.clock.now()
    claim = claim_for("slotcity-v4", (CommandKind.WIN, CommandKind.CANCEL), now)

    def seen(session: Session, returned: WalletCall | None) -> Seen:
        call = session.get(WalletCall, placed.call_id)
        round_ = session.get(Round, placed.round_id)
        assert call is not None and round_ is not None
        player = session.get(Player, call.player_id)
        game_session = session.get(GameSession, round_.session_id)
        assert player is not None and game_session is not None
        new_calls = [
            c
            for c in session.scalars(
                select(WalletCall).where(WalletCall.round_id == placed.round_id)
            )
            if c.id not in placed.before_ids
        ]
        return Seen(
            CallState(call.state),
            RoundState(round_.state),
            from_naive_utc(call.next_attempt_at_utc),
            returned,
            new_calls,
            player.last_balance_minor,
            game_session.spend_minor,
            game_session.win_minor,
            round_.bet_minor,
            round_.win_minor,
        )

    with deployment.db.transaction() as session:
        before = seen(session, None)
        call = session.get(WalletCall, placed.call_id)
        assert call is not None
        answer = WalletOutcome(outcome, balance_minor=BALANCE_MINOR, detail="table walk")
        returned = record_outcome(session, call, answer, now, retry_at, claim)
        session.flush()
        after = seen(session, returned)
    return before, after


def _check_follow_up(row: Settlement, placed: Placed, after: Seen) -> None:
    if row.follow_up is FollowUp.NONE:
        assert after.new_calls == [] and after.returned is None
        return
    (new,) = after.new_calls
    if row.follow_up in (FollowUp.WIN, FollowUp.CANCEL):
        # Sent at once by whoever recorded the outcome: returned, and claimed for it.
        assert after.returned is not None and after.returned.id == new.id
        assert new.state == CallState.IN_FLIGHT
        assert new.kind == row.follow_up.value
        if row.follow_up is FollowUp.CANCEL:
            assert new.cancel_of_id == placed.call_id
        return
    assert after.returned is None
    if row.follow_up is FollowUp.CARRIED_WIN:
        assert (new.kind, new.state) == (CommandKind.WIN.value, CallState.ACKED.value)
        assert new.balance_after_minor == BALANCE_MINOR
        return
    assert row.follow_up is FollowUp.RECHECK_CANCEL
    assert (new.kind, new.state) == (CommandKind.CANCEL.value, CallState.QUEUED.value)
    # The same bet, cancelled once more when the late-bet window after it is over.
    assert new.cancel_of_id == placed.bet_id
    assert from_naive_utc(new.next_attempt_at_utc) == placed.recheck_due


@pytest.mark.parametrize(
    ("role", "outcome", "retry_window_open"),
    [
        (role, outcome, window_open)
        for (role, outcome), row in SETTLEMENT.items()
        for window_open in ((True, False) if row.retry else (True,))
    ],
)
def test_each_cell_does_to_the_database_what_its_row_says(
    deployment: Deployment, role: CallRole, outcome: OutcomeKind, retry_window_open: bool
) -> None:
    row = SETTLEMENT[(role, outcome)]
    placed = _place(deployment, role)
    retry_at = deployment.clock.now() + dt.timedelta(minutes=7) if retry_window_open else None
    before, after = _record(deployment, placed, outcome, retry_at)
    assert after.call_state is call_state_after(row, retry_window_open)
    assert after.round_state is (row.round_state or before.round_state)
    if after.call_state is CallState.QUEUED:
        assert after.next_attempt == retry_at
    expected_balance = BALANCE_MINOR if row.notes_balance else before.player_balance
    assert after.player_balance == expected_balance
    spent = after.spend_minor - before.spend_minor
    won = after.win_minor - before.win_minor
    if row.adds_to_session:
        counted = {
            CallRole.BET: (after.round_bet_minor, 0),
            CallRole.RELAY_BET: (after.round_bet_minor, 0),
            CallRole.RELAY_PROMO_BET: (after.round_bet_minor, 0),
            CallRole.BET_WIN: (after.round_bet_minor, after.round_win_minor),
            CallRole.WIN: (0, after.round_win_minor),
        }[role]
        assert (spent, won) == counted
    else:
        assert (spent, won) == (0, 0)
    _check_follow_up(row, placed, after)


# --- docs/rounds.md shows the same table -----------------------------------------------------


def _doc_line(role: CallRole, outcome: OutcomeKind, row: Settlement) -> str:
    retry = "retried, parked when its window is over" if row.retry else "no"
    round_state = row.round_state.value if row.round_state else "(stays)"
    cells = (
        role.value,
        outcome.value,
        row.call_state.value,
        round_state,
        row.follow_up.value,
        retry,
        row.why,
    )
    return "| " + " | ".join(cells) + " |"


def test_the_rounds_doc_shows_the_table_as_the_code_has_it() -> None:
    expected = [_doc_line(role, outcome, row) for (role, outcome), row in SETTLEMENT.items()]
    text = DOC.read_text(encoding="utf-8")
    shown = [line for line in text.splitlines() if re.match(r"\| (bet|relayed|win|cancel)", line)]
    assert shown == expected, "\n" + "\n".join(expected)
