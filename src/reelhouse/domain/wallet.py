"""Typed wallet commands (what Reelhouse asks an operator's wallet) and their outcomes.

Dialects translate these to and from bytes; nothing above the dialects knows a protocol's
field names or status codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class CommandKind(StrEnum):
    AUTHENTICATE = "authenticate"
    BALANCE = "balance"
    BET = "bet"
    WIN = "win"
    CANCEL = "cancel"
    STATUS = "status"
    # A round's bet and its win in one call (iGamingAce `betwin` / `BetWin`). Reelhouse
    # draws every outcome before the bet is sent, so a dialect that has such a call opens
    # every round with it; one acknowledgement then settles the round (docs/rounds.md).
    BET_WIN = "bet_win"


# Commands that move money and therefore carry a transaction id.
MONEY_COMMANDS = frozenset(
    {CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL, CommandKind.BET_WIN}
)

# The calls that open a round: sent once, never retried; an unknown outcome is cancelled.
ROUND_OPENING_KINDS = frozenset({CommandKind.BET, CommandKind.BET_WIN})


class OpeningCall(NamedTuple):
    """How a round opens in a dialect: the command (BET, or BET_WIN where one call carries
    the bet and the win) and its timeout, which sizes the claim on it."""

    kind: CommandKind
    timeout_ms: int


# Main API transaction types (spec): 1 bet, 2 win, 16 bet cancel, 32 bonus call. A bet_win
# row is the round's debit (type 1); its win is recorded beside it as a type 2 row.
TRANS_TYPE_BY_KIND: dict[CommandKind, int] = {
    CommandKind.BET: 1,
    CommandKind.WIN: 2,
    CommandKind.CANCEL: 16,
    CommandKind.BET_WIN: 1,
}


@dataclass(frozen=True, slots=True)
class WalletCommand:
    """One callback to send. Money fields are None for commands that move no money."""

    kind: CommandKind
    account: str  # the player's name as the operator knows it
    currency: str
    session_id: int | None = None  # gplay_id
    trans_id: int | None = None
    round_id: int | None = None
    amount_minor: int | None = None
    cancel_trans_id: int | None = None  # the transaction a cancel reverses / status asks about
    provider_id: int | None = None
    game_code: str | None = None
    game_type: str | None = None
    created_at_ms: int | None = None  # time_stamp: when the transaction was created
    # bet_win only: the win it credits (amount_minor is the bet it debits).
    win_minor: int | None = None
    # win only: the bet of the same round (iGamingAce B sends it as refTransactionID).
    bet_trans_id: int | None = None
    # A free round's win names its grant: the round has no bet (bet_trans_id is
    # None), and each dialect says so in its own field (SlotCity `call_id`; iGamingAce
    # `bonusId` / `freeSpinID`, which carry the operator's own id when it gave one).
    free_round_id: int | None = None  # Reelhouse's fr_id
    free_round_ref: str | None = None  # the operator's id for the grant (issueId, freespinID)

    def __post_init__(self) -> None:
        if self.kind in MONEY_COMMANDS:
            assert self.trans_id is not None and self.round_id is not None
            assert self.amount_minor is not None and self.amount_minor >= 0
        if self.kind is CommandKind.CANCEL:
            assert self.cancel_trans_id is not None
        if self.kind is CommandKind.BET_WIN:
            assert self.win_minor is not None and self.win_minor >= 0


class OutcomeKind(StrEnum):
    APPLIED = "applied"  # the wallet did it now
    ALREADY_APPLIED = "already_applied"  # a retry of something the wallet had done: success
    REFUSED = "refused"  # a definite no: nothing moved, never retry
    NOT_FOUND = "not_found"  # cancel/status of a transaction the wallet never saw
    UNKNOWN = "unknown"  # timeout, transport error, garbage, unexpected code


class RefusalReason(StrEnum):
    INSUFFICIENT_FUNDS = "insufficient_funds"
    UNKNOWN_PLAYER = "unknown_player"
    PLAYER_BLOCKED = "player_blocked"
    # The player may not play now (a responsible-gaming answer): the session ends with it
    # (domain/session_end.py).
    SELF_EXCLUDED = "self_excluded"
    LIMIT_REACHED = "limit_reached"  # a deposit, loss or time limit set at the casino
    BAD_TOKEN = "bad_token"  # noqa: S105 - a reason name, not a secret
    OTHER = "other"
    # Ours, never the wallet's: the bet was not sent (the operator's breaker was open or its
    # bulkhead full), so nothing moved and the player is not told the casino refused it.
    NOT_SENT = "not_sent"


class TransStatus(StrEnum):
    OK = "OK"
    CANCELED = "CANCELED"


@dataclass(frozen=True, slots=True)
class WalletOutcome:
    kind: OutcomeKind
    balance_minor: int | None = None
    refusal: RefusalReason | None = None
    trans_status: TransStatus | None = None  # answers to `status`
    detail: str = ""  # for logs and the stuck-call view: what exactly came back

    @property
    def settled_ok(self) -> bool:
        """The wallet has the transaction (now or before): the call needs no retry."""
        return self.kind in (OutcomeKind.APPLIED, OutcomeKind.ALREADY_APPLIED)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """Exact bytes a dialect wants sent. The transport sends them as they are."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    timeout_ms: int


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class WalletEndpoint:
    """Where and how to reach one operator's wallet.

    `api_token` (iGamingAce A) and `secret_key` (iGamingAce B) sign callbacks in the dialects
    that need them in clear; they are None for the others. `agent_id` is how the operator's
    account is named on the wire (B's `agentID`): the operator's name.
    """

    operator_id: int
    dialect: str
    callback_url: str
    callback_token: str = field(repr=False)
    api_token: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedCall:
    """A claimed outbox call ready to go on the wire: built in the transaction that claimed
    it, so sending it reads nothing again.

    `lease` (naive UTC, as stored) is the claim's fencing token: the outcome is recorded only
    if the call still carries it. `rows` are the rows that transaction already read for it
    (its round, player, game session, operator): recording the outcome starts from them
    instead of loading each again, and writes only what it changes (store/outbox.py)."""

    call_id: int
    command: WalletCommand
    endpoint: WalletEndpoint
    created: dt.datetime
    lease: dt.datetime
    rows: tuple[Any, ...] = ()
    # The round's bet was recorded without writing the player's last known balance: this
    # call's record writes it (dispatch/sender.py), one write of the player per round.
    player_balance_left: bool = False
    # At most this long on the wire, whatever the dialect allows: a relayed bet must be
    # answered within its provider's deadline (services/relay.py). None: the dialect's.
    timeout_cap_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Delivered:
    """What one attempt of a call came to, once recorded: its outcome, the state its round
    is left in (None when the claim was lost before recording: the new holder decides), and
    the follow-up call to send now (a bet's win or cancel), already claimed."""

    outcome: WalletOutcome
    round_state: str | None
    follow_up: PreparedCall | None = None
