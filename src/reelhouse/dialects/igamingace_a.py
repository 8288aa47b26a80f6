"""iGamingAce flavour A ("statusCode" protocol) seamless wallet callbacks, both sides, as a
pure codec.

Contract: the iGamingAce public contract, "Flavour A". Reelhouse POSTs a flat JSON object to the
operator's one callback URL with `X-Request-Signature`: Base64 of HMAC-SHA512, keyed with the
operator's API token, over the body's values taken in the alphabetical (byte) order of their
keys, each as text, joined with `,`. The operator answers HTTP 200 with
`{"balance": number, "statusCode": str}`.

Rendering decisions, fixed here so bytes are reproducible and the docs can quote them:

- keys in the spec's order, compact separators, ASCII only;
- amounts are bare JSON numbers in the shortest exact form (`10`, `10.5`, `0.01`), which is
  also their signed text, so body and signature agree (spec [ours]);
- `transactionId`, `referenceId`, `roundId` are our ids as JSON integers (the spec: long),
  generated below 2^53 so a JavaScript wallet reads them exactly (domain.ids);
  `providerId` is the provider's number and `gameCode` the game's numeric id
  (domain.game_ids), both integers;
- `timestamp` is the send time in ms, so it changes between retries while every other field
  stays the same: an operator can refuse stale replays and still accept a retry days later;
- `balance` and the initial authentication are both the `balance` command (the protocol has
  no `authenticate`); `isBonusBusy` is false (no bonus buys); `isRoundFinished` is true (a
  win is the last call of its round); `bonusId` is 0 on paid rounds, and on a free round's
  win names its grant (`bonus_id`): a free round has no bet, only that win;
- a round opens with `bet`, and its `win` follows once the bet is accepted, so the wallet
  never sees the outcome before it takes the stake; an operator may opt in to one `betwin`
  call carrying both. A failed `bet` or `betwin` is cancelled, never retried. `cancel.amount` is the
  amount the reversed transaction debited (a betwin's `betAmount`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

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
    headers_by_lower_name,
    load_json_exact,
)
from reelhouse.dialects.base import decode_answer as base_decode_answer
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.limits import (
    MAX_REQUEST_BODY_BYTES,
    SIGNATURE_MAX_SKEW_SECONDS,
)
from reelhouse.domain.money import currency, format_shortest
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    RefusalReason,
    WalletCommand,
    WalletOutcome,
)

NAME = "igamingace-a"
HEADER_SIGNATURE = "X-Request-Signature"
NO_BONUS_ID = 0
INT64_MAX = 2**63 - 1


class Status(StrEnum):
    """The `statusCode` values of an operator's answer (spec table)."""

    OK = "OK"
    INVALID_ACCOUNT = "ERR_INVALID_ACCOUNT"
    NOT_AUTHENTICATED = "ERR_NOT_AUTHENTICATED"
    INVALID_PLAYER_ID = "ERR_INVALID_PLAYER_ID"
    NOT_ENOUGH_MONEY = "ERR_NOT_ENOUGH_MONEY"
    INTEGRITY_CHECK_FAILED = "ERR_INTEGRITY_CHECK_FAILED"
    TRANSACTION_DOES_NOT_EXIST = "ERR_TRANSACTION_DOES_NOT_EXIST"
    TRANSACTION_ROLLED_BACK = "ERR_TRANSACTION_ROLLED_BACK"
    UNKNOWN = "ERR_UNKNOWN"


class PlayerStop(StrEnum):
    """[ours] Status codes that say the player may not play now: the contract has none for
    self-exclusion, a limit or a blocked player (its ERR_NOT_AUTHENTICATED is read as the
    last: the casino does not let this player play)."""

    SELF_EXCLUDED = "ERR_PLAYER_SELF_EXCLUDED"
    LIMIT_REACHED = "ERR_PLAYER_LIMIT_REACHED"
    BLOCKED = "ERR_PLAYER_BLOCKED"


# The answers that mean the player may not play now: a bet refused with one ends the game
# session, and the player is told why in their language (domain/session_end.py). Read on
# reads and on the calls that open a round; on a win or cancel they stay unknown and are
# retried (docs/wallet-callbacks.md, "The player may not play").
PLAYER_STOPS: dict[StatusValue, RefusalReason] = {
    Status.NOT_AUTHENTICATED: RefusalReason.PLAYER_BLOCKED,
    PlayerStop.SELF_EXCLUDED: RefusalReason.SELF_EXCLUDED,
    PlayerStop.LIMIT_REACHED: RefusalReason.LIMIT_REACHED,
    PlayerStop.BLOCKED: RefusalReason.PLAYER_BLOCKED,
}

# The command each kind is sent as. There is no `authenticate` and no `status`.
WIRE_COMMAND: dict[CommandKind, str] = {
    CommandKind.AUTHENTICATE: "balance",
    CommandKind.BALANCE: "balance",
    CommandKind.BET: "bet",
    CommandKind.WIN: "win",
    CommandKind.BET_WIN: "betwin",
    CommandKind.CANCEL: "cancel",
}
COMMANDS: tuple[CommandKind, ...] = tuple(WIRE_COMMAND)
# How the operator side reads a command name: both reads arrive as `balance`.
KIND_BY_WIRE_COMMAND: dict[str, CommandKind] = {
    "balance": CommandKind.BALANCE,
    "bet": CommandKind.BET,
    "win": CommandKind.WIN,
    "betwin": CommandKind.BET_WIN,
    "cancel": CommandKind.CANCEL,
}

TIMEOUT_MS_BY_KIND: dict[CommandKind, int] = {
    CommandKind.AUTHENTICATE: 2000,
    CommandKind.BALANCE: 2000,
    CommandKind.BET: 3000,
    CommandKind.BET_WIN: 3000,
    CommandKind.WIN: 4000,
    CommandKind.CANCEL: 4000,
}

_NOT_RETRIED = RetryPolicy(0, 0, 0, durable=False)
# Wins and cancels: the 2 documented quick retries ([ours] 1-2 s apart), then the durable ones.
_SETTLEMENT_RETRY = RetryPolicy(2, 1000, 2000, durable=True)

RETRY_POLICY_BY_KIND: dict[CommandKind, RetryPolicy] = {
    # balance is not retried (spec): the flow stops and the player sees an error.
    CommandKind.AUTHENTICATE: _NOT_RETRIED,
    CommandKind.BALANCE: _NOT_RETRIED,
    # A bet or betwin is never retried: a failed one is cancelled instead.
    CommandKind.BET: _NOT_RETRIED,
    CommandKind.BET_WIN: _NOT_RETRIED,
    CommandKind.WIN: _SETTLEMENT_RETRY,
    CommandKind.CANCEL: _SETTLEMENT_RETRY,
}

_READS = (CommandKind.AUTHENTICATE, CommandKind.BALANCE)
_OPENINGS = (CommandKind.BET, CommandKind.BET_WIN)
_Outcome = tuple[OutcomeKind, RefusalReason | None]

# What each documented status means for each command; a pair not listed is UNKNOWN.
#
# - OK is "applied now or before": the wallet answers OK with the current balance for a
#   repeated transactionId, so OK settles a retried win or cancel like a first one.
# - Refusals are final only where refusing is safe: reads and the calls that open a round
#   (nothing moved). For a win or cancel every "no" stays UNKNOWN and is retried: a player's
#   win or refund is never dropped ([ours] for ERR_NOT_AUTHENTICATED, which the spec says
#   must not happen on wins and cancels).
# - ERR_UNKNOWN is the wallet's own "I don't know": the outcome is unknown.
# - A cancel of a transaction never seen (DOES_NOT_EXIST) is done: nothing was debited; of
#   one already reversed (ROLLED_BACK) is done too.
_STATUS_OUTCOMES: dict[tuple[CommandKind, StatusValue], _Outcome] = {
    **{
        (kind, status): outcome
        for kind in _READS
        for status, outcome in (
            (Status.INVALID_ACCOUNT, (OutcomeKind.REFUSED, RefusalReason.OTHER)),
            (Status.INVALID_PLAYER_ID, (OutcomeKind.REFUSED, RefusalReason.UNKNOWN_PLAYER)),
            (Status.INTEGRITY_CHECK_FAILED, (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN)),
        )
    },
    **{
        (kind, status): outcome
        for kind in _OPENINGS
        for status, outcome in (
            (Status.NOT_ENOUGH_MONEY, (OutcomeKind.REFUSED, RefusalReason.INSUFFICIENT_FUNDS)),
            (Status.INTEGRITY_CHECK_FAILED, (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN)),
        )
    },
    **{
        (kind, status): (OutcomeKind.REFUSED, reason)
        for kind in (*_READS, *_OPENINGS)
        for status, reason in PLAYER_STOPS.items()
    },
    (CommandKind.CANCEL, Status.TRANSACTION_DOES_NOT_EXIST): (OutcomeKind.NOT_FOUND, None),
    (CommandKind.CANCEL, Status.TRANSACTION_ROLLED_BACK): (OutcomeKind.ALREADY_APPLIED, None),
}

# Answers whose balance describes the player: an operator that refused a request before
# finding the player (bad signature, unknown id) still writes a balance, but it means nothing.
_BALANCE_TRUSTED: frozenset[int | str] = frozenset(
    {
        Status.OK,
        Status.NOT_ENOUGH_MONEY,
        Status.TRANSACTION_DOES_NOT_EXIST,
        Status.TRANSACTION_ROLLED_BACK,
    }
)


# --- the signature ----------------------------------------------------------------------


def shortest_decimal_text(value: Decimal) -> str:
    """Shortest exact text of a decimal, as JavaScript's String() prints it: 10, 10.5, 0.01."""
    assert value.is_finite()
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_text(value: object) -> str:
    """A body value as the signature takes it (spec [ours]): strings as they are, integers in
    decimal, amounts in shortest exact form, booleans true/false, null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, JsonNumber):
        return shortest_decimal_text(Decimal(value.text))
    if isinstance(value, Decimal):
        return shortest_decimal_text(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"not a flat JSON value: {type(value).__name__}")


def signed_message(body: Mapping[str, object]) -> bytes:
    """The values in the byte order of their keys, joined with `,`, as UTF-8."""
    keys = sorted(body, key=lambda key: key.encode("utf-8"))
    return ",".join(value_text(body[key]) for key in keys).encode("utf-8")


def sign(api_token: str, body: Mapping[str, object]) -> str:
    """Base64 of HMAC-SHA512 of `signed_message(body)`, keyed with the API token."""
    mac = hmac.new(api_token.encode("utf-8"), signed_message(body), hashlib.sha512)
    return base64.b64encode(mac.digest()).decode("ascii")


# --- Reelhouse side: encode a command ---------------------------------------------------


def encode_command(cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int) -> HttpRequest:
    assert cmd.kind in WIRE_COMMAND, f"flavour A has no {cmd.kind.value} command"
    assert creds.callback_url.startswith(("http://", "https://")), "checked at configuration"
    assert creds.api_token, "flavour A signs with the operator's API token"
    assert now_unix_s >= 0
    fields = _command_fields(cmd, now_unix_s * 1000)
    body = dump_json(fields).encode("ascii")
    headers = (
        (HEADER_SIGNATURE, sign(creds.api_token, fields)),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    )
    return HttpRequest("POST", creds.callback_url, headers, body, TIMEOUT_MS_BY_KIND[cmd.kind])


def _amount(amount_minor: int, currency_code: str) -> JsonNumber:
    return JsonNumber(format_shortest(amount_minor, currency(currency_code)))


def _command_fields(cmd: WalletCommand, timestamp_ms: int) -> dict[str, JsonValue]:
    command = WIRE_COMMAND[cmd.kind]
    if cmd.kind in _READS:
        return {
            "command": command,
            "playerId": cmd.account,
            "currency": cmd.currency,
            "timestamp": timestamp_ms,
        }
    # Every money callback carries the round's context; a missing field is a bug upstream.
    assert cmd.trans_id is not None and cmd.round_id is not None
    assert cmd.amount_minor is not None and cmd.provider_id is not None
    assert cmd.game_code is not None
    fields: dict[str, JsonValue] = {"command": command, "transactionId": cmd.trans_id}
    if cmd.kind is CommandKind.CANCEL:
        assert cmd.cancel_trans_id is not None
        fields["referenceId"] = cmd.cancel_trans_id
    fields.update(
        {
            "playerId": cmd.account,
            "roundId": cmd.round_id,
            "providerId": cmd.provider_id,
            "gameCode": numeric_game_id(cmd.game_code),
            "currency": cmd.currency,
        }
    )
    if cmd.kind is CommandKind.BET_WIN:
        assert cmd.win_minor is not None
        fields["betAmount"] = _amount(cmd.amount_minor, cmd.currency)
        fields["winAmount"] = _amount(cmd.win_minor, cmd.currency)
    else:
        fields["amount"] = _amount(cmd.amount_minor, cmd.currency)
    if cmd.kind is CommandKind.BET:
        fields["isBonusBusy"] = False
    if cmd.kind is CommandKind.WIN:
        fields["isRoundFinished"] = True
    if cmd.kind is not CommandKind.CANCEL:
        fields["bonusId"] = bonus_id(cmd)
    fields["timestamp"] = timestamp_ms
    return fields


def bonus_id(cmd: WalletCommand) -> int:
    """The bonus call a free round's win pays from: the operator's own `issueId` when it is
    an integer (as the bonus-call facade takes it), else Reelhouse's fr_id; 0 on paid rounds."""
    if cmd.free_round_id is None:
        return NO_BONUS_ID
    ref = cmd.free_round_ref
    if ref is not None and ref.isascii() and ref.isdigit() and 0 < int(ref) <= INT64_MAX:
        return int(ref)
    return cmd.free_round_id


# --- Reelhouse side: how an answer reads (base.decode_answer is the skeleton) ------------


def _read_status_code(doc: Mapping[str, object]) -> str:
    raw_status = doc.get("statusCode")
    if not isinstance(raw_status, str):
        raise BadAnswer("no statusCode text")
    return raw_status


ANSWERS = AnswerRules(
    read_status=_read_status_code,
    ok=Status.OK,
    outcomes=_STATUS_OUTCOMES,
    label=str,
    read_balance=lambda doc: doc.get("balance"),
    balance_trusted=_BALANCE_TRUSTED,
)


def decode_answer(cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
    """Map an operator's answer to an outcome. Anything unexpected is UNKNOWN, with detail."""
    return base_decode_answer(ANSWERS, WIRE_COMMAND, cmd, answer)


# --- Operator side: verify and read a callback ------------------------------------------


@dataclass(frozen=True, slots=True)
class IGamingAceACallback:
    """One flavour A callback as the operator's wallet sees it, checked and typed.

    Amounts are the exact decimals sent; the wallet converts them with the player's currency
    (and refuses too many decimals). `kind` is BALANCE for every `balance` (the protocol does
    not tell a launch's first balance from the others).
    """

    kind: CommandKind
    player_id: str
    currency: str
    sent_at_ms: int  # timestamp
    transaction_id: int | None = None
    reference_id: int | None = None  # cancel: the bet or betwin reversed
    round_id: int | None = None
    provider_id: int | None = None
    game_code: int | None = None
    amount: Decimal | None = None  # bet, win, cancel
    bet_amount: Decimal | None = None  # betwin
    win_amount: Decimal | None = None  # betwin
    bonus_id: int | None = None
    is_bonus_buy: bool | None = None  # bet: `isBonusBusy` on the wire, as the spec spells it
    is_round_finished: bool | None = None  # win


class _BadCallback(ValueError):
    """A callback without the spec's shape: answered ERR_UNKNOWN."""


class _Unauthentic(ValueError):
    """A callback whose signature or freshness does not hold: ERR_INTEGRITY_CHECK_FAILED."""


PLAYER_ID_MAX_CHARS = 64
_PLAYER_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_CURRENCY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CURRENCY_MAX_CHARS = 8
_TIMESTAMP_MAX_MS = 10**15  # year 33658: anything larger is not a time


def verify_and_decode_callback(
    headers: Mapping[str, str],
    body: bytes,
    api_token: str,
    now_unix_s: int,
    require_signature: bool = True,
) -> IGamingAceACallback | CallbackRejection:
    """Authenticate a callback, then read it strictly.

    The signature covers values, not bytes, so the body is parsed (exactly: no floats, no
    duplicate keys) before it is checked; nothing is read from it until the signature and
    the timestamp window (SIGNATURE_MAX_SKEW_SECONDS) hold: any failure there ->
    ERR_INTEGRITY_CHECK_FAILED. A well-signed body of the wrong shape -> ERR_UNKNOWN.
    `require_signature=False` skips the signature and the window (tests and tools only).
    """
    assert api_token, "an empty configured token would accept any signature"
    try:
        doc = _flat_object(body)
        if require_signature:
            _check_signature(headers, doc, api_token, now_unix_s)
    except _Unauthentic as exc:
        return _rejection(Status.INTEGRITY_CHECK_FAILED, str(exc))
    except (JsonError, _BadCallback) as exc:
        status = Status.INTEGRITY_CHECK_FAILED if require_signature else Status.UNKNOWN
        return _rejection(status, f"unreadable callback: {exc}")
    try:
        return _parse_callback(doc)
    except _BadCallback as exc:
        return _rejection(Status.UNKNOWN, f"malformed callback: {exc}")


def _flat_object(body: bytes) -> dict[str, object]:
    if len(body) > MAX_REQUEST_BODY_BYTES:
        raise _BadCallback(f"body of {len(body)} bytes")
    doc = load_json_exact(body)
    if not isinstance(doc, dict):
        raise _BadCallback("not an object")
    for key, value in doc.items():
        if not (value is None or isinstance(value, str | int | Decimal)):
            raise _BadCallback(f"{key} is not a flat value")
    return doc


def _check_signature(
    headers: Mapping[str, str], doc: Mapping[str, object], api_token: str, now_unix_s: int
) -> None:
    signature = headers_by_lower_name(headers).get(HEADER_SIGNATURE.lower())
    if signature is None:
        raise _Unauthentic("missing signature header")
    expected = sign(api_token, doc)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8")):
        raise _Unauthentic("signature does not match")
    sent_at_ms = doc.get("timestamp")
    if isinstance(sent_at_ms, bool) or not isinstance(sent_at_ms, int):
        raise _Unauthentic("no integer timestamp")
    if abs(now_unix_s * 1000 - sent_at_ms) > SIGNATURE_MAX_SKEW_SECONDS * 1000:
        raise _Unauthentic("timestamp outside the accepted window")


def _rejection(status: Status, reason: str) -> CallbackRejection:
    return CallbackRejection(status.value, reason, encode_answer(status, None))


def _parse_callback(doc: Mapping[str, object]) -> IGamingAceACallback:
    command = doc.get("command")
    if not isinstance(command, str) or command not in KIND_BY_WIRE_COMMAND:
        raise _BadCallback(f"unknown command {command!r}")
    kind = KIND_BY_WIRE_COMMAND[command]
    player_id = _text(doc, "playerId", _PLAYER_ID_CHARS, PLAYER_ID_MAX_CHARS)
    currency_code = _text(doc, "currency", _CURRENCY_CHARS, _CURRENCY_MAX_CHARS)
    sent_at_ms = _integer(doc, "timestamp", _TIMESTAMP_MAX_MS)
    if kind is CommandKind.BALANCE:
        return IGamingAceACallback(kind, player_id, currency_code, sent_at_ms)
    money = IGamingAceACallback(
        kind,
        player_id,
        currency_code,
        sent_at_ms,
        transaction_id=_id_integer(doc, "transactionId"),
        round_id=_id_integer(doc, "roundId"),
        provider_id=_integer(doc, "providerId"),
        game_code=_integer(doc, "gameCode"),
    )
    if kind is CommandKind.CANCEL:
        return replace(
            money, reference_id=_id_integer(doc, "referenceId"), amount=_amount_of(doc, "amount")
        )
    money = replace(money, bonus_id=_integer(doc, "bonusId"))
    if kind is CommandKind.BET_WIN:
        return replace(
            money,
            bet_amount=_amount_of(doc, "betAmount"),
            win_amount=_amount_of(doc, "winAmount"),
        )
    money = replace(money, amount=_amount_of(doc, "amount"))
    if kind is CommandKind.BET:
        return replace(money, is_bonus_buy=_boolean(doc, "isBonusBusy"))
    return replace(money, is_round_finished=_boolean(doc, "isRoundFinished"))


def _text(doc: Mapping[str, object], key: str, alphabet: frozenset[str], most: int) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= most:
        raise _BadCallback(f"{key} is not text of 1-{most} characters")
    if not set(value) <= alphabet:
        raise _BadCallback(f"{key} has characters outside its alphabet")
    return value


def _integer(doc: Mapping[str, object], key: str, most: int = INT64_MAX) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise _BadCallback(f"{key} is not a non-negative integer up to {most}")
    return value


def _id_integer(doc: Mapping[str, object], key: str) -> int:
    """An id: the contract's JSON integer, or its decimal text (wallets whose JSON numbers are
    doubles pass large ids on as text; the signed text is the same either way)."""
    value = doc.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return _integer({key: int(value)}, key)
    return _integer(doc, key)


def _boolean(doc: Mapping[str, object], key: str) -> bool:
    value = doc.get(key)
    if not isinstance(value, bool):
        raise _BadCallback(f"{key} is not true or false")
    return value


def _amount_of(doc: Mapping[str, object], key: str) -> Decimal:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
        raise _BadCallback(f"{key} is not a non-negative number")
    return Decimal(value)


# --- Operator side: encode an answer ----------------------------------------------------


def encode_answer(status: Status, balance: Decimal | None) -> bytes:
    """`{"balance":<number>,"statusCode":"..."}`, the only shape flavour A answers.

    The balance is written in shortest exact form; pass `money.to_decimal(minor, currency)`.
    An answer that knows no player (a refused signature) still carries a balance, 0.
    """
    fields: dict[str, JsonValue] = {
        "balance": JsonNumber(
            shortest_decimal_text(balance if balance is not None else Decimal(0))
        ),
        "statusCode": status.value,
    }
    return dump_json(fields).encode("ascii")


def _verify(
    headers: Mapping[str, str],
    body: bytes,
    creds: CallbackCredentials,
    now_unix_s: int,
    *,
    require_signature: bool = True,
    path: str = "",  # one URL for every command: not read
) -> IGamingAceACallback | CallbackRejection:
    assert creds.api_token, "flavour A verifies with the operator's API token"
    return verify_and_decode_callback(headers, body, creds.api_token, now_unix_s, require_signature)


IGAMINGACE_A = DIALECT = CodecDialect(
    name=NAME,
    encode=encode_command,
    answers=ANSWERS,
    timeouts_ms=TIMEOUT_MS_BY_KIND,
    retries=RETRY_POLICY_BY_KIND,
    wire_names=WIRE_COMMAND,
    verify=_verify,
    signs_with=Credential.API_TOKEN,
    # `cancel` reverses a bet or a betwin, never a win.
    cancels_wins=False,
    timestamped=True,
)
