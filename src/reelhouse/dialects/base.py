"""What every wallet dialect offers, whichever protocol it speaks.

A dialect is a pure codec in the sans-I/O style of h11: it turns a typed wallet command
into the exact bytes to send and an answer's bytes into a typed outcome. Keys and the
current time are arguments, so the same inputs always give the same bytes and tests need
no clock, socket or database.

Two sides share a module per protocol:

- the Reelhouse side (`Dialect`): what the dispatcher calls to talk to an operator;
- the operator side (`OperatorDialect`): what an operator's wallet (the demo casino, the
  SDK) calls to check and read a callback it received.

Each protocol module ends with one `CodecDialect` named `DIALECT`: the descriptor that holds
every fact of that protocol (codec both sides, commands and their wire names, timeouts,
retry cadence, the credential it signs with, its currency bound, how a wallet's ledger names
our calls). Answers are read by one skeleton here (`decode_answer`), driven by each
protocol's `AnswerRules`; the registry finds the modules, so adding a dialect is adding its
module and its tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Generic, Protocol, TypeAlias, TypeVar

from reelhouse.domain import json_bounded
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES, MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.money import MAX_AMOUNT_DIGITS, MoneyError, currency, to_minor
from reelhouse.domain.numbers import plain_decimal_of
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    RefusalReason,
    TransStatus,
    WalletCommand,
    WalletOutcome,
)


@dataclass(frozen=True, slots=True)
class CallbackCredentials:
    """Where and how to reach one operator's wallet.

    `api_token` and `secret_key` are unused by SlotCity v4; the iGamingAce flavours sign
    with them (A with the API token, B with the secret key). `agent_id` is the operator's
    account name on the wire (B's `agentID`).
    """

    callback_url: str
    callback_token: str
    api_token: str | None = None
    secret_key: str | None = None
    agent_id: str | None = None

    def __repr__(self) -> str:
        # Secrets never reach a log line through an accidental repr().
        return f"CallbackCredentials(callback_url={self.callback_url!r}, ...)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a failed call (outcome unknown) of one command kind is retried, as data.

    `quick_retries` extra attempts follow the first, each after a delay drawn uniformly
    from [delay_min_ms, delay_max_ms] (0/0 means at once). When `durable` is true the call
    must still be retried after those, with the dispatcher's own long backoff, until the
    wallet acknowledges it: wins and cancels are never dropped.
    """

    quick_retries: int
    delay_min_ms: int
    delay_max_ms: int
    durable: bool

    def __post_init__(self) -> None:
        assert self.quick_retries >= 0
        assert 0 <= self.delay_min_ms <= self.delay_max_ms


class Dialect(Protocol):
    """The Reelhouse side of a wallet protocol."""

    @property
    def name(self) -> str: ...

    def encode_command(
        self, cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int
    ) -> HttpRequest:
        """The exact request for `cmd`, signed at `now_unix_s` where the protocol signs."""
        ...

    def decode_answer(self, cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
        """What the wallet said about `cmd`. Never raises on bad input: garbage is UNKNOWN."""
        ...

    def timeout_ms(self, kind: CommandKind) -> int: ...

    def quick_retries(self, kind: CommandKind) -> int: ...

    def retry_policy(self, kind: CommandKind) -> RetryPolicy: ...

    def supports(self, kind: CommandKind) -> bool:
        """Whether the protocol has this command. A round opens with BET_WIN where it is
        supported, and a stuck win or cancel is asked about with STATUS where that is."""
        ...


def headers_by_lower_name(headers: Mapping[str, str]) -> dict[str, str | None]:
    """Headers keyed by lower-case name (names are case-insensitive in HTTP).

    A header repeated with two different values is ambiguous (which copy did a proxy
    check?): it maps to None, which callers treat as absent. Starlette's `Headers.items()`
    yields every copy, so the ambiguity is visible here.
    """
    found: dict[str, str | None] = {}
    for name, value in headers.items():
        key = name.lower()
        found[key] = value if found.get(key, value) == value else None
    return found


@dataclass(frozen=True, slots=True)
class CallbackRejection:
    """A callback refused before any business logic ran, with the answer to send back.

    `result` is the protocol's code (a number, or text where the protocol's codes are text,
    as iGamingAce A's `statusCode`), `reason` is for the operator's logs only (it is never
    sent: it would help an attacker tune a forgery).
    """

    result: int | str
    reason: str
    answer: bytes


CallbackT_co = TypeVar("CallbackT_co", covariant=True)


class OperatorDialect(Protocol[CallbackT_co]):
    """The operator side of a wallet protocol: authenticate and read a callback."""

    @property
    def name(self) -> str: ...

    def verify_and_decode_callback(
        self,
        headers: Mapping[str, str],
        body: bytes,
        creds: CallbackCredentials,
        now_unix_s: int,
        *,
        require_signature: bool = True,
        path: str = "",
    ) -> CallbackT_co | CallbackRejection:
        """`path` is the request's path: protocols that name the operation in the URL
        (iGamingAce B: `.../Withdraw`) read it from there; the others ignore it."""
        ...


CallbackT = TypeVar("CallbackT")


class Verifier(Protocol[CallbackT_co]):
    def __call__(
        self,
        headers: Mapping[str, str],
        body: bytes,
        creds: CallbackCredentials,
        now_unix_s: int,
        *,
        require_signature: bool = True,
        path: str = "",
    ) -> CallbackT_co | CallbackRejection: ...


class Credential(StrEnum):
    """The key a dialect signs callbacks with. Every dialect also sends the callback URL its
    operator configured; the callback token authenticates SlotCity v4 and signs its [ours]
    headers."""

    CALLBACK_TOKEN = "callback_token"  # noqa: S105 - a credential's name, not a secret
    API_TOKEN = "api_token"  # noqa: S105
    SECRET_KEY = "secret_key"  # noqa: S105


StatusValue: TypeAlias = int | str
OutcomeRule: TypeAlias = tuple[OutcomeKind, RefusalReason | None]


class BadAnswer(ValueError):
    """An answer that does not have the contract's shape where it matters: outcome unknown."""


def no_echo_problem(_cmd: WalletCommand, _doc: Mapping[str, object]) -> str | None:
    return None


def no_ok_payload(_cmd: WalletCommand, _doc: Mapping[str, object]) -> TransStatus | None:
    return None


@dataclass(frozen=True, slots=True)
class AnswerRules:
    """How one protocol's answers read, as data and small functions: everything the one
    decode skeleton (`decode_answer` below) needs to know about a dialect.

    - `read_status`: the field that says what happened (`result`, `statusCode`, `code`),
      read FIRST and alone; raises BadAnswer when it is missing or of the wrong type.
    - `ok`: the status value meaning "done"; `outcomes`: what every other documented status
      means for each command (a pair not listed is UNKNOWN).
    - `label`: how a status is named in an outcome's detail (`result 31`, `code 6`).
    - `read_balance`: the raw balance value (None when absent); read only after the status.
    - `balance_trusted`: the statuses whose balance describes the player (an answer refused
      before the player was found may carry a meaningless one); None: all.
    - `echo_problem`: what is wrong with the ids or account the answer echoes (an answer to
      another call), or None.
    - `read_ok`: what an OK answer carries besides the balance (SlotCity's `status` answer
      carries `trans_status`); raises BadAnswer.
    """

    read_status: Callable[[Mapping[str, object]], StatusValue]
    ok: StatusValue
    outcomes: Mapping[tuple[CommandKind, StatusValue], OutcomeRule]
    label: Callable[[StatusValue], str]
    read_balance: Callable[[Mapping[str, object]], object]
    balance_trusted: frozenset[StatusValue] | None = None
    echo_problem: Callable[[WalletCommand, Mapping[str, object]], str | None] = no_echo_problem
    read_ok: Callable[[WalletCommand, Mapping[str, object]], TransStatus | None] = no_ok_payload


def decimal_ledger_id(call_id: int, _kind: CommandKind, _cancel_of_id: int | None) -> str:
    """A call's id as most wallets' ledgers hold it: the decimal text of the id sent."""
    return str(call_id)


def decimal_call_id(text: str) -> tuple[int, bool] | None:
    """The inverse of `decimal_ledger_id`: (the call's id, False), or None."""
    if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63:
        return int(text), False
    return None


@dataclass(frozen=True, slots=True)
class CodecDialect(Generic[CallbackT]):
    """One dialect as one descriptor: every fact of its protocol lives here, and the rest of
    Reelhouse asks it rather than testing the dialect's name.

    - `wire_names`: the commands the protocol has, each with its name on the wire (the
      command, path operation or `command` field); `kinds` are its keys;
    - `encode` and `answers`: the codec, Reelhouse side (the answer skeleton is shared);
    - `verify`: the codec, operator side (authenticate and read a callback);
    - `timeouts_ms`, `retries`: per command;
    - `signs_with`: the credential that signs callbacks (stored sealed);
    - `needs_agent_id`: whether callbacks name the operator's account (B's `agentID`);
    - `max_currency_exponent`: the most decimals its amounts can carry (None: any);
    - `ledger_id` / `call_id_of`: how a wallet's ledger names a call of ours, and back
      (reconciliation); a call id form no other dialect uses;
    - `cancels_wins`: whether its cancel may reverse a win (not only a bet);
    - `timestamped`: whether a callback carries its send time (a replay window is possible);
    - `signature_optional`: whether the contract lets a wallet skip the signature (SlotCity
      compares a token; the signature headers are Reelhouse's addition).
    """

    name: str
    encode: Callable[[WalletCommand, CallbackCredentials, int], HttpRequest]
    answers: AnswerRules
    timeouts_ms: Mapping[CommandKind, int]
    retries: Mapping[CommandKind, RetryPolicy]
    wire_names: Mapping[CommandKind, str]
    verify: Verifier[CallbackT]
    signs_with: Credential = Credential.CALLBACK_TOKEN
    needs_agent_id: bool = False
    max_currency_exponent: int | None = None
    ledger_id: Callable[[int, CommandKind, int | None], str] = decimal_ledger_id
    call_id_of: Callable[[str], tuple[int, bool] | None] = decimal_call_id
    cancels_wins: bool = True
    timestamped: bool = True
    signature_optional: bool = False
    kinds: frozenset[CommandKind] = field(init=False)

    def __post_init__(self) -> None:
        assert set(self.timeouts_ms) == set(self.retries) == set(self.wire_names), self.name
        object.__setattr__(self, "kinds", frozenset(self.wire_names))

    def encode_command(
        self, cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int
    ) -> HttpRequest:
        return self.encode(cmd, creds, now_unix_s)

    def decode_answer(self, cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
        return decode_answer(self.answers, self.wire_names, cmd, answer)

    def timeout_ms(self, kind: CommandKind) -> int:
        return self.timeouts_ms[kind]

    def quick_retries(self, kind: CommandKind) -> int:
        return self.retries[kind].quick_retries

    def retry_policy(self, kind: CommandKind) -> RetryPolicy:
        return self.retries[kind]

    def supports(self, kind: CommandKind) -> bool:
        return kind in self.kinds

    def verify_and_decode_callback(
        self,
        headers: Mapping[str, str],
        body: bytes,
        creds: CallbackCredentials,
        now_unix_s: int,
        *,
        require_signature: bool = True,
        path: str = "",
    ) -> CallbackT | CallbackRejection:
        return self.verify(
            headers, body, creds, now_unix_s, require_signature=require_signature, path=path
        )


# --- The one decode skeleton ------------------------------------------------------------
# Every dialect reads an answer in the same order, so the form of a balance can never decide
# whether money moved: the HTTP status, the size, the JSON, then the status field alone, then
# the echoed ids, and only then the balance, which is shown to the player and nothing else.


def decode_answer(
    rules: AnswerRules,
    wire_names: Mapping[CommandKind, str],
    cmd: WalletCommand,
    answer: HttpAnswer,
) -> WalletOutcome:
    """Map a wallet's answer to an outcome. Never raises: anything unexpected is UNKNOWN,
    with the reason and an excerpt in the detail."""
    if answer.status != 200:
        return unknown(f"HTTP {answer.status}", answer.body)
    if len(answer.body) > MAX_WALLET_ANSWER_BYTES:
        return unknown(f"answer of {len(answer.body)} bytes is over the limit", b"")
    try:
        doc = load_json_exact(answer.body)
        if not isinstance(doc, dict):
            raise BadAnswer("not an object")
        status = rules.read_status(doc)
    except (JsonError, BadAnswer) as exc:
        return unknown(f"malformed answer ({exc})", answer.body)
    problem = rules.echo_problem(cmd, doc)
    if problem is not None:
        # Not an answer to our call, whatever it says (a mixed-up or replayed answer).
        return unknown(problem, answer.body)
    trans_status = None
    detail = ""
    if status == rules.ok:
        kind: OutcomeKind = OutcomeKind.APPLIED
        refusal = None
        try:
            trans_status = rules.read_ok(cmd, doc)
        except BadAnswer as exc:
            return unknown(f"malformed OK answer ({exc})", answer.body)
    else:
        found = rules.outcomes.get((cmd.kind, status))
        if found is None:
            # A status outside the table is the wallet's own text: quoted, so that what users
            # are shown of the detail stops before it (domain/shown_detail.py).
            named = f"status {status!r}" if isinstance(status, str) else rules.label(status)
            return unknown(f"unexpected {named} to {wire_names[cmd.kind]}", answer.body)
        kind, refusal = found
        detail = rules.label(status)
    balance = None
    if rules.balance_trusted is None or status in rules.balance_trusted:
        balance = answer_balance(rules.read_balance(doc), cmd.currency)
    return WalletOutcome(
        kind,
        balance_minor=minor_of(balance),
        refusal=refusal,
        trans_status=trans_status,
        detail=noted(detail, balance),
    )


def unknown(what: str, body: bytes) -> WalletOutcome:
    excerpt = body[:200].decode("utf-8", "replace")
    return WalletOutcome(OutcomeKind.UNKNOWN, detail=f"{what}: {excerpt!r}" if body else what)


def object_at(doc: Mapping[str, object], key: str) -> Mapping[str, object]:
    """A member that should be an object, or an empty one (absent, null or another type):
    the fields read from it are then absent, and each reader says what that means."""
    value = doc.get(key)
    return value if isinstance(value, dict) else {}


# --- Exact JSON -------------------------------------------------------------------------
# Wallet protocols put money in JSON numbers, and signatures cover exact bytes. The standard
# library writes floats and reads them too, so dialects write through
# `dump_json` (fixed key order, compact, amounts as given decimal text) and read through
# `load_json_exact` (numbers with a fraction become Decimal, never float).

_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


@dataclass(frozen=True, slots=True)
class JsonNumber:
    """Decimal text written as a bare JSON number exactly as given: `12.30` stays `12.30`."""

    text: str

    def __post_init__(self) -> None:
        assert _JSON_NUMBER.fullmatch(self.text), f"not plain decimal text: {self.text!r}"


JsonValue: TypeAlias = "str | int | bool | JsonNumber | dict[str, JsonValue] | None"


def dump_json(value: JsonValue) -> str:
    """Compact JSON in the dicts' insertion order, ASCII only, so the bytes are reproducible."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, str):
        return json.dumps(value)
    members = (f"{json.dumps(key)}:{dump_json(item)}" for key, item in value.items())
    return "{" + ",".join(members) + "}"


# The one bounded reader (domain/json_bounded.py) reads wallet answers and callbacks too.
JsonError = json_bounded.JsonError

# The largest document either side reads: callers refuse larger ones first, with their own
# protocol's answer; this is the reader's own backstop.
_MAX_DOCUMENT_BYTES = max(MAX_REQUEST_BODY_BYTES, MAX_WALLET_ANSWER_BYTES)


def load_json_exact(body: bytes) -> object:
    """Parse UTF-8 JSON within the bounds of `json_bounded`: fractions as Decimal, no
    NaN/Infinity, no duplicate keys, bounded depth and numbers. Raises JsonError."""
    return json_bounded.loads(body, _MAX_DOCUMENT_BYTES)


# --- Balances in answers ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerBalance:
    """A balance a wallet's answer carried: `minor` when usable, else None with `note`
    saying why it was dropped. A usable balance that was rounded says so in `note` too."""

    minor: int | None
    note: str = ""


def answer_balance(value: object, currency_code: str) -> AnswerBalance | None:
    """Read the balance of a wallet's answer (None: the answer carried none, or null).

    The answer's status says what happened to the money; the balance only tells the player
    what they have, so its form never makes an outcome unknown:

    - a JSON number (int or Decimal from the bounded reader), or a number sent as JSON text
      (`"49.30"`, plain decimal notation only), is read as a number;
    - it is rounded to the currency's minor unit, half to even. Wallets that keep money in
      binary doubles answer `49.30000000000001` or `49.29999999999999`: the nearest minor
      unit is the amount they meant, whichever way ties go. A wallet that really holds
      sub-unit money (`100.005`) is shown its nearest minor unit; half to even (the IEEE 754
      and banker's rule) rounds ties up and down equally often, so displayed balances carry
      no systematic bias either way. The rounding is for display only: no money decision
      reads a wallet's balance;
    - beyond MAX_AMOUNT_MINOR either way, or not a number at all (a boolean, an object,
      text that is not plain decimal): dropped, with a note saying why
      (docs/wallet-callbacks.md). A number beyond the JSON reader's own bounds never gets
      here: the document is unreadable and the call's outcome unknown;
    - a negative balance within range is kept as sent: a wallet may run credit accounts,
      and it, not Reelhouse, decides whether a bet is covered.
    """
    if value is None:
        return None
    number: int | Decimal | None = None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        number = plain_decimal_of(value)
    if number is None:
        return AnswerBalance(None, f"balance ignored: not a number ({type(value).__name__})")
    try:
        cur = currency(currency_code)
        if isinstance(number, Decimal) and not number.is_zero():
            # Magnitude first: quantizing a number with more digits than the decimal
            # context's precision raises instead of answering.
            if number.adjusted() + cur.exponent > MAX_AMOUNT_DIGITS:
                raise MoneyError("amount out of range")
            rounded = number.quantize(Decimal(1).scaleb(-cur.exponent), rounding=ROUND_HALF_EVEN)
            minor = to_minor(rounded, cur)
            if rounded != number:
                return AnswerBalance(minor, f"balance {number} rounded to {rounded}")
            return AnswerBalance(minor)
        return AnswerBalance(to_minor(number, cur))
    except MoneyError as exc:
        return AnswerBalance(None, f"balance ignored: {exc}")


def minor_of(balance: AnswerBalance | None) -> int | None:
    return balance.minor if balance is not None else None


def noted(detail: str, balance: AnswerBalance | None) -> str:
    """An outcome's detail with the note about its balance (dropped or rounded), if any."""
    note = balance.note if balance is not None else ""
    return f"{detail}; {note}" if detail and note else detail or note
