"""What a callback asks of an operator's wallet, and what the wallet decided, in no dialect.

A dialect adapter (adapter.py) turns a verified callback into a `Command` and a `Reply` back
into the bytes its protocol expects. The ledger (ledger.py), or an operator's own wallet,
only ever sees these two types, so one wallet serves every dialect.

Transaction and round ids stay opaque text: SlotCity sends decimal strings, iGamingAce A
integers, iGamingAce B 32-hex strings, and a ledger keys on them as received. Amounts are
the exact decimals the protocol carried; the ledger converts them with the player's
currency and refuses, never rounds, what does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from reelhouse.domain.wallet import TransStatus


class Op(StrEnum):
    AUTHENTICATE = "authenticate"
    BALANCE = "balance"
    BET = "bet"
    WIN = "win"
    BETWIN = "betwin"  # a bet and its win in one call (iGamingAce)
    CANCEL = "cancel"
    STATUS = "status"


# Operations that move money and carry a transaction id of their own.
MONEY_OPS = frozenset({Op.BET, Op.WIN, Op.BETWIN, Op.CANCEL})


class Check(StrEnum):
    """A validation a callback can ask for (SlotCity's `check` list names them by number)."""

    PLAYER_EXISTS = "player_exists"
    PLAYER_ACTIVE = "player_active"
    NEW_TRANSACTION = "new_transaction"
    FUNDS = "funds"
    TRANSACTION_EXISTS = "transaction_exists"
    CANCEL_TARGET_EXISTS = "cancel_target_exists"


@dataclass(frozen=True, slots=True)
class Command:
    """One verified callback. Fields a protocol does not send stay None.

    - `amount`: bet, win or cancel amount; for BETWIN the bet.
    - `ref_trans_id`: for CANCEL the transaction reversed, for STATUS the one asked about.
    - `checks`: the validations the request lists, in its order (SlotCity); the ledger
      runs its own safety checks after them whatever the list says.
    - `currency`: only where the protocol names it (iGamingAce A); checked against the
      player's.
    - `trans_id` of a CANCEL: its own id; a protocol whose cancel has none (iGamingAce B)
      gets one derived from its target, so a repeated cancel is recognised as one.
    """

    op: Op
    account: str
    trans_id: str | None = None
    round_id: str | None = None
    amount: Decimal | None = None
    win_amount: Decimal | None = None
    ref_trans_id: str | None = None
    currency: str | None = None
    checks: tuple[Check, ...] = ()
    operation: str | None = None  # the protocol's own name for it, for logs and answers
    # The most decimals the protocol can write (iGamingAce B: 2). A player whose currency
    # has more is refused (WRONG_CURRENCY) before anything moves: the answer could not tell
    # the balance exactly.
    decimals_at_most: int | None = None

    def __post_init__(self) -> None:
        if self.op in (Op.BET, Op.WIN, Op.BETWIN):
            assert self.trans_id is not None and self.amount is not None
            assert self.amount >= 0
        if self.op is Op.BETWIN:
            assert self.win_amount is not None and self.win_amount >= 0
        if self.op in (Op.CANCEL, Op.STATUS):
            assert self.ref_trans_id is not None


class Verdict(StrEnum):
    """What the wallet decided. Every one but OK moved no money."""

    OK = "ok"
    UNKNOWN_PLAYER = "unknown_player"
    PLAYER_INACTIVE = "player_inactive"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    # The same transaction again (same id, same content): applied once, before.
    ALREADY_PROCESSED = "already_processed"
    # A cancel for this transaction arrived first: it must never move money.
    REVOKED = "revoked"
    # The id is already used by a different transaction, or a cancel contradicts what the
    # ledger recorded (another player's, another amount, a cancel of a cancel).
    CONFLICT = "conflict"
    TRANSACTION_NOT_FOUND = "transaction_not_found"  # status of an id never applied
    CANCEL_TARGET_NOT_FOUND = "cancel_target_not_found"
    ALREADY_CANCELLED = "already_cancelled"  # another cancel reversed the target before
    WRONG_CURRENCY = "wrong_currency"
    BAD_AMOUNT = "bad_amount"  # more decimals than the player's currency has
    INTERNAL = "internal"  # the wallet failed; its transaction rolled back


@dataclass(frozen=True, slots=True)
class Reply:
    """The wallet's answer before a dialect encodes it.

    `balance` is exact, in the player's currency (None when there is no player to tell).
    `entry_ref` is the wallet's own id of the ledger row written (iGamingAce B answers it
    as platformTransactionID).
    """

    verdict: Verdict
    balance: Decimal | None = None
    account: str | None = None
    trans_status: TransStatus | None = None
    entry_ref: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK
