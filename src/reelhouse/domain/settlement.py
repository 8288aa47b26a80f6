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
    # An upstream provider's bet, relayed to the casino (services/relay.py): its wins come
    # from the provider, each a call of its own, so nothing follows it when it is applied.
    RELAY_BET = "relayed bet"
    # The bet of 0 that carries a provider's promotion win to the casino (a win with no bet
    # of the provider's: services/relay.py): its win was written with it and is owed
    # whatever the casino answers, so every answer lets that win go.
    RELAY_PROMO_BET = "relayed promo bet"
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
    """Acknowledged: the call is done and its answer's balance is the player's."""
    return Settlement(CallState.ACKED, round_state, follow_up, False, True, adds_to_session, why)


def _retried(why: str) -> Settlement:
    """Failed: queued again with the same id and body; nothing else moves."""
    return Settlement(CallState.QUEUED, None, FollowUp.NONE, True, False, False, why)


def _refused(why: str) -> Settlement:
    """A definite no to an opening call: nothing moved, nothing follows."""
    return Settlement(
        CallState.REFUSED, RoundState.REJECTED, FollowUp.NONE, False, True, False, why
    )


def _carrying_owed_win(call_state: CallState, notes_balance: bool, why: str) -> Settlement:
    """A promotion's bet of 0: whatever its answer, nothing moved (it is 0) and the round
    goes on to its win, written with it and already acknowledged to the provider."""
    adds = call_state is CallState.ACKED
    return Settlement(
        call_state, RoundState.DEBITED, FollowUp.NONE, False, notes_balance, adds, why
    )


def _cancelled_with_own_id(why: str) -> Settlement:
    """An opening call whose fate is unknown: never sent again, cancelled in the same commit."""
    return Settlement(
        CallState.UNKNOWN, RoundState.CANCELLING, FollowUp.CANCEL, False, False, False, why
    )


_B, _BW, _W, _RB = CallRole.BET, CallRole.BET_WIN, CallRole.WIN, CallRole.RELAY_BET
_RP = CallRole.RELAY_PROMO_BET
_CE, _CF = CallRole.CANCEL_EARLY, CallRole.CANCEL_FINAL
_OK, _AGAIN = OutcomeKind.APPLIED, OutcomeKind.ALREADY_APPLIED
_NO, _NOT_FOUND, _UNKNOWN = OutcomeKind.REFUSED, OutcomeKind.NOT_FOUND, OutcomeKind.UNKNOWN
_ST, _F = RoundState, FollowUp

_ODD_BET = "a fresh bet cannot get this answer: it may have moved money"
_LOST_BET = "the money may have moved: a bet is never sent twice"
_NO_BET = "a definite no: nothing moved, the round is not played"
_DONE_BEFORE = "a retry the wallet had done: success"
_OWED_WIN = "a win is owed until it is acknowledged (never turned into a loss)"
_OWED_REFUND = "a refund is owed until it is acknowledged"
_REFUNDED = "the bet is refunded: the round is over"
_PROMO_GOES = "a debit of 0: the promotion's win follows"
_PROMO_OWED = "a bet of 0 moved nothing either way: the win it carries is owed"

SETTLEMENT: dict[tuple[CallRole, OutcomeKind], Settlement] = {
    # --- the bet: sent once, never retried ---
    (_B, _OK): _acked(_ST.DEBITED, _F.WIN, True, "debited: every round gets its win, 0 on a loss"),
    (_B, _NO): _refused(_NO_BET),
    (_B, _AGAIN): _cancelled_with_own_id(_ODD_BET),
    (_B, _NOT_FOUND): _cancelled_with_own_id(_ODD_BET),
    (_B, _UNKNOWN): _cancelled_with_own_id(_LOST_BET),
    # --- the bet_win (bet and win in one call): a bet, but one answer settles the round ---
    (_BW, _OK): _acked(_ST.SETTLED, _F.CARRIED_WIN, True, "one answer took the bet, paid the win"),
    (_BW, _NO): _refused(_NO_BET),
    (_BW, _AGAIN): _cancelled_with_own_id(_ODD_BET),
    (_BW, _NOT_FOUND): _cancelled_with_own_id(_ODD_BET),
    (_BW, _UNKNOWN): _cancelled_with_own_id(_LOST_BET),
    # --- a relayed bet: sent once, never retried; the provider sends its wins ---
    (_RB, _OK): _acked(_ST.DEBITED, _F.NONE, True, "debited: the provider's wins follow"),
    (_RB, _NO): _refused(_NO_BET),
    (_RB, _AGAIN): _cancelled_with_own_id(_ODD_BET),
    (_RB, _NOT_FOUND): _cancelled_with_own_id(_ODD_BET),
    (_RB, _UNKNOWN): _cancelled_with_own_id(_LOST_BET),
    # --- a promotion's bet of 0: sent once; its win, already owed, follows every answer ---
    (_RP, _OK): _carrying_owed_win(CallState.ACKED, True, _PROMO_GOES),
    (_RP, _AGAIN): _carrying_owed_win(CallState.ACKED, True, _PROMO_OWED),
    (_RP, _NO): _carrying_owed_win(CallState.REFUSED, True, _PROMO_OWED),
    (_RP, _NOT_FOUND): _carrying_owed_win(CallState.UNKNOWN, False, _PROMO_OWED),
    (_RP, _UNKNOWN): _carrying_owed_win(CallState.UNKNOWN, False, _PROMO_OWED),
    # --- the win: retried with the same id and body until acknowledged ---
    (_W, _OK): _acked(_ST.SETTLED, _F.NONE, True, "the win is paid: the round is over"),
    (_W, _AGAIN): _acked(_ST.SETTLED, _F.NONE, True, _DONE_BEFORE),
    (_W, _NO): _retried(_OWED_WIN),
    (_W, _NOT_FOUND): _retried(_OWED_WIN),
    (_W, _UNKNOWN): _retried(_OWED_WIN),
    # --- a bet's first cancel, answered while the late-bet window after the bet is open ---
    (_CE, _OK): _acked(_ST.CANCELLED, _F.NONE, False, _REFUNDED),
    (_CE, _AGAIN): _acked(_ST.CANCELLED, _F.NONE, False, _DONE_BEFORE),
    (_CE, _NOT_FOUND): _acked(None, _F.RECHECK_CANCEL, False, "the wallet may yet apply the bet"),
    (_CE, _NO): _retried(_OWED_REFUND),
    (_CE, _UNKNOWN): _retried(_OWED_REFUND),
    # --- a bet's second cancel, or a first one answered once that window is over ---
    (_CF, _OK): _acked(_ST.CANCELLED, _F.NONE, False, _REFUNDED),
    (_CF, _AGAIN): _acked(_ST.CANCELLED, _F.NONE, False, _DONE_BEFORE),
    (_CF, _NOT_FOUND): _acked(
        _ST.CANCELLED, _F.NONE, False, "the bet never landed, and cannot now"
    ),
    (_CF, _NO): _retried(_OWED_REFUND),
    (_CF, _UNKNOWN): _retried(_OWED_REFUND),
}


def call_role(kind: CommandKind, *, relayed: bool = False, promo: bool = False) -> CallRole:
    """The role of a bet, bet_win or win; a cancel's is `cancel_role`'s. `relayed`: the
    call's round is an upstream provider's (a bet is then a relayed bet); `promo`: that
    round carries a provider's promotion win (its bet is then the promotion's bet of 0)."""
    if relayed and kind is CommandKind.BET:
        return CallRole.RELAY_PROMO_BET if promo else CallRole.RELAY_BET
    return {
        CommandKind.BET: CallRole.BET,
        CommandKind.BET_WIN: CallRole.BET_WIN,
        CommandKind.WIN: CallRole.WIN,
    }[kind]


def cancel_role(*, second_cancel: bool, sent_at: dt.datetime, window_over: dt.datetime) -> CallRole:
    """A cancel is early when it is its bet's first and it was sent before the late-bet
    window after the bet was sent closed (`window_over`). The send time counts, not the
    answer's: a cancel sent just before the window closed may reach the wallet before a bet
    it still holds lands, however late its answer comes back."""
    if second_cancel or sent_at >= window_over:
        return CallRole.CANCEL_FINAL
    return CallRole.CANCEL_EARLY


def settlement(role: CallRole, outcome: OutcomeKind) -> Settlement:
    return SETTLEMENT[(role, outcome)]


def call_state_after(row: Settlement, retry_window_open: bool) -> CallState:
    """Where the call ends: a retried call whose window is over is parked for a person."""
    if row.retry and not retry_window_open:
        return CallState.MANUAL
    return row.call_state
