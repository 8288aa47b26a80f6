"""SlotCity-v4 seamless wallet callbacks, both sides, as a pure codec.

Contract: the SlotCity v4 public contract, sections 2 and 3. Reelhouse POSTs
`{"command","data","timestamp","check"}` to the operator's callback URL with the
`Callback-Token` header and, [ours], `X-Reelhouse-Timestamp` / `X-Reelhouse-Signature`
(hex HMAC-SHA256, key = callback token, message = timestamp + "." + raw body).

Rendering decisions, fixed here so bytes are reproducible and the docs can quote them:

- keys in the spec's order, compact separators, ASCII only;
- `amount` is a bare JSON number with exactly the currency's minor digits (`12.30`, JPY
  `5`, KWD `1.250`);
- `trans_guid` / `cancel_trans_guid` are our ids as decimal *strings* (the name says guid;
  JavaScript clients would round large numbers); `gplay_id` (the game session id) is text
  too, as the contract's capture shows it; `round_id`, `provider_id`, `time_stamp` (ms, when
  the transaction was created) are ints (ids are generated below 2^53, domain.ids);
- `call_id` is the bonus-call id: 0 ("not a bonus call") on every paid round; the win of a
  free round carries its grant's `fr_id` there (a free round has no bet call, and
  `call_id` is the spec's only field that can say so);
- `status` asks about `WalletCommand.cancel_trans_id` (the domain's "transaction a status
  asks about"), or `trans_id` when only that is given;
- the envelope `timestamp` is the send time and changes between retries; `data` never does
  (a retried win or cancel carries the same id and data, spec section 2).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
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
    OutcomeRule,
    RetryPolicy,
    StatusValue,
    dump_json,
    headers_by_lower_name,
    load_json_exact,
    object_at,
)
from reelhouse.dialects.base import decode_answer as base_decode_answer
from reelhouse.domain.limits import (
    MAX_REQUEST_BODY_BYTES,
    PLAYER_NAME_MAX_CHARS,
    QUICK_READ_RETRIES,
    SIGNATURE_MAX_SKEW_SECONDS,
)
from reelhouse.domain.money import currency, format_fixed
from reelhouse.domain.wallet import (
    MONEY_COMMANDS,
    TRANS_TYPE_BY_KIND,
    CommandKind,
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    RefusalReason,
    TransStatus,
    WalletCommand,
    WalletOutcome,
)

NAME = "slotcity-v4"

HEADER_TOKEN = "Callback-Token"  # noqa: S105 - a header name, not a secret
HEADER_TIMESTAMP = "X-Reelhouse-Timestamp"
HEADER_SIGNATURE = "X-Reelhouse-Signature"

NO_BONUS_CALL_ID = 0


class Result(IntEnum):
    """The `result` codes of an operator's answer (spec section 2)."""

    OK = 0
    UNKNOWN_PLAYER = 21
    PLAYER_INACTIVE = 22
    INSUFFICIENT_FUNDS = 31
    DUPLICATE_TRANSACTION = 41
    TRANSACTION_NOT_FOUND = 42
    CANCEL_TARGET_NOT_FOUND = 43
    INTERNAL_ERROR = 99
    BAD_TOKEN = 100


class PlayerStop(IntEnum):
    """[ours] Results that say the player may not play now, beside the contract's 22 ("the
    player is not active"): the contract has no code for self-exclusion or a limit."""

    SELF_EXCLUDED = 23
    LIMIT_REACHED = 24


# The answers that mean the player may not play now: a bet refused with one ends the game
# session, and the player is told why in their language (domain/session_end.py). Read on the
# calls where a refusal is final (reads and bets); on a win or cancel they stay unknown and
# are retried, as every "no" there is (docs/wallet-callbacks.md, "The player may not play").
PLAYER_STOPS: dict[StatusValue, RefusalReason] = {
    Result.PLAYER_INACTIVE: RefusalReason.PLAYER_BLOCKED,
    PlayerStop.SELF_EXCLUDED: RefusalReason.SELF_EXCLUDED,
    PlayerStop.LIMIT_REACHED: RefusalReason.LIMIT_REACHED,
}

# The validations a request names in `check` (spec table): the operator runs them in order.
CHECKS_BY_KIND: dict[CommandKind, tuple[Result, ...]] = {
    kind: tuple(Result(code) for code in codes)
    for kind, codes in (
        (CommandKind.AUTHENTICATE, (21,)),
        (CommandKind.BALANCE, (21, 22)),
        (CommandKind.BET, (21, 22, 41, 31)),
        (CommandKind.WIN, (21, 22, 41)),
        (CommandKind.CANCEL, (21, 22, 41, 43)),
        (CommandKind.STATUS, (21, 42)),
    )
}

CHECK_CODES = frozenset(code for codes in CHECKS_BY_KIND.values() for code in codes)

# The contract: 2 s for `bet` and `balance`, 4 s for every other command (`authenticate`
# included: a launch may wait longer than a spin's balance refresh).
TIMEOUT_MS_BY_KIND: dict[CommandKind, int] = {
    CommandKind.AUTHENTICATE: 4000,
    CommandKind.BALANCE: 2000,
    CommandKind.BET: 2000,
    CommandKind.STATUS: 4000,
    CommandKind.WIN: 4000,
    CommandKind.CANCEL: 4000,
}
# Every command goes out under its own name (`command` in the envelope).
WIRE_NAMES: dict[CommandKind, str] = {kind: kind.value for kind in TIMEOUT_MS_BY_KIND}

_READ_RETRY = RetryPolicy(QUICK_READ_RETRIES, 0, 0, durable=False)
# Wins and cancels: 3 retries every 2-4 s (spec), then Reelhouse's own durable retries.
_SETTLEMENT_RETRY = RetryPolicy(3, 2000, 4000, durable=True)

RETRY_POLICY_BY_KIND: dict[CommandKind, RetryPolicy] = {
    CommandKind.AUTHENTICATE: _READ_RETRY,
    CommandKind.BALANCE: _READ_RETRY,
    CommandKind.STATUS: _READ_RETRY,  # [ours] idempotent read, retried like balance
    # A bet is never retried: a failed bet is cancelled instead (spec section 2).
    CommandKind.BET: RetryPolicy(0, 0, 0, durable=False),
    CommandKind.WIN: _SETTLEMENT_RETRY,
    CommandKind.CANCEL: _SETTLEMENT_RETRY,
}

# What a non-zero result means for each command. Anything not listed is UNKNOWN.
#
# - 21/22/100 (and Reelhouse's 23/24) are final refusals only where refusing is safe: reads
#   and bets (nothing moved). For a win or cancel a "no" must never be final - the player
#   would lose a win or a refund - so those stay UNKNOWN and keep being retried until a human
#   looks.
# - 41 on a win/cancel answers a retry of something already applied: success. 41 on a bet
#   is NOT success: a bet is never retried, so the id was already in use (or the operator
#   recorded a cancel-before-bet tombstone). The outcome is unknown, and the cancel that
#   follows an unknown bet makes both sides agree whatever happened.
# - 43 on a cancel: the operator never saw the transaction, nothing to refund: done.
_NON_ZERO_OUTCOMES: dict[tuple[CommandKind, StatusValue], OutcomeRule] = {
    **{
        (kind, code): (OutcomeKind.REFUSED, reason)
        for kind in (
            CommandKind.AUTHENTICATE,
            CommandKind.BALANCE,
            CommandKind.STATUS,
            CommandKind.BET,
        )
        for code, reason in (
            (Result.UNKNOWN_PLAYER, RefusalReason.UNKNOWN_PLAYER),
            (Result.BAD_TOKEN, RefusalReason.BAD_TOKEN),
            *PLAYER_STOPS.items(),
        )
    },
    (CommandKind.BET, Result.INSUFFICIENT_FUNDS): (
        OutcomeKind.REFUSED,
        RefusalReason.INSUFFICIENT_FUNDS,
    ),
    (CommandKind.WIN, Result.DUPLICATE_TRANSACTION): (OutcomeKind.ALREADY_APPLIED, None),
    (CommandKind.CANCEL, Result.DUPLICATE_TRANSACTION): (OutcomeKind.ALREADY_APPLIED, None),
    (CommandKind.CANCEL, Result.CANCEL_TARGET_NOT_FOUND): (OutcomeKind.NOT_FOUND, None),
    (CommandKind.STATUS, Result.TRANSACTION_NOT_FOUND): (OutcomeKind.NOT_FOUND, None),
}


def sign(callback_token: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `timestamp + "." + body`, keyed with the callback token."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(callback_token.encode("utf-8"), message, hashlib.sha256).hexdigest()


# --- Reelhouse side: encode a command ---------------------------------------------------


def encode_command(cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int) -> HttpRequest:
    assert creds.callback_url.startswith(("http://", "https://")), "checked at configuration"
    assert creds.callback_token, "an operator always has a callback token"
    assert now_unix_s >= 0
    timestamp = str(now_unix_s)
    envelope: dict[str, JsonValue] = {
        "command": cmd.kind.value,
        "data": _command_data(cmd),
        "timestamp": timestamp,
        "check": ",".join(str(int(code)) for code in CHECKS_BY_KIND[cmd.kind]),
    }
    body = dump_json(envelope).encode("ascii")
    headers = (
        (HEADER_TOKEN, creds.callback_token),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        (HEADER_TIMESTAMP, timestamp),
        (HEADER_SIGNATURE, sign(creds.callback_token, timestamp, body)),
    )
    return HttpRequest("POST", creds.callback_url, headers, body, TIMEOUT_MS_BY_KIND[cmd.kind])


def _command_data(cmd: WalletCommand) -> dict[str, JsonValue]:
    if cmd.kind in (CommandKind.AUTHENTICATE, CommandKind.BALANCE):
        return {"account": cmd.account}
    if cmd.kind is CommandKind.STATUS:
        return {"account": cmd.account, "trans_guid": str(_asked_trans_id(cmd))}
    assert cmd.kind in MONEY_COMMANDS
    # Every money callback carries the round's context; a missing field is a bug upstream.
    assert cmd.session_id is not None and cmd.provider_id is not None
    assert cmd.game_code is not None and cmd.game_type is not None
    assert cmd.created_at_ms is not None and cmd.amount_minor is not None
    data: dict[str, JsonValue] = {
        # Text, as the public contract's live capture shows it (`"8949111"`).
        "gplay_id": str(cmd.session_id),
        "account": cmd.account,
        "trans_guid": str(cmd.trans_id),
    }
    if cmd.kind is CommandKind.CANCEL:
        data["cancel_trans_guid"] = str(cmd.cancel_trans_id)
    data.update(
        {
            "time_stamp": cmd.created_at_ms,
            "round_id": cmd.round_id,
            "provider_id": cmd.provider_id,
            "game_code": cmd.game_code,
            "game_type": cmd.game_type,
            "amount": JsonNumber(format_fixed(cmd.amount_minor, currency(cmd.currency))),
            "type": TRANS_TYPE_BY_KIND[cmd.kind],
            "call_id": cmd.free_round_id if cmd.free_round_id else NO_BONUS_CALL_ID,
        }
    )
    return data


def _asked_trans_id(cmd: WalletCommand) -> int:
    asked = cmd.cancel_trans_id if cmd.cancel_trans_id is not None else cmd.trans_id
    assert asked is not None, "status asks about a transaction"
    return asked


# --- Reelhouse side: how an answer reads (base.decode_answer is the skeleton) ------------


def _read_result(doc: Mapping[str, object]) -> int:
    result = doc.get("result")
    if not isinstance(result, int) or isinstance(result, bool):
        raise BadAnswer("no integer result")
    status = doc.get("status")
    # Missing status is tolerated; a status that contradicts the result is not: which of
    # the two would say what happened to the money?
    if status is not None and status != ("OK" if result == Result.OK else "ERROR"):
        raise BadAnswer(f"status {status!r} with result {result}")
    return result


def _read_balance(doc: Mapping[str, object]) -> object:
    return object_at(doc, "data").get("balance")


def _echo_problem(cmd: WalletCommand, doc: Mapping[str, object]) -> str | None:
    account = object_at(doc, "data").get("account", cmd.account)
    return None if account == cmd.account else f"answer is about account {account!r}"


def _read_ok(cmd: WalletCommand, doc: Mapping[str, object]) -> TransStatus | None:
    """A `status` answer says what became of the transaction asked about."""
    if cmd.kind is not CommandKind.STATUS:
        return None
    data = object_at(doc, "data")
    if "trans_guid" in data and str(data["trans_guid"]) != str(_asked_trans_id(cmd)):
        raise BadAnswer(f"answer is about trans_guid {data['trans_guid']!r}")
    raw_status = data.get("trans_status")
    if raw_status not in (TransStatus.OK.value, TransStatus.CANCELED.value):
        raise BadAnswer(f"trans_status {raw_status!r}")
    assert isinstance(raw_status, str)
    return TransStatus(raw_status)


ANSWERS = AnswerRules(
    read_status=_read_result,
    ok=Result.OK,
    outcomes=_NON_ZERO_OUTCOMES,
    label=lambda result: f"result {result}",
    read_balance=_read_balance,
    echo_problem=_echo_problem,
    read_ok=_read_ok,
)


def decode_answer(cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
    """Map an operator's answer to an outcome. Anything unexpected is UNKNOWN, with detail."""
    return base_decode_answer(ANSWERS, WIRE_NAMES, cmd, answer)


# --- Operator side: verify and read a callback ------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotCityCallback:
    """One callback as the operator's wallet sees it, checked and typed.

    Transaction ids stay opaque text on this side: an operator's ledger keys on them as
    received. `amount` is the exact decimal sent; the wallet converts it with the player's
    currency (and refuses it if it has too many decimals).
    """

    kind: CommandKind
    account: str
    checks: tuple[Result, ...]
    sent_at_unix_s: int  # the envelope's timestamp
    trans_guid: str | None = None  # status: the transaction asked about
    cancel_trans_guid: str | None = None
    round_id: int | None = None  # a JSON integer or its decimal text
    amount: Decimal | None = None
    session_id: int | None = None  # gplay_id, text on the wire (or an integer)
    provider_id: int | None = None
    game_code: str | None = None
    game_type: str | None = None
    created_at_ms: int | None = None  # time_stamp
    call_id: int | None = None


class _BadCallback(ValueError):
    """A callback without the spec's shape: answered 99."""


_ACCOUNT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_GUID_CHARS = _ACCOUNT_CHARS | frozenset("-.:")
_MAX_TEXT_CHARS = 64  # ids and game codes; nothing legitimate is longer
# The commands this protocol has (CommandKind also holds other dialects' bet_win).
COMMANDS: tuple[CommandKind, ...] = tuple(CHECKS_BY_KIND)
_COMMAND_NAMES = frozenset(kind.value for kind in COMMANDS)


def verify_and_decode_callback(
    headers: Mapping[str, str],
    body: bytes,
    callback_token: str,
    now_unix_s: int,
    require_signature: bool = True,
) -> SlotCityCallback | CallbackRejection:
    """Authenticate a callback before reading it, then parse it strictly.

    Token, then signature and its freshness (a replay older than
    SIGNATURE_MAX_SKEW_SECONDS is refused): any failure -> 100. Bad shape -> 99.
    `require_signature=False` is for operators that only compare the token, as the
    original API did; the signature headers are then ignored entirely.
    """
    assert callback_token, "an empty configured token would accept an empty header"
    found = headers_by_lower_name(headers)
    token = found.get(HEADER_TOKEN.lower())
    if token is None or not hmac.compare_digest(
        token.encode("utf-8"), callback_token.encode("utf-8")
    ):
        return _rejection(Result.BAD_TOKEN, "missing or wrong Callback-Token")
    if len(body) > MAX_REQUEST_BODY_BYTES:
        return _rejection(Result.INTERNAL_ERROR, f"body of {len(body)} bytes")
    signed_at = None
    if require_signature:
        signed_at = _check_signature(found, body, callback_token, now_unix_s)
        if isinstance(signed_at, str):
            return _rejection(Result.BAD_TOKEN, signed_at)
    try:
        callback = _parse_callback(load_json_exact(body))
    except (JsonError, _BadCallback) as exc:
        return _rejection(Result.INTERNAL_ERROR, f"malformed callback: {exc}")
    if signed_at is not None and callback.sent_at_unix_s != signed_at:
        return _rejection(Result.BAD_TOKEN, "body timestamp differs from the signed one")
    return callback


def _check_signature(
    found: Mapping[str, str | None], body: bytes, callback_token: str, now_unix_s: int
) -> int | str:
    """The signed timestamp if the signature holds, else what is wrong with it."""
    timestamp = found.get(HEADER_TIMESTAMP.lower())
    signature = found.get(HEADER_SIGNATURE.lower())
    if timestamp is None or signature is None:
        return "missing signature or timestamp header"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "malformed timestamp header"
    if abs(now_unix_s - int(timestamp)) > SIGNATURE_MAX_SKEW_SECONDS:
        return "timestamp outside the accepted window"
    expected = sign(callback_token, timestamp, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.lower().encode("utf-8")):
        return "signature does not match"
    return int(timestamp)


def _rejection(result: Result, reason: str) -> CallbackRejection:
    return CallbackRejection(int(result), reason, encode_answer(result))


def _parse_callback(doc: object) -> SlotCityCallback:
    if not isinstance(doc, dict):
        raise _BadCallback("not an object")
    command = doc.get("command")
    if not isinstance(command, str) or command not in _COMMAND_NAMES:
        raise _BadCallback(f"unknown command {command!r}")
    kind = CommandKind(command)
    data = doc.get("data")
    if not isinstance(data, dict):
        raise _BadCallback("data is not an object")
    account = _text(data, "account", _ACCOUNT_CHARS, PLAYER_NAME_MAX_CHARS)
    checks = _parse_checks(doc.get("check"))
    sent_at = _parse_timestamp(doc.get("timestamp"))
    if kind in (CommandKind.AUTHENTICATE, CommandKind.BALANCE):
        return SlotCityCallback(kind, account, checks, sent_at)
    trans_guid = _text(data, "trans_guid", _GUID_CHARS, _MAX_TEXT_CHARS)
    if kind is CommandKind.STATUS:
        return SlotCityCallback(kind, account, checks, sent_at, trans_guid=trans_guid)
    if _integer(data, "type") != TRANS_TYPE_BY_KIND[kind]:
        raise _BadCallback(f"type does not match command {kind.value}")
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal) or amount < 0:
        raise _BadCallback("amount is not a non-negative number")
    cancelled = None
    if kind is CommandKind.CANCEL:
        cancelled = _text(data, "cancel_trans_guid", _GUID_CHARS, _MAX_TEXT_CHARS)
    return SlotCityCallback(
        kind,
        account,
        checks,
        sent_at,
        trans_guid=trans_guid,
        cancel_trans_guid=cancelled,
        round_id=_id_number(data, "round_id"),
        amount=Decimal(amount),
        session_id=_id_number(data, "gplay_id"),
        provider_id=_integer(data, "provider_id"),
        game_code=_text(data, "game_code", None, _MAX_TEXT_CHARS),
        game_type=_text(data, "game_type", None, _MAX_TEXT_CHARS),
        created_at_ms=_integer(data, "time_stamp"),
        call_id=_integer(data, "call_id"),
    )


def _text(data: Mapping[str, object], key: str, alphabet: frozenset[str] | None, most: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= most:
        raise _BadCallback(f"{key} is not text of 1-{most} characters")
    if alphabet is not None and not set(value) <= alphabet:
        raise _BadCallback(f"{key} has characters outside its alphabet")
    return value


def _integer(data: Mapping[str, object], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise _BadCallback(f"{key} is not a non-negative 64-bit integer")
    return value


def _id_number(data: Mapping[str, object], key: str) -> int:
    """An id sent as a JSON integer or as its decimal text: both forms are seen in the
    field (the contract's capture has `gplay_id` as text; Reelhouse sent it as a number
    before)."""
    value = data.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    return _integer({key: value}, key)


def _parse_checks(raw: object) -> tuple[Result, ...]:
    if not isinstance(raw, str):
        raise _BadCallback("check is not text")
    codes = []
    for part in raw.split(",") if raw else []:
        if not (part.isascii() and part.isdigit()) or int(part) not in CHECK_CODES:
            raise _BadCallback(f"unknown check {part!r}")
        codes.append(Result(int(part)))
    return tuple(codes)


def _parse_timestamp(raw: object) -> int:
    if not (isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 12):
        raise _BadCallback("timestamp is not unix seconds as text")
    return int(raw)


# --- Operator side: encode an answer ----------------------------------------------------

AnswerValue = str | int | Decimal


def encode_answer(
    result: int,
    balance: Decimal | None = None,
    extra: Mapping[str, AnswerValue] | None = None,
) -> bytes:
    """An answer body in the spec's shapes.

    OK: `{"result":0,"status":"OK","data":{<extra...>,"balance":b}}` (data always present).
    Errors: `{"result":31,"status":"ERROR","data":{"balance":b}}`, or without `data` when
    there is neither balance nor extra (21, 22, 99, 100). Decimals are written as bare JSON
    numbers with their own exponent: pass `money.to_decimal(minor, currency)`.
    """
    data: dict[str, JsonValue] = {
        key: JsonNumber(_decimal_text(value)) if isinstance(value, Decimal) else value
        for key, value in (extra or {}).items()
    }
    if balance is not None:
        data["balance"] = JsonNumber(_decimal_text(balance))
    answer: dict[str, JsonValue] = {
        "result": int(result),
        "status": "OK" if result == Result.OK else "ERROR",
    }
    if data or result == Result.OK:
        answer["data"] = data
    return dump_json(answer).encode("ascii")


def _decimal_text(value: Decimal) -> str:
    assert value.is_finite()
    return format(value, "f")


def _verify(
    headers: Mapping[str, str],
    body: bytes,
    creds: CallbackCredentials,
    now_unix_s: int,
    *,
    require_signature: bool = True,
    path: str = "",  # one URL for every command: not read
) -> SlotCityCallback | CallbackRejection:
    return verify_and_decode_callback(
        headers, body, creds.callback_token, now_unix_s, require_signature
    )


SLOTCITY_V4 = DIALECT = CodecDialect(
    name=NAME,
    encode=encode_command,
    answers=ANSWERS,
    timeouts_ms=TIMEOUT_MS_BY_KIND,
    retries=RETRY_POLICY_BY_KIND,
    wire_names=WIRE_NAMES,
    verify=_verify,
    signs_with=Credential.CALLBACK_TOKEN,
    # `cancel` reverses a bet or a win; the token is the contract's only check.
    cancels_wins=True,
    timestamped=True,
    signature_optional=True,
)
