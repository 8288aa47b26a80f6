"""`SupplierWallet`: the supplier's client of the aggregator's wallet (Hub88 supplier API).

It builds each wallet call as the contract describes, signs the exact bytes it sends, and
reads the answer with its size bounded. Every call returns a `WalletReply`: what was sent
(`SentRequest`, bytes and signature, so `resend` can repeat it byte for byte), the raw
answer, and the parsed answer, or why there is none (a network failure, an HTTP status
other than 200, an answer that is not a wallet answer: the contract counts these alike).

UUIDs (`request_uuid`, `transaction_uuid`) are generated unless given. The round logic of
a real supplier (bet, then win; roll back a bet that failed; retry wins and rollbacks until
a definitive status) is in `rounds.py`, reached as `SupplierWallet.play_round`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.provider_kit.hub88_supplier.keys import SIGNATURE_HEADER, sign_body
from reelhouse.provider_kit.hub88_supplier.rounds import RetryPolicy, RoundOutcome, play_round
from reelhouse.provider_kit.hub88_supplier.wire import (
    BALANCE_PATH,
    BET_PATH,
    ROLLBACK_PATH,
    WIN_PATH,
    AnswerProblem,
    JsonDoc,
    WalletAnswer,
    encode_body,
    parse_wallet_answer,
)

# How long the supplier waits for one wallet answer (not in the contract): a wallet call is
# on the player's path, and a late answer is a network failure for the round logic.
DEFAULT_TIMEOUT_S = 10.0


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class SentRequest:
    """One wallet call as sent: its path under the wallet's base URL, the exact body bytes
    and their signature. Sending it again (`SupplierWallet.resend`) repeats it exactly."""

    path: str
    body: bytes
    signature: str

    def document(self) -> JsonDoc:
        doc = json.loads(self.body)
        assert isinstance(doc, dict)
        return doc


@dataclass(frozen=True, slots=True)
class WalletReply:
    """What came back for one sent request. `answer` is None when there was no usable
    answer; `failure` then says why. `http_status` is None when nothing came back."""

    request: SentRequest
    answer: WalletAnswer | None
    http_status: int | None
    body: bytes
    failure: str | None = None

    @property
    def status(self) -> str | None:
        return None if self.answer is None else self.answer.status

    @property
    def ok(self) -> bool:
        return self.answer is not None and self.answer.ok

    @property
    def balance(self) -> int | None:
        return None if self.answer is None else self.answer.balance


class SupplierWallet:
    """The aggregator's wallet as the supplier calls it.

    `base_url` is the wallet's root as the aggregator gave it (for Reelhouse
    `http://host:port/upstream/<provider>`); the contract's paths
    (`/supplier/generic/v2/...`) are appended. `private_key` is the supplier's: the
    aggregator verifies with its public half. `http` is the caller's client (its pool,
    its transport: tests may pass an `httpx.MockTransport`); it is safe to share between
    threads, and so is this object.
    """

    def __init__(
        self,
        base_url: str,
        private_key: RSAPrivateKey,
        http: httpx.Client,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        make_uuid: Callable[[], str] = new_uuid,
    ) -> None:
        assert base_url.startswith(("http://", "https://")), base_url
        self.base_url = base_url.rstrip("/")
        self._key = private_key
        self._http = http
        self._timeout_s = timeout_s
        self.make_uuid = make_uuid

    # --- The four calls --------------------------------------------------------------------

    def balance(
        self,
        token: str,
        game_code: str | None,
        *,
        user: str | None = None,
        request_uuid: str | None = None,
    ) -> WalletReply:
        doc: JsonDoc = {}
        if user is not None:
            doc["supplier_user"] = user
        doc["token"] = token
        doc["request_uuid"] = request_uuid or self.make_uuid()
        doc["game_code"] = game_code
        return self.send(BALANCE_PATH, doc)

    def bet(
        self,
        token: str,
        user: str,
        game_code: str,
        round: str,  # the contract's field name
        amount_x100000: int,
        currency: str,
        *,
        round_closed: bool = False,
        transaction_uuid: str | None = None,
        is_free: bool = False,
        reward_uuid: str | None = None,
        bet: str | None = None,
        meta: JsonDoc | None = None,
        request_uuid: str | None = None,
    ) -> WalletReply:
        doc = self._money_doc(
            token, user, game_code, round, amount_x100000, currency, round_closed,
            transaction_uuid, is_free, reward_uuid, request_uuid,
        )  # fmt: skip
        if bet is not None:
            doc["bet"] = bet
        if meta is not None:
            doc["meta"] = meta
        return self.send(BET_PATH, doc)

    def win(
        self,
        token: str,
        user: str,
        game_code: str,
        round: str,  # the contract's field name
        amount_x100000: int,
        currency: str,
        reference_transaction_uuid: str | None,
        *,
        round_closed: bool = True,
        transaction_uuid: str | None = None,
        is_free: bool = False,
        reward_uuid: str | None = None,
        is_supplier_promo: bool = False,
        request_uuid: str | None = None,
    ) -> WalletReply:
        """A win for the bet `reference_transaction_uuid`; a supplier's promotion
        (`is_supplier_promo`) may pay one with no bet (reference None)."""
        assert reference_transaction_uuid is not None or is_supplier_promo
        doc = self._money_doc(
            token, user, game_code, round, amount_x100000, currency, round_closed,
            transaction_uuid, is_free, reward_uuid, request_uuid,
        )  # fmt: skip
        if reference_transaction_uuid is not None:
            doc["reference_transaction_uuid"] = reference_transaction_uuid
        if is_supplier_promo:
            doc["is_supplier_promo"] = True
        return self.send(WIN_PATH, doc)

    def rollback(
        self,
        token: str,
        game_code: str,
        round: str,  # the contract's field name
        reference_transaction_uuid: str,
        *,
        transaction_uuid: str | None = None,
        request_uuid: str | None = None,
        supplier_user: str | None = None,
        round_closed: bool | None = None,
    ) -> WalletReply:
        """Reverse `reference_transaction_uuid`. The contract's rollback has six fields and
        no amount or currency (the aggregator knows what the reference moved); those six
        are sent, and `supplier_user` and `round_closed` only when given (some suppliers
        add them: an aggregator must accept them)."""
        doc: JsonDoc = {}
        if supplier_user is not None:
            doc["supplier_user"] = supplier_user
        doc["transaction_uuid"] = transaction_uuid or self.make_uuid()
        doc["token"] = token
        if round_closed is not None:
            doc["round_closed"] = round_closed
        doc["round"] = round
        doc["request_uuid"] = request_uuid or self.make_uuid()
        doc["reference_transaction_uuid"] = reference_transaction_uuid
        doc["game_code"] = game_code
        return self.send(ROLLBACK_PATH, doc)

    def _money_doc(
        self,
        token: str,
        user: str,
        game_code: str,
        round_id: str,
        amount_x100000: int,
        currency: str,
        round_closed: bool,
        transaction_uuid: str | None,
        is_free: bool,
        reward_uuid: str | None,
        request_uuid: str | None,
    ) -> JsonDoc:
        # The order of the contract's own sample bet; `reward_uuid` is null when there is
        # none, as in that sample (an aggregator must read null as absent).
        assert isinstance(amount_x100000, int) and amount_x100000 >= 0
        return {
            "supplier_user": user,
            "transaction_uuid": transaction_uuid or self.make_uuid(),
            "token": token,
            "round_closed": round_closed,
            "round": round_id,
            "reward_uuid": reward_uuid,
            "request_uuid": request_uuid or self.make_uuid(),
            "is_free": is_free,
            "game_code": game_code,
            "currency": currency,
            "amount": amount_x100000,
        }

    # --- Sending ---------------------------------------------------------------------------

    def send(self, path: str, doc: JsonDoc) -> WalletReply:
        """Encode, sign and send one wallet call (any document: tests send odd ones)."""
        body = encode_body(doc)
        return self.resend(SentRequest(path, body, sign_body(body, self._key)))

    def resend(self, previous: SentRequest | WalletReply) -> WalletReply:
        """Send a request again, byte for byte (same request_uuid, same signature)."""
        request = previous.request if isinstance(previous, WalletReply) else previous
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: request.signature}
        try:
            with self._http.stream(
                "POST",
                self.base_url + request.path,
                content=request.body,
                headers=headers,
                timeout=self._timeout_s,
            ) as response:
                body = _read_bounded(response)
                status_code = response.status_code
        except httpx.TransportError as exc:
            # Timeouts, refused connections, resets, DNS: the contract's network failures.
            return WalletReply(request, None, None, b"", f"network failure: {exc!r}"[:300])
        if body is None:
            return WalletReply(request, None, status_code, b"", "answer over the size bound")
        return _reply_of(request, status_code, body)

    def renewed(self, previous: SentRequest) -> SentRequest:
        """The same call under a new request_uuid (same transaction_uuid and content): how
        a call is retried after an answer the aggregator has already recorded for that
        request_uuid (it would give the same answer again)."""
        doc = previous.document()
        doc["request_uuid"] = self.make_uuid()
        body = encode_body(doc)
        return SentRequest(previous.path, body, sign_body(body, self._key))

    def play_round(
        self,
        token: str,
        user: str,
        game_code: str,
        currency: str,
        bet_x100000: int,
        win_x100000: int,
        *,
        round_id: str | None = None,
        bet_transaction_uuid: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> RoundOutcome:
        """Bet, then win, or roll back a failed bet, retrying wins and rollbacks until a
        definitive status: the contract's round, as `rounds.play_round` plays it."""
        return play_round(
            self, token, user, game_code, currency, bet_x100000, win_x100000,
            round_id=round_id, bet_transaction_uuid=bet_transaction_uuid, retry=retry,
        )  # fmt: skip


def _read_bounded(response: httpx.Response) -> bytes | None:
    """The whole answer, or None past MAX_WALLET_ANSWER_BYTES (read no further)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_WALLET_ANSWER_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _reply_of(request: SentRequest, status_code: int, body: bytes) -> WalletReply:
    # The contract answers logical errors with HTTP 200 and a status (inferred); anything
    # else (a 502 from a proxy, a 500 page) is no answer, as a network failure is.
    if status_code != 200:
        return WalletReply(request, None, status_code, body, f"HTTP {status_code}")
    try:
        answer = parse_wallet_answer(body)
    except AnswerProblem as exc:
        return WalletReply(request, None, status_code, body, f"unusable answer: {exc}")
    sent_uuid = request.document().get("request_uuid")
    if answer.request_uuid is not None and answer.request_uuid != sent_uuid:
        # An answer about another request is not this one's answer.
        return WalletReply(request, None, status_code, body, "answer echoes another request")
    return WalletReply(request, answer, status_code, body)
