"""iGamingAce flavour B ("sign" protocol, one path per operation) seamless wallet callbacks,
both sides, as a pure codec.

Contract: the iGamingAce public contract, "Flavour B". Reelhouse POSTs JSON to
`{callback base URL}/<Operation>`; the body carries `sign`: uppercase hex of HMAC-SHA256,
keyed with the operator's secret key, over the operation's listed fields concatenated without
separator (`SIGNED_FIELDS`). The operator answers HTTP 200 with `{"code", "message",
"balance", ...}`; any non-zero code is a business error.

Rendering decisions, fixed here so bytes are reproducible and the docs can quote them:

- keys in the spec's order with `sign` last, compact separators, ASCII only;
- amounts are bare JSON numbers with exactly 2 decimals (`12.30`), the same text the
  signature takes, so body and signature agree. Flavour B cannot carry a third decimal, so an
  operator on it must use a currency with at most 2 (checked when the account is created);
- `transactionID`, `refTransactionID`, `roundID` are our 63-bit ids as 32 lowercase hex
  digits, zero-padded (`format_id`): reversible, and the 32-hex shape the spec publishes;
- `agentID` is the operator's account name; `gameID` the game's integer id (the contract's
  type: `domain.game_ids`, the number `/gameList` shows), or null in a GetBalance that is
  not about one game; `isBonusBuy` 0 (no bonus buys);
  `freeSpinID` null on paid rounds, and on a free round's Deposit the grant's `freespinID`
  (`free_spin_id`); such a Deposit has no Withdraw, so its `refTransactionID` is null;
- a round opens with Withdraw, and its Deposit follows once the Withdraw is accepted (the
  wallet never sees the outcome before it takes the stake); an operator may opt in to one
  BetWin carrying both. A failed Withdraw or BetWin is cancelled with RollbackTransaction,
  never retried. Deposit's `refTransactionID` is the
  round's Withdraw;
- there is no timestamp in this protocol, so no freshness check: a replayed request can only
  repeat a transaction id, which the wallet answers 11 and does not apply again.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from reelhouse.dialects.base import (
    AnswerRules,
    BadAnswer,
    CallbackCredentials,
    CallbackRejection,
    CodecDialect,
    Credential,
    JsonError,
    JsonNumber,
    JsonValue,
    RetryPolicy,
    StatusValue,
    dump_json,
    load_json_exact,
)
from reelhouse.dialects.base import decode_answer as base_decode_answer
from reelhouse.domain.game_ids import NUMERIC_GAME_ID_MAX, numeric_game_id
from reelhouse.domain.limits import (
    MAX_REQUEST_BODY_BYTES,
    QUICK_READ_RETRIES,
)
from reelhouse.domain.money import MAX_AMOUNT_DIGITS, currency
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    RefusalReason,
    WalletCommand,
    WalletOutcome,
)

NAME = "igamingace-b"
AMOUNT_DECIMALS = 2  # every amount, in the body and in the signed text
ID_HEX_DIGITS = 32


class Code(IntEnum):
    """Result codes, both directions (spec). 10 is unused."""

    SUCCESS = 0
    GENERAL_ERROR = 1
    WRONG_INPUT = 2
    INVALID_SIGN = 3
    INVALID_AGENT = 4
    USER_NOT_FOUND = 5
    INSUFFICIENT_FUNDS = 6
    INVALID_API_TOKEN = 7
    TRANSACTION_NOT_FOUND = 8
    ALREADY_ROLLED_BACK = 9
    DUPLICATE_TRANSACTION = 11


class PlayerStop(IntEnum):
    """[ours] Codes that say the player may not play now: the contract has none (its 4 is the
    operator's agent, 5 a player that does not exist). Clear of the published 0-11."""

    SELF_EXCLUDED = 31
    LIMIT_REACHED = 32
    BLOCKED = 33


# The answers that mean the player may not play now: a bet refused with one ends the game
# session, and the player is told why in their language (domain/session_end.py). Read on
# reads and on the calls that open a round; on a Deposit or Rollback they stay unknown and
# are retried (docs/wallet-callbacks.md, "The player may not play").
PLAYER_STOPS: dict[StatusValue, RefusalReason] = {
    PlayerStop.SELF_EXCLUDED: RefusalReason.SELF_EXCLUDED,
    PlayerStop.LIMIT_REACHED: RefusalReason.LIMIT_REACHED,
    PlayerStop.BLOCKED: RefusalReason.PLAYER_BLOCKED,
}

MESSAGES: dict[Code, str] = {
    Code.SUCCESS: "success",
    Code.GENERAL_ERROR: "general error",
    Code.WRONG_INPUT: "wrong input parameters",
    Code.INVALID_SIGN: "invalid sign",
    Code.INVALID_AGENT: "invalid agent",
    Code.USER_NOT_FOUND: "user not found",
    Code.INSUFFICIENT_FUNDS: "insufficient funds",
    Code.INVALID_API_TOKEN: "invalid API token",
    Code.TRANSACTION_NOT_FOUND: "transaction not found",
    Code.ALREADY_ROLLED_BACK: "already rolled back",
    Code.DUPLICATE_TRANSACTION: "duplicate transaction",
}

# The signed fields of every operation, in order (spec table). The last four are requests
# the operator sends to Reelhouse (the Main API facade verifies them with `sign`).
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "GetBalance": ("agentID", "userID"),
    "Withdraw": ("agentID", "userID", "amount", "transactionID", "roundID"),
    "Deposit": ("agentID", "userID", "amount", "transactionID", "roundID"),
    "BetWin": ("agentID", "userID", "betAmount", "winAmount", "transactionID", "roundID"),
    "RollbackTransaction": ("agentID", "userID", "refTransactionID"),
    "userAuth": ("agentID", "userID", "gameID"),
    "gameList": ("agentID",),
    "createfreegame": ("agentID", "userID", "gameID", "freespinID"),
    "cancelfreegame": ("agentID", "userID", "gameID", "freespinID"),
}

# The path operation each command is sent to. There is no authenticate and no status.
OPERATION_BY_KIND: dict[CommandKind, str] = {
    CommandKind.AUTHENTICATE: "GetBalance",
    CommandKind.BALANCE: "GetBalance",
    CommandKind.BET: "Withdraw",
    CommandKind.WIN: "Deposit",
    CommandKind.BET_WIN: "BetWin",
    CommandKind.CANCEL: "RollbackTransaction",
}
COMMANDS: tuple[CommandKind, ...] = tuple(OPERATION_BY_KIND)
# The operator side: the operations a callback may arrive on, and what each is.
KIND_BY_OPERATION: dict[str, CommandKind] = {
    "GetBalance": CommandKind.BALANCE,
    "Withdraw": CommandKind.BET,
    "Deposit": CommandKind.WIN,
    "BetWin": CommandKind.BET_WIN,
    "RollbackTransaction": CommandKind.CANCEL,
}
CALLBACK_OPERATIONS = frozenset(KIND_BY_OPERATION)

# [ours]: the spec gives these values for flavour B.
TIMEOUT_MS_BY_KIND: dict[CommandKind, int] = {
    CommandKind.AUTHENTICATE: 2000,
    CommandKind.BALANCE: 2000,
    CommandKind.BET: 3000,
    CommandKind.BET_WIN: 3000,
    CommandKind.WIN: 4000,
    CommandKind.CANCEL: 4000,
}

_READ_RETRY = RetryPolicy(QUICK_READ_RETRIES, 0, 0, durable=False)  # [ours] a read is safe
_NOT_RETRIED = RetryPolicy(0, 0, 0, durable=False)
_SETTLEMENT_RETRY = RetryPolicy(2, 1000, 2000, durable=True)  # [ours] as flavour A

RETRY_POLICY_BY_KIND: dict[CommandKind, RetryPolicy] = {
    CommandKind.AUTHENTICATE: _READ_RETRY,
    CommandKind.BALANCE: _READ_RETRY,
    # Withdraw and BetWin are never retried: a RollbackTransaction is sent instead.
    CommandKind.BET: _NOT_RETRIED,
    CommandKind.BET_WIN: _NOT_RETRIED,
    CommandKind.WIN: _SETTLEMENT_RETRY,
    CommandKind.CANCEL: _SETTLEMENT_RETRY,
}

_READS = (CommandKind.AUTHENTICATE, CommandKind.BALANCE)
_OPENINGS = (CommandKind.BET, CommandKind.BET_WIN)
_Outcome = tuple[OutcomeKind, RefusalReason | None]
_REFUSALS_BEFORE_ANY_MOVE: dict[Code, _Outcome] = {
    Code.WRONG_INPUT: (OutcomeKind.REFUSED, RefusalReason.OTHER),
    Code.INVALID_SIGN: (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN),
    Code.INVALID_AGENT: (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN),
    Code.USER_NOT_FOUND: (OutcomeKind.REFUSED, RefusalReason.UNKNOWN_PLAYER),
    Code.INVALID_API_TOKEN: (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN),
}

# What each non-zero code means for each command; a pair not listed is UNKNOWN.
#
# - Codes that say the request was refused before anything was looked at (2, 3, 4, 5, 7)
#   are final for reads and for the calls that open a round, and so is 6 for the latter:
#   nothing moved. For a Deposit or a Rollback a "no" is never final: retried, a win or a
#   refund is never dropped.
# - 11 to a Withdraw or BetWin is not success: those are never retried, so the id was in use
#   already (or a rollback got there first). Unknown: the rollback that follows makes both
#   sides agree whatever happened. 11 to a Deposit or Rollback is "already applied".
# - 1 (general error) is the wallet's own "I don't know": unknown, for every command.
# - Rollback: 8 (never processed) and 9 (already reversed) are done.
_CODE_OUTCOMES: dict[tuple[CommandKind, StatusValue], _Outcome] = {
    **{(kind, code): found for kind in _READS for code, found in _REFUSALS_BEFORE_ANY_MOVE.items()},
    **{
        (kind, code): found
        for kind in _OPENINGS
        for code, found in _REFUSALS_BEFORE_ANY_MOVE.items()
    },
    **{
        (kind, Code.INSUFFICIENT_FUNDS): (OutcomeKind.REFUSED, RefusalReason.INSUFFICIENT_FUNDS)
        for kind in _OPENINGS
    },
    **{
        (kind, code): (OutcomeKind.REFUSED, reason)
        for kind in (*_READS, *_OPENINGS)
        for code, reason in PLAYER_STOPS.items()
    },
    (CommandKind.WIN, Code.DUPLICATE_TRANSACTION): (OutcomeKind.ALREADY_APPLIED, None),
    (CommandKind.CANCEL, Code.TRANSACTION_NOT_FOUND): (OutcomeKind.NOT_FOUND, None),
    (CommandKind.CANCEL, Code.ALREADY_ROLLED_BACK): (OutcomeKind.ALREADY_APPLIED, None),
    (CommandKind.CANCEL, Code.DUPLICATE_TRANSACTION): (OutcomeKind.ALREADY_APPLIED, None),
}

# Codes whose balance describes the player (the others may come before the player is found).
_BALANCE_TRUSTED: frozenset[int | str] = frozenset(
    {
        Code.SUCCESS,
        Code.INSUFFICIENT_FUNDS,
        Code.TRANSACTION_NOT_FOUND,
        Code.ALREADY_ROLLED_BACK,
        Code.DUPLICATE_TRANSACTION,
    }
)


# --- the signature ----------------------------------------------------------------------


def sign(secret_key: str, values: Sequence[str]) -> str:
    """Uppercase hex HMAC-SHA256 of the values concatenated without separator."""
    message = "".join(values).encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()


def sign_fields(secret_key: str, operation: str, fields: Mapping[str, str]) -> str:
    """The `sign` of a request to `operation`, from its fields as signed text."""
    return sign(secret_key, [fields[name] for name in SIGNED_FIELDS[operation]])


def signature_matches(
    secret_key: str, operation: str, fields: Mapping[str, str], sent: str
) -> bool:
    """Constant-time check of a received `sign` (hex compared without regard to case)."""
    expected = sign_fields(secret_key, operation, fields)
    return hmac.compare_digest(expected.encode("ascii"), sent.upper().encode("utf-8"))


def amount_text(amount_minor: int, currency_code: str) -> str:
    """An amount with exactly 2 decimals: 1230 USD -> '12.30'; 1500 JPY -> '1500.00'."""
    exponent = currency(currency_code).exponent
    assert exponent <= AMOUNT_DECIMALS, f"{currency_code} has more decimals than flavour B"
    return f"{Decimal(amount_minor).scaleb(-exponent):.{AMOUNT_DECIMALS}f}"


# A RollbackTransaction carries no id of its own, only the one it reverses; a wallet that
# records it (the SDK's ledger) keys it as this prefix + the reversed id, and reconciliation
# matches it the same way.
ROLLBACK_ID_PREFIX = "rollback:"


def format_id(reelhouse_id: int) -> str:
    """Our 63-bit id as the protocol's 32 lowercase hex digits."""
    assert 0 <= reelhouse_id < 2**63
    return f"{reelhouse_id:0{ID_HEX_DIGITS}x}"


def parse_id(text: str) -> int:
    """The inverse of `format_id` (any case): for tools that map ids back."""
    assert len(text) == ID_HEX_DIGITS
    return int(text, 16)


def ledger_id(call_id: int, kind: CommandKind, cancel_of_id: int | None) -> str:
    """How a wallet's ledger names one of our calls: the 32 hex digits sent, and for a
    RollbackTransaction, which has no id of its own on the wire, `rollback:<the id it
    reverses>` (the operator kit's key)."""
    if kind is CommandKind.CANCEL:
        assert cancel_of_id is not None
        return ROLLBACK_ID_PREFIX + format_id(cancel_of_id)
    return format_id(call_id)


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def call_id_of(text: str) -> tuple[int, bool] | None:
    """The inverse of `ledger_id`: (the call's id, False), or for a rollback (the id of the
    call it reverses, True); None for text no call of ours is named by in this dialect."""
    rollback = text.startswith(ROLLBACK_ID_PREFIX)
    hex_text = text.removeprefix(ROLLBACK_ID_PREFIX) if rollback else text
    if len(hex_text) != ID_HEX_DIGITS or not set(hex_text) <= _HEX_DIGITS:
        return None
    number = parse_id(hex_text)
    return (number, rollback) if number < 2**63 else None


# --- Reelhouse side: encode a command ---------------------------------------------------


def callback_url(base_url: str, operation: str) -> str:
    return f"{base_url.rstrip('/')}/{operation}"


def encode_command(cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int) -> HttpRequest:
    """`now_unix_s` is unused: flavour B carries no time, so a retry is byte for byte the
    first attempt."""
    assert cmd.kind in OPERATION_BY_KIND, f"flavour B has no {cmd.kind.value} command"
    assert creds.callback_url.startswith(("http://", "https://")), "checked at configuration"
    assert creds.secret_key, "flavour B signs with the operator's secret key"
    assert creds.agent_id, "flavour B names the operator's agentID"
    assert now_unix_s >= 0
    operation = OPERATION_BY_KIND[cmd.kind]
    fields = _command_fields(cmd, creds.agent_id)
    signed = {name: _signed_text(fields[name]) for name in SIGNED_FIELDS[operation]}
    fields["sign"] = sign_fields(creds.secret_key, operation, signed)
    body = dump_json(fields).encode("ascii")
    headers = (("Content-Type", "application/json"), ("Accept", "application/json"))
    return HttpRequest(
        "POST",
        callback_url(creds.callback_url, operation),
        headers,
        body,
        TIMEOUT_MS_BY_KIND[cmd.kind],
    )


def _signed_text(value: JsonValue) -> str:
    # Signed fields are always present: text, or an amount already written with 2 decimals.
    if isinstance(value, JsonNumber):
        return value.text
    assert isinstance(value, str), "a signed field is never null"
    return value


def _command_fields(cmd: WalletCommand, agent_id: str) -> dict[str, JsonValue]:
    """The body without `sign`, in the spec's key order."""
    fields: dict[str, JsonValue] = {"agentID": agent_id, "userID": cmd.account}
    if cmd.kind in _READS:
        fields["gameID"] = _game_id(cmd.game_code)
        return fields
    assert cmd.trans_id is not None and cmd.round_id is not None
    assert cmd.amount_minor is not None
    if cmd.kind is CommandKind.CANCEL:
        assert cmd.cancel_trans_id is not None
        fields["refTransactionID"] = format_id(cmd.cancel_trans_id)
        fields["gameID"] = _game_id(cmd.game_code)
        return fields
    if cmd.kind is CommandKind.BET_WIN:
        assert cmd.win_minor is not None
        fields["betAmount"] = JsonNumber(amount_text(cmd.amount_minor, cmd.currency))
        fields["winAmount"] = JsonNumber(amount_text(cmd.win_minor, cmd.currency))
    else:
        fields["amount"] = JsonNumber(amount_text(cmd.amount_minor, cmd.currency))
    if cmd.kind is CommandKind.WIN:
        # A Deposit names its Withdraw; a free round's has none (it had no bet): null.
        assert cmd.bet_trans_id is not None or cmd.free_round_id is not None
        bet = cmd.bet_trans_id
        fields["refTransactionID"] = format_id(bet) if bet is not None else None
    fields["transactionID"] = format_id(cmd.trans_id)
    fields["roundID"] = format_id(cmd.round_id)
    assert cmd.game_code is not None, "a money callback names its game"
    fields["gameID"] = _game_id(cmd.game_code)
    fields["freeSpinID"] = free_spin_id(cmd)
    if cmd.kind is CommandKind.BET:
        fields["isBonusBuy"] = 0
    return fields


def _game_id(game_code: str | None) -> int | None:
    """The contract's `gameID` is an integer: the game's stable number (domain.game_ids),
    the same one the operator's `/userAuth` and `/gameList` use; null when not about a game."""
    return numeric_game_id(game_code) if game_code is not None else None


def free_spin_id(cmd: WalletCommand) -> str | None:
    """The grant a free round's win pays from: the operator's freespinID when it gave one,
    else Reelhouse's fr_id as text; null on every paid round."""
    if cmd.free_round_id is None:
        return None
    return cmd.free_round_ref if cmd.free_round_ref else str(cmd.free_round_id)


# --- Reelhouse side: how an answer reads (base.decode_answer is the skeleton) ------------


def _read_code(doc: Mapping[str, object]) -> int:
    code = doc.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        raise BadAnswer("no integer code")
    return code


ANSWERS = AnswerRules(
    read_status=_read_code,
    ok=Code.SUCCESS,
    outcomes=_CODE_OUTCOMES,
    label=lambda code: f"code {code}",
    read_balance=lambda doc: doc.get("balance"),
    balance_trusted=_BALANCE_TRUSTED,
)


def decode_answer(cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
    """Map an operator's answer to an outcome. Anything unexpected is UNKNOWN, with detail."""
    return base_decode_answer(ANSWERS, OPERATION_BY_KIND, cmd, answer)


# --- Operator side: verify and read a callback ------------------------------------------


@dataclass(frozen=True, slots=True)
class IGamingAceBCallback:
    """One flavour B callback as the operator's wallet sees it, checked and typed.

    Ids stay the text sent (32 hex digits). Amounts are exact decimals with at most 2
    decimals; the wallet converts them with the player's currency.
    """

    kind: CommandKind  # BALANCE for every GetBalance
    operation: str
    agent_id: str
    user_id: str
    game_id: int | str | None  # an integer (the contract), or text as some wallets echo it
    transaction_id: str | None = None
    ref_transaction_id: str | None = None  # Deposit: its Withdraw; Rollback: what it reverses
    round_id: str | None = None
    amount: Decimal | None = None  # Withdraw, Deposit
    bet_amount: Decimal | None = None  # BetWin
    win_amount: Decimal | None = None  # BetWin
    free_spin_id: str | None = None
    is_bonus_buy: bool | None = None  # Withdraw


class _Refused(ValueError):
    def __init__(self, code: Code, reason: str) -> None:
        super().__init__(reason)
        self.code = code


USER_ID_MIN_CHARS = 4
USER_ID_MAX_CHARS = 48
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_MAX_TEXT_CHARS = 64  # agent ids and game codes
FREE_SPIN_ID_MAX_CHARS = 36


def verify_and_decode_callback(
    operation: str,
    body: bytes,
    secret_key: str,
    agent_id: str | None = None,
    require_signature: bool = True,
) -> IGamingAceBCallback | CallbackRejection:
    """Read a callback that arrived on `{base}/<operation>`, and check its `sign`.

    The sign covers field values, so the body is parsed (exactly: no floats, no duplicate
    keys) and every field is checked for shape (2) before the sign is computed from the
    signed fields' text; a wrong sign is 3. `agent_id`, when given, must be the body's
    agentID (4). Nothing here looks at players or money.
    """
    assert secret_key, "an empty configured key would sign anything"
    try:
        if operation not in KIND_BY_OPERATION:
            raise _Refused(Code.WRONG_INPUT, f"no operation {operation!r}")
        if len(body) > MAX_REQUEST_BODY_BYTES:
            raise _Refused(Code.WRONG_INPUT, f"body of {len(body)} bytes")
        try:
            doc = load_json_exact(body)
        except JsonError as exc:
            raise _Refused(Code.WRONG_INPUT, f"not JSON: {exc}") from exc
        callback, texts, sent_sign = _parse_callback(operation, doc)
        if require_signature and not signature_matches(secret_key, operation, texts, sent_sign):
            raise _Refused(Code.INVALID_SIGN, "sign does not match")
        if agent_id is not None and not hmac.compare_digest(
            callback.agent_id.encode("utf-8"), agent_id.encode("utf-8")
        ):
            raise _Refused(Code.INVALID_AGENT, "agentID is not this operator's")
    except _Refused as exc:
        return CallbackRejection(int(exc.code), str(exc), encode_answer(exc.code))
    return callback


def _parse_callback(operation: str, doc: object) -> tuple[IGamingAceBCallback, dict[str, str], str]:
    if not isinstance(doc, dict):
        raise _Refused(Code.WRONG_INPUT, "not an object")
    kind = KIND_BY_OPERATION[operation]
    texts = {
        "agentID": _text(doc, "agentID", None, 1, _MAX_TEXT_CHARS),
        "userID": _text(doc, "userID", _ALNUM, USER_ID_MIN_CHARS, USER_ID_MAX_CHARS),
    }
    sent_sign = _text(doc, "sign", _HEX, 64, 64)
    game_id = _game_id_of(doc)
    if kind is CommandKind.BALANCE:
        return _callback(kind, operation, texts, game_id), texts, sent_sign
    if kind is CommandKind.CANCEL:
        texts["refTransactionID"] = _id(doc, "refTransactionID")
        callback = _callback(kind, operation, texts, game_id)
        return callback, texts, sent_sign
    amounts = ("betAmount", "winAmount") if kind is CommandKind.BET_WIN else ("amount",)
    for name in amounts:
        texts[name] = _amount_text(doc, name)
    for name in ("transactionID", "roundID"):
        texts[name] = _id(doc, name)
    if game_id is None:
        raise _Refused(Code.WRONG_INPUT, "gameID is missing")
    free_spin = _optional_text(doc, "freeSpinID", FREE_SPIN_ID_MAX_CHARS)
    ref = None
    if kind is CommandKind.WIN:
        # A Deposit names its Withdraw, or (a free spin's win, which had no Withdraw) its
        # grant. Withdraw and Deposit sign the same fields, so this also turns away a
        # Withdraw body replayed on /Deposit as it was sent; one with forged unsigned fields
        # only the wallet's transaction-id idempotency can stop (docs/wallet-callbacks.md).
        if doc.get("refTransactionID") is not None:
            ref = _id(doc, "refTransactionID")
        elif free_spin is None:
            raise _Refused(Code.WRONG_INPUT, "a Deposit names refTransactionID or freeSpinID")
    bonus_buy = _bonus_buy(doc) if kind is CommandKind.BET else None
    callback = _callback(kind, operation, texts, game_id, ref, free_spin, bonus_buy)
    return callback, texts, sent_sign


def _callback(
    kind: CommandKind,
    operation: str,
    texts: Mapping[str, str],
    game_id: int | str | None,
    deposit_ref: str | None = None,
    free_spin_id: str | None = None,
    is_bonus_buy: bool | None = None,
) -> IGamingAceBCallback:
    def amount(name: str) -> Decimal | None:
        return Decimal(texts[name]) if name in texts else None

    return IGamingAceBCallback(
        kind=kind,
        operation=operation,
        agent_id=texts["agentID"],
        user_id=texts["userID"],
        game_id=game_id,
        transaction_id=texts.get("transactionID"),
        ref_transaction_id=texts.get("refTransactionID", deposit_ref),
        round_id=texts.get("roundID"),
        amount=amount("amount"),
        bet_amount=amount("betAmount"),
        win_amount=amount("winAmount"),
        free_spin_id=free_spin_id,
        is_bonus_buy=is_bonus_buy,
    )


def _text(
    doc: Mapping[str, object], key: str, alphabet: frozenset[str] | None, least: int, most: int
) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not least <= len(value) <= most:
        raise _Refused(Code.WRONG_INPUT, f"{key} is not text of {least}-{most} characters")
    if alphabet is not None and not set(value) <= alphabet:
        raise _Refused(Code.WRONG_INPUT, f"{key} has characters outside its alphabet")
    if alphabet is None and not (value.isascii() and value.isprintable()):
        raise _Refused(Code.WRONG_INPUT, f"{key} is not printable ASCII")
    return value


def _optional_text(doc: Mapping[str, object], key: str, most: int) -> str | None:
    if doc.get(key) is None:
        return None
    return _text(doc, key, None, 1, most)


def _game_id_of(doc: Mapping[str, object]) -> int | str | None:
    """`gameID`: the contract's integer; text (a game code, or the number as text) is
    accepted too, as earlier Reelhouse versions and some wallets' test tools send it."""
    value = doc.get("gameID")
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 < value <= NUMERIC_GAME_ID_MAX:
            raise _Refused(Code.WRONG_INPUT, "gameID is out of range")
        return value
    return _optional_text(doc, "gameID", _MAX_TEXT_CHARS)


def _id(doc: Mapping[str, object], key: str) -> str:
    return _text(doc, key, _HEX, ID_HEX_DIGITS, ID_HEX_DIGITS)


def _amount_text(doc: Mapping[str, object], key: str) -> str:
    """The signed text of an amount: its value with exactly 2 decimals. A value that needs a
    third decimal, a negative one, or a non-number is wrong input."""
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
        raise _Refused(Code.WRONG_INPUT, f"{key} is not a non-negative number")
    amount = Decimal(value)
    # Magnitude first: quantizing a number with more digits than the decimal context's
    # precision raises instead of answering.
    if not amount.is_zero() and amount.adjusted() > MAX_AMOUNT_DIGITS:
        raise _Refused(Code.WRONG_INPUT, f"{key} is out of range")
    if amount != amount.quantize(Decimal(1).scaleb(-AMOUNT_DECIMALS)):
        raise _Refused(Code.WRONG_INPUT, f"{key} has more than {AMOUNT_DECIMALS} decimals")
    return f"{amount:.{AMOUNT_DECIMALS}f}"


def _bonus_buy(doc: Mapping[str, object]) -> bool:
    value = doc.get("isBonusBuy", 0)
    if isinstance(value, bool) or value not in (0, 1):
        raise _Refused(Code.WRONG_INPUT, "isBonusBuy is not 0 or 1")
    return value == 1


# --- Operator side: encode an answer ----------------------------------------------------


def encode_answer(
    code: Code,
    balance: Decimal | None = None,
    *,
    platform_transaction_id: str | None = None,
    message: str | None = None,
) -> bytes:
    """`{"code","message",["platformTransactionID"],["balance"]}`.

    The balance is written with exactly 2 decimals (pass `money.to_decimal(minor, cur)`); it
    is left out when there is no player to tell about (a refused sign, an unknown user).
    """
    fields: dict[str, JsonValue] = {
        "code": int(code),
        "message": message if message is not None else MESSAGES[code],
    }
    if platform_transaction_id is not None:
        fields["platformTransactionID"] = platform_transaction_id
    if balance is not None:
        assert balance.is_finite()
        quantized = balance.quantize(Decimal(1).scaleb(-AMOUNT_DECIMALS))
        assert quantized == balance, "flavour B balances have at most 2 decimals"
        fields["balance"] = JsonNumber(f"{quantized:.{AMOUNT_DECIMALS}f}")
    return dump_json(fields).encode("ascii")


def _verify(
    headers: Mapping[str, str],  # the sign is in the body: headers are not read
    body: bytes,
    creds: CallbackCredentials,
    now_unix_s: int,  # no time in this protocol
    *,
    require_signature: bool = True,
    path: str = "",
) -> IGamingAceBCallback | CallbackRejection:
    """`path` is the request path or just its operation: its last segment is read."""
    assert creds.secret_key, "flavour B verifies with the operator's secret key"
    operation = path.rstrip("/").rsplit("/", 1)[-1]
    return verify_and_decode_callback(
        operation, body, creds.secret_key, creds.agent_id, require_signature
    )


IGAMINGACE_B = DIALECT = CodecDialect(
    name=NAME,
    encode=encode_command,
    answers=ANSWERS,
    timeouts_ms=TIMEOUT_MS_BY_KIND,
    retries=RETRY_POLICY_BY_KIND,
    wire_names=OPERATION_BY_KIND,
    verify=_verify,
    signs_with=Credential.SECRET_KEY,
    needs_agent_id=True,
    # Every amount is written with exactly 2 decimals: a currency with more cannot be
    # carried without rounding, so such an operator is refused at creation.
    max_currency_exponent=AMOUNT_DECIMALS,
    ledger_id=ledger_id,
    call_id_of=call_id_of,
    # RollbackTransaction reverses a Withdraw, a Deposit or a BetWin; no time is carried.
    cancels_wins=True,
    timestamped=False,
)
