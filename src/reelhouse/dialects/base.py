"""What every wallet dialect offers, whichever protocol it speaks.

A dialect is a pure codec in the sans-I/O style of h11: it turns a typed wallet command
into the exact bytes to send and an answer's bytes into a typed outcome. Keys and the
current time are arguments, so the same inputs always give the same bytes and tests need
no clock, socket or database.

Two sides share a module per protocol:

- the Reelhouse side (`Dialect`): what the dispatcher calls to talk to an operator;
- the operator side (`OperatorDialect`): what an operator's wallet (the demo casino, the
  SDK) calls to check and read a callback it received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeAlias, TypeVar

from reelhouse.domain import json_bounded
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES, MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.money import MoneyError, currency, to_minor
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
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


@dataclass(frozen=True, slots=True)
class CodecDialect(Generic[CallbackT]):
    """One dialect as data: a module's pure functions and tables behind both `Dialect`
    protocols, so each protocol module states only what differs (its codec, its tables,
    and which credential verifies a callback)."""

    name: str
    encode: Callable[[WalletCommand, CallbackCredentials, int], HttpRequest]
    decode: Callable[[WalletCommand, HttpAnswer], WalletOutcome]
    timeouts_ms: Mapping[CommandKind, int]
    retries: Mapping[CommandKind, RetryPolicy]
    kinds: frozenset[CommandKind]  # the commands this protocol has on the wire
    verify: Verifier[CallbackT]

    def encode_command(
        self, cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int
    ) -> HttpRequest:
        return self.encode(cmd, creds, now_unix_s)

    def decode_answer(self, cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
        return self.decode(cmd, answer)

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
    saying why it was dropped."""

    minor: int | None
    note: str = ""


def answer_balance(value: int | Decimal, currency_code: str) -> AnswerBalance:
    """Read a balance (a JSON number) from a wallet's answer.

    The answer's status says what happened to the money; the balance only tells the player
    what they have. So a balance beyond MAX_AMOUNT_MINOR either way, or more precise than the
    currency, does not make the call's outcome unknown: it is dropped, the outcome carries no
    balance and its detail says why (docs/wallet-callbacks.md). A negative balance within
    range is kept as sent: a wallet may run credit accounts, and it, not Reelhouse, decides
    whether a bet is covered. A balance that is not a number at all is a malformed answer:
    the callers check that first.
    """
    try:
        return AnswerBalance(to_minor(value, currency(currency_code)))
    except MoneyError as exc:
        return AnswerBalance(None, f"balance ignored: {exc}")


def minor_of(balance: AnswerBalance | None) -> int | None:
    return balance.minor if balance is not None else None


def noted(detail: str, balance: AnswerBalance | None) -> str:
    """An outcome's detail with the reason a balance was dropped, if one was."""
    note = balance.note if balance is not None else ""
    return f"{detail}; {note}" if detail and note else detail or note
