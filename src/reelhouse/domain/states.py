"""The round and wallet-call life cycles as transition tables (one table each, one module).

A round:

    bet_pending --bet applied--> debited --win acknowledged--> settled
        |  |  \\--bet_win applied (bet and win in one call)----------^
        |  \\--bet refused--> rejected
        \\--outcome unknown--> cancelling --cancel acknowledged--> cancelled

A cancel answered "not found" leaves the round `cancelling` until a second cancel of the
same bet, sent after the late-bet window, is answered (domain/settlement.py; docs/rounds.md).

A free round has no bet to send: it is written already `debited`, owing only its
win, and moves on from there like any other round. Creation sets the first state; this table
checks every move after it.

A wallet call (the transactional outbox row for one callback):

    queued --claimed--> in_flight --acknowledged--> acked
                           |  \\--refused (bet only)--> refused
                           |  \\--unknown (bet only)--> unknown (never retried; cancel follows)
                           \\--failed (win/cancel)--> queued         (retried, same id and body)
    queued --window over--> manual --forced retry--> queued
                              \\--resolved with a reason--> resolved
"""

from __future__ import annotations

from enum import StrEnum

from reelhouse.domain.errors import IllegalTransition


class RoundState(StrEnum):
    BET_PENDING = "bet_pending"
    DEBITED = "debited"
    REJECTED = "rejected"
    CANCELLING = "cancelling"
    SETTLED = "settled"
    CANCELLED = "cancelled"


ROUND_MOVES: dict[RoundState, frozenset[RoundState]] = {
    # SETTLED directly: a bet_win acknowledgement debits the bet and credits the win at once.
    RoundState.BET_PENDING: frozenset(
        {RoundState.DEBITED, RoundState.SETTLED, RoundState.REJECTED, RoundState.CANCELLING}
    ),
    # CANCELLING from DEBITED: an upstream provider rolled back a relayed bet the casino had
    # taken (services/relay.py); Reelhouse's own rounds never go back.
    RoundState.DEBITED: frozenset({RoundState.SETTLED, RoundState.CANCELLING}),
    RoundState.CANCELLING: frozenset({RoundState.CANCELLED}),
    RoundState.REJECTED: frozenset(),
    RoundState.SETTLED: frozenset(),
    RoundState.CANCELLED: frozenset(),
}

TERMINAL_ROUND_STATES = frozenset(s for s, moves in ROUND_MOVES.items() if not moves)
# The states a round can still leave. Queries ask for these by name (`state IN (...)`), never
# for "not terminal": an index on (player_id, state) then reads only a player's open rounds,
# where `NOT IN` would read the player's whole past (docs/performance.md).
OPEN_ROUND_STATES = frozenset(RoundState) - TERMINAL_ROUND_STATES


def check_round_move(current: RoundState, target: RoundState) -> RoundState:
    if target not in ROUND_MOVES[current]:
        raise IllegalTransition(f"round cannot move from {current} to {target}")
    return target


# Rounds that were not played: the bet was refused, or never confirmed and refunded. Their
# outcome was sealed before the bet was sent, but they pay nothing: every view shows a win of
# 0 and no winning line (the stored outcome stays, for audit and replay).
NOT_PLAYED_ROUND_STATES = frozenset(
    {RoundState.REJECTED, RoundState.CANCELLING, RoundState.CANCELLED}
)


def shown_win_minor(state: RoundState, win_minor: int) -> int:
    """What a round is shown to have won: its paid win, or 0 if it was not played."""
    return 0 if state in NOT_PLAYED_ROUND_STATES else win_minor


class CallState(StrEnum):
    QUEUED = "queued"
    IN_FLIGHT = "in_flight"
    ACKED = "acked"
    REFUSED = "refused"
    UNKNOWN = "unknown"
    MANUAL = "manual"
    RESOLVED = "resolved"


CALL_MOVES: dict[CallState, frozenset[CallState]] = {
    CallState.QUEUED: frozenset({CallState.IN_FLIGHT, CallState.MANUAL}),
    CallState.IN_FLIGHT: frozenset(
        {CallState.ACKED, CallState.REFUSED, CallState.UNKNOWN, CallState.QUEUED}
    ),
    CallState.MANUAL: frozenset({CallState.QUEUED, CallState.RESOLVED}),
    CallState.ACKED: frozenset(),
    CallState.REFUSED: frozenset(),
    CallState.UNKNOWN: frozenset(),
    CallState.RESOLVED: frozenset(),
}

TERMINAL_CALL_STATES = frozenset(s for s, moves in CALL_MOVES.items() if not moves)


def check_call_move(current: CallState, target: CallState) -> CallState:
    if target not in CALL_MOVES[current]:
        raise IllegalTransition(f"wallet call cannot move from {current} to {target}")
    return target
