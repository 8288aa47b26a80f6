"""Typed wallet commands (what Reelhouse asks an operator's wallet) and their outcomes.

Dialects translate these to and from bytes; nothing above the dialects knows a protocol's
field names or status codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CommandKind(StrEnum):
    AUTHENTICATE = "authenticate"
    BALANCE = "balance"
    BET = "bet"
    WIN = "win"
    CANCEL = "cancel"
    STATUS = "status"


# Commands that move money and therefore carry a transaction id.
MONEY_COMMANDS = frozenset({CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL})


# Main API transaction types (spec): 1 bet, 2 win, 16 bet cancel, 32 bonus call.
TRANS_TYPE_BY_KIND: dict[CommandKind, int] = {
    CommandKind.BET: 1,
    CommandKind.WIN: 2,
    CommandKind.CANCEL: 16,
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

    def __post_init__(self) -> None:
        if self.kind in MONEY_COMMANDS:
            assert self.trans_id is not None and self.round_id is not None
            assert self.amount_minor is not None and self.amount_minor >= 0
        if self.kind is CommandKind.CANCEL:
            assert self.cancel_trans_id is not None


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
    BAD_TOKEN = "bad_token"  # noqa: S105 - a reason name, not a secret
    OTHER = "other"


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
    """Where and how to reach one operator's wallet."""

    operator_id: int
    dialect: str
    callback_url: str
    callback_token: str
