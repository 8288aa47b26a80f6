"""A tiny in-test aggregator for the demo supplier: an `httpx.MockTransport` handler that
checks each wallet call with Reelhouse's own Hub88 codec (so every request the kit sends
must decode), applies it to a per-token balance in minor units with the contract's
idempotency rules, and answers with the codec's encoder. Faults are scripted per call kind:

- "lost_before": the call never arrives (a connection error), nothing applied;
- "lost_after": applied, then the answer is lost (a read timeout);
- "http_502": a proxy's 502, nothing applied;
- "unknown": answered RS_ERROR_UNKNOWN, nothing applied;
- "limit_reached": answered RS_ERROR_LIMIT_REACHED (a final refusal), nothing applied.
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field

import httpx

from reelhouse.providers import hub88
from reelhouse.providers.base import AnswerStatus, CallKind, UpstreamAnswer, UpstreamCall
from tests.providers.hub88_samples import VERIFY_KEY

PREFIX = "/upstream/demo-hub88"
BASE_URL = "http://aggregator.test" + PREFIX
CHAOS = ("lost_before", "lost_after", "http_502", "unknown")


@dataclass
class Account:
    user: str
    wire_currency: str
    balance_minor: int


@dataclass
class Recorded:
    """One applied transaction: its content (to spot a conflicting duplicate) and status."""

    call: UpstreamCall
    answer_status: AnswerStatus
    rolled_back: bool = False


@dataclass
class FakeAggregator:
    accounts: dict[str, Account] = field(default_factory=dict)
    transactions: dict[str, Recorded] = field(default_factory=dict)
    early_rollbacks: set[str] = field(default_factory=set)  # bets rolled back before arrival
    answers_by_request: dict[str, bytes] = field(default_factory=dict)
    faults: dict[CallKind, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    calls: list[UpstreamCall] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Unscripted faults: with probability `chaos_rate`, one of CHAOS drawn from `chaos_rng`.
    chaos_rng: random.Random | None = None
    chaos_rate: float = 0.0

    def open(self, token: str, user: str, wire_currency: str, balance_minor: int) -> None:
        self.accounts[token] = Account(user, wire_currency, balance_minor)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            return self._handle(request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        assert request.url.path.startswith(PREFIX)
        decoded = hub88.decode_call(request.url.path, dict(request.headers), body, VERIFY_KEY)
        if not isinstance(decoded, UpstreamCall):
            self.refusals.append(decoded.reason)
            return httpx.Response(200, content=hub88.answer_for_refusal(decoded))
        call = decoded
        fault = self.faults[call.kind].popleft() if self.faults[call.kind] else None
        chaos = self.chaos_rng
        if fault is None and chaos is not None and chaos.random() < self.chaos_rate:
            fault = chaos.choice(CHAOS)
        if fault == "lost_before":
            raise httpx.ConnectError("connection refused", request=request)
        if fault == "http_502":
            return httpx.Response(502, content=b"<html>bad gateway</html>")
        if fault in ("unknown", "limit_reached"):
            status = {"unknown": AnswerStatus.UNKNOWN_ERROR}.get(fault, AnswerStatus.LIMIT_REACHED)
            answer = UpstreamAnswer(status, call.request_id)
            return httpx.Response(200, content=hub88.encode_answer(answer))
        self.calls.append(call)
        cached = self.answers_by_request.get(call.request_id)
        if cached is not None and call.kind is not CallKind.BALANCE:
            content = cached
        else:
            content = hub88.encode_answer(self._apply(call))
            self.answers_by_request[call.request_id] = content
        if fault == "lost_after":
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(200, content=content)

    def _apply(self, call: UpstreamCall) -> UpstreamAnswer:
        account = self.accounts.get(call.token)
        if account is None:
            return UpstreamAnswer(AnswerStatus.INVALID_TOKEN, call.request_id)

        def answer(status: AnswerStatus) -> UpstreamAnswer:
            return UpstreamAnswer(
                status,
                call.request_id,
                account.user,
                account.wire_currency,
                account.balance_minor,
            )

        if call.kind is CallKind.BALANCE:
            return answer(AnswerStatus.OK)
        assert call.transaction_id is not None
        known = self.transactions.get(call.transaction_id)
        if known is not None:
            same = _content(known.call) == _content(call)
            return answer(known.answer_status if same else AnswerStatus.DUPLICATE_TRANSACTION)
        status = self._move(call, account)
        if status is not AnswerStatus.NOT_ENOUGH_MONEY:
            self.transactions[call.transaction_id] = Recorded(call, status)
        return answer(status)

    def _move(self, call: UpstreamCall, account: Account) -> AnswerStatus:
        if call.kind is CallKind.BET:
            assert call.amount_minor is not None
            if call.transaction_id in self.early_rollbacks:
                return AnswerStatus.TRANSACTION_ROLLED_BACK
            if account.balance_minor < call.amount_minor:
                return AnswerStatus.NOT_ENOUGH_MONEY
            account.balance_minor -= call.amount_minor
            return AnswerStatus.OK
        if call.kind is CallKind.WIN:
            assert call.amount_minor is not None
            if call.reference_transaction_id is not None:
                bet = self.transactions.get(call.reference_transaction_id)
                if bet is None or bet.call.kind is not CallKind.BET:
                    return AnswerStatus.TRANSACTION_DOES_NOT_EXIST
                if bet.rolled_back:
                    return AnswerStatus.TRANSACTION_ROLLED_BACK
            elif not call.is_promo:
                return AnswerStatus.WRONG_SYNTAX
            account.balance_minor += call.amount_minor
            return AnswerStatus.OK
        assert call.reference_transaction_id is not None
        target = self.transactions.get(call.reference_transaction_id)
        if target is None:
            # Recorded, so the bet is refused if it arrives later.
            self.early_rollbacks.add(call.reference_transaction_id)
            return AnswerStatus.OK
        if not target.rolled_back:
            assert target.call.amount_minor is not None
            target.rolled_back = True
            if target.answer_status is AnswerStatus.OK:
                account.balance_minor += target.call.amount_minor
        return AnswerStatus.OK

    def balance_of(self, token: str) -> int:
        return self.accounts[token].balance_minor

    def fail_next(self, kind: CallKind, *faults: str) -> None:
        self.faults[kind].extend(faults)


def _content(call: UpstreamCall) -> tuple[object, ...]:
    return (
        call.kind,
        call.token,
        call.round_id,
        call.amount_minor,
        call.currency,
        call.reference_transaction_id,
        call.game_code,
    )
