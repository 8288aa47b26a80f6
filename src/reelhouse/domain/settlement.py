"""The round's money rule as one table: what one wallet answer to one call does.

A call that moves money is one of a few roles (a round's opening bet or bet_win, its win, a
cancel of its bet), and every answer is one of a few outcome kinds. Each (role, outcome) cell
says where the call goes, where its round goes, which call follows in the same commit, and
whether a failed call is retried. `store/outbox.py` (`record_outcome`) is the one place that
reads this table and writes what it says; docs/rounds.md shows it (a test keeps the two
equal).

The one fact an answer alone does not settle, whether a cancel answered "not found" may be
hiding a bet the wallet still holds, is part of the role (`CANCEL_EARLY` or `CANCEL_FINAL`),
decided from the call's own history by `cancel_role`. Whether a retried call is parked
instead is the retry window's (the dispatcher's schedule), an input of `call_state_after`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import CommandKind, OutcomeKind


class CallRole(StrEnum):
    BET = "bet"
    BET_WIN = "bet_win"  # bet and win in one call
    WIN = "win"
    # A bet's first cancel, sent while the late-bet window after the bet was still open: a
    # "not found" may be a bet the wallet still holds and applies later.
    CANCEL_EARLY = "cancel (early)"
    # A bet's second cancel, or a first one sent once that window had closed: the wallet can
    # no longer be holding the bet, so a "not found" is final.
    CANCEL_FINAL = "cancel (final)"


class FollowUp(StrEnum):
    """The call written in the same commit as the outcome."""

    NONE = "none"
    WIN = "win"  # the round's win, sent at once by whoever sent the bet (0 on a loss)
    CANCEL = "cancel"  # a cancel of the opening call, with its own id, sent at once
    # The win that travelled inside a bet_win: written already acknowledged, never sent.
    CARRIED_WIN = "carried win"
    # A second cancel of the same bet, queued until the late-bet window is over.
    RECHECK_CANCEL = "recheck cancel"


@dataclass(frozen=True, slots=True)
class Settlement:
    """One cell of the table."""

    call_state: CallState  # QUEUED: failed, tried again with the same id and body
    round_state: RoundState | None  # None: the round stays where it is
    follow_up: FollowUp
    # Failed and retried at the dispatcher's schedule, or parked for a person once its
    # retry window is over; never set for a call that must not be sent twice (a bet).
    retry: bool
    # The answer's balance is the player's balance now (kept on the call, round and player).
    notes_balance: bool
    # The call's money counts in its game session's spend / win totals.
    adds_to_session: bool
    why: str


def _acked(
    round_state: RoundState | None, follow_up: FollowUp, adds_to_session: bool, why: str
) -> Settlement:
    return Settlement(CallState.ACKED, round_state, follow_up, False, True, adds_to_session, why)


def _retried(why: str) -> Settlement:
    return Settlement(CallState.QUEUED, None, FollowUp.NONE, True, False, False, why)


def _bet_unknown(why: str) -> Settlement:
    return Settlement(
        CallState.UNKNOWN, RoundState.CANCELLING, FollowUp.CANCEL, False, False, False, why
    )


_REFUSED_BET = Settlement(
    CallState.REFUSED,
    RoundState.REJECTED,
    FollowUp.NONE,
    False,
    True,
    False,
    "a definite no: nothing moved, the round is not played",
)

_BET_ROWS: dict[OutcomeKind, Settlement] = {
    OutcomeKind.REFUSED: _REFUSED_BET,
    OutcomeKind.ALREADY_APPLIED: _bet_unknown(
        "a fresh bet cannot get this answer: the money may have moved, so it is cancelled"
    ),
    OutcomeKind.NOT_FOUND: _bet_unknown(
        "a fresh bet cannot get this answer: the money may have moved, so it is cancelled"
    ),
    OutcomeKind.UNKNOWN: _bet_unknown(
        "the money may have moved: a bet is never retried, it is cancelled with its own id"
    ),
}


def _cancel_rows(not_found: Settlement) -> dict[OutcomeKind, Settlement]:
    return {
        OutcomeKind.APPLIED: _acked(
            RoundState.CANCELLED, FollowUp.NONE, False, "the bet is refunded: the round is over"
        ),
        OutcomeKind.ALREADY_APPLIED: _acked(
            RoundState.CANCELLED, FollowUp.NONE, False, "a retry the wallet had done: success"
        ),
        OutcomeKind.NOT_FOUND: not_found,
        OutcomeKind.REFUSED: _retried("never final: a refund is owed until it is acknowledged"),
        OutcomeKind.UNKNOWN: _retried("never final: a refund is owed until it is acknowledged"),
    }


SETTLEMENT: dict[tuple[CallRole, OutcomeKind], Settlement] = {
    (CallRole.BET, OutcomeKind.APPLIED): _acked(
        RoundState.DEBITED, FollowUp.WIN, True, "debited: every round gets its win, 0 on a loss"
    ),
    **{(CallRole.BET, outcome): row for outcome, row in _BET_ROWS.items()},
    (CallRole.BET_WIN, OutcomeKind.APPLIED): _acked(
        RoundState.SETTLED,
        FollowUp.CARRIED_WIN,
        True,
        "one answer debited the bet and paid the win",
    ),
    **{(CallRole.BET_WIN, outcome): row for outcome, row in _BET_ROWS.items()},
    (CallRole.WIN, OutcomeKind.APPLIED): _acked(
        RoundState.SETTLED, FollowUp.NONE, True, "the win is paid: the round is over"
    ),
    (CallRole.WIN, OutcomeKind.ALREADY_APPLIED): _acked(
        RoundState.SETTLED, FollowUp.NONE, True, "a retry the wallet had done: success"
    ),
    (CallRole.WIN, OutcomeKind.REFUSED): _retried("never final: a win is never turned into a loss"),
    (CallRole.WIN, OutcomeKind.NOT_FOUND): _retried(
        "never final: a win is never turned into a loss"
    ),
    (CallRole.WIN, OutcomeKind.UNKNOWN): _retried("never final: a win is never turned into a loss"),
    **{
        (CallRole.CANCEL_EARLY, outcome): row
        for outcome, row in _cancel_rows(
            Settlement(
                CallState.ACKED,
                None,
                FollowUp.RECHECK_CANCEL,
                False,
                True,
                False,
                "nothing debited so far, but the wallet may still hold the bet: the round "
                "stays cancelling and the bet is cancelled once more after the window",
            )
        ).items()
    },
    **{
        (CallRole.CANCEL_FINAL, outcome): row
        for outcome, row in _cancel_rows(
            Settlement(
                CallState.ACKED,
                RoundState.CANCELLED,
                FollowUp.NONE,
                False,
                True,
                False,
                "the wallet never saw the bet and can no longer: nothing was debited",
            )
        ).items()
    },
}


def call_role(kind: CommandKind) -> CallRole:
    """The role of a bet, bet_win or win; a cancel's is `cancel_role`'s."""
    return {
        CommandKind.BET: CallRole.BET,
        CommandKind.BET_WIN: CallRole.BET_WIN,
        CommandKind.WIN: CallRole.WIN,
    }[kind]


def cancel_role(
    *, second_cancel: bool, answered_at: dt.datetime, window_over: dt.datetime
) -> CallRole:
    """A cancel is early when it is its bet's first and its answer came before the late-bet
    window after the bet was sent closed (`window_over`)."""
    if second_cancel or answered_at >= window_over:
        return CallRole.CANCEL_FINAL
    return CallRole.CANCEL_EARLY


def settlement(role: CallRole, outcome: OutcomeKind) -> Settlement:
    return SETTLEMENT[(role, outcome)]


def call_state_after(row: Settlement, retry_window_open: bool) -> CallState:
    """Where the call ends: a retried call whose window is over is parked for a person."""
    if row.retry and not retry_window_open:
        return CallState.MANUAL
    return row.call_state
