"""The suite's side of the wire: Reelhouse's own codec for the dialect encodes each command,
httpx sends it with the dialect's timeout, the same codec decodes the answer. So what the
suite sees is exactly what Reelhouse would see in production."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from reelhouse.dialects.base import CallbackCredentials, CodecDialect
from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.clock import Clock
from reelhouse.domain.wallet import (
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    WalletCommand,
    WalletEndpoint,
    WalletOutcome,
)
from reelhouse.operator_kit.conformance.record import Outcome, Received, Sent

# Headers whose value is a secret: shown in reports by their last characters only.
_SECRET_HEADERS = frozenset({"callback-token", "authorization"})
_SHOWN_SECRET_CHARS = 4
_EXCERPT_CHARS = 4000  # a report shows this much of a body; nothing legitimate is longer


@dataclass(frozen=True, slots=True)
class Target:
    """The wallet under test and the funded test account it provides.

    `credentials.callback_url` is where callbacks go (iGamingAce B: the base URL).
    `signatures_checked` is False for a SlotCity wallet that compares the Callback-Token
    only (allowed: the signature headers are Reelhouse's addition), which skips the
    scenarios about tampered signatures and stale timestamps.
    """

    credentials: CallbackCredentials
    dialect: str
    account: str
    currency: str
    signatures_checked: bool = True

    @property
    def url(self) -> str:
        return self.credentials.callback_url

    @classmethod
    def of_endpoint(cls, endpoint: WalletEndpoint, account: str, currency: str) -> Target:
        """An operator account's configured wallet, signed with its stored credentials."""
        creds = CallbackCredentials(
            endpoint.callback_url,
            endpoint.callback_token,
            endpoint.api_token,
            endpoint.secret_key,
            endpoint.agent_id,
        )
        return cls(creds, endpoint.dialect, account, currency)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its answer, decoded."""

    sent: Sent
    received: Received
    outcome: WalletOutcome
    elapsed_ms: int


def mask(name: str, value: str) -> str:
    if name.lower() not in _SECRET_HEADERS:
        return value
    return "..." + value[-_SHOWN_SECRET_CHARS:] if len(value) > 2 * _SHOWN_SECRET_CHARS else "..."


def _text(body: bytes) -> str:
    return body[:_EXCERPT_CHARS].decode("utf-8", "replace")


def outcome_record(outcome: WalletOutcome) -> Outcome:
    return Outcome(
        kind=outcome.kind.value,
        balance_minor=outcome.balance_minor,
        refusal=outcome.refusal.value if outcome.refusal else None,
        trans_status=outcome.trans_status.value if outcome.trans_status else None,
        detail=outcome.detail,
    )


class Wire:
    def __init__(
        self,
        target: Target,
        http: httpx.Client,
        clock: Clock,
        timer: Callable[[], float],
    ) -> None:
        self.target = target
        self.dialect: CodecDialect[Any] = get_dialect(target.dialect)
        self.http = http
        self.clock = clock
        self.timer = timer

    def now_s(self) -> int:
        return int(self.clock.now().timestamp())

    def encode(
        self,
        cmd: WalletCommand,
        *,
        credentials: CallbackCredentials | None = None,
        at_unix_s: int | None = None,
    ) -> HttpRequest:
        creds = credentials or self.target.credentials
        return self.dialect.encode_command(
            cmd, creds, self.now_s() if at_unix_s is None else at_unix_s
        )

    def send(self, cmd: WalletCommand, request: HttpRequest) -> Exchange:
        """Post the exact bytes; a timeout or a connection error is an UNKNOWN outcome, as
        it is for Reelhouse."""
        sent = Sent(
            request.method,
            request.url,
            [(name, mask(name, value)) for name, value in request.headers],
            _text(request.body),
        )
        started = self.timer()
        try:
            response = self.http.request(
                request.method,
                request.url,
                content=request.body,
                headers=list(request.headers),
                timeout=request.timeout_ms / 1000,
            )
        except httpx.HTTPError as exc:
            elapsed = int((self.timer() - started) * 1000)
            error = f"{type(exc).__name__}: {exc}"
            outcome = WalletOutcome(OutcomeKind.UNKNOWN, detail=f"no answer ({error})")
            return Exchange(sent, Received(None, "", error), outcome, elapsed)
        elapsed = int((self.timer() - started) * 1000)
        answer = HttpAnswer(response.status_code, response.content)
        outcome = self.dialect.decode_answer(cmd, answer)
        return Exchange(sent, Received(answer.status, _text(answer.body)), outcome, elapsed)


# 33 random bits above a 20-bit counter: a million ids per run, 53 bits in all.
_RANDOM_BITS = 33
_COUNTER_BITS = 20


class IdSource:
    """Transaction, round and session ids for one run: random high bits so two runs against
    the same wallet never reuse an id (a wallet remembers ids forever), then a counter.

    Ids stay below 2^53, like the platform's own, so a wallet that reads JSON numbers as
    doubles (any JavaScript backend) sees them exactly and its signatures still match."""

    def __init__(self, base: int | None = None) -> None:
        self._next = (secrets.randbits(_RANDOM_BITS) << _COUNTER_BITS) if base is None else base
        self._lock = threading.Lock()

    def new(self) -> int:
        with self._lock:
            self._next += 1
            assert self._next < 2**53
            return self._next
