"""The Hub88 supplier API, with Reelhouse in Hub88's place (the aggregator): the wallet calls a
supplier makes, and the one descriptor `HUB88` that the rest of Reelhouse asks.

Contract: docs/providers.md ("Hub88 supplier API"). The protocol's facts are in
`hub88_wire`, Reelhouse's requests to a supplier in `hub88_games`; this module reads a
supplier's four wallet calls (`/supplier/generic/v2/user/balance`, `transaction/bet`,
`transaction/win`, `transaction/rollback`) and writes Reelhouse's answers
`{user, status, request_uuid, currency, balance}`.

A call is authenticated before it is read: body size, path, the signature header (present,
bounded), the RSA signature over the raw bytes; only then the bounded JSON and its fields.
Refusals: a body that is not one JSON object, or a required field that is missing,
RS_ERROR_WRONG_SYNTAX; a field of the wrong type or outside its bounds (an amount finer than
the currency's minor unit or beyond MAX_AMOUNT_MINOR included), RS_ERROR_WRONG_TYPES; a
currency Reelhouse does not hold, RS_ERROR_WRONG_CURRENCY. Unknown fields are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from reelhouse.dialects.base import (
    JsonError,
    JsonValue,
    dump_json,
    headers_by_lower_name,
    load_json_exact,
)
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES
from reelhouse.domain.money import MoneyError
from reelhouse.providers.base import (
    UPSTREAM_ID_MAX_CHARS,
    UPSTREAM_NAME_MAX_CHARS,
    UPSTREAM_TOKEN_MAX_CHARS,
    AnswerStatus,
    CallKind,
    UpstreamAnswer,
    UpstreamCall,
    UpstreamProtocol,
    UpstreamRefusal,
)
from reelhouse.providers.hub88_games import (
    decode_catalogue,
    decode_grant,
    decode_launch,
    decode_offers,
    encode_catalogue,
    encode_grant,
    encode_launch,
    encode_offers,
)
from reelhouse.providers.hub88_wire import (
    MAX_CURRENCY_CHARS,
    MAX_PATH_CHARS,
    NAME,
    SIGNATURE_HEADER,
    WALLET_PATHS,
    WIRE_STATUS,
    Refused,
    currency_mapping,
    flag,
    load_sign_key,
    load_verify_key,
    minor_to_wire,
    optional_text,
    required_integer,
    required_text,
    sign_answer,
    signature_problem,
    wire_money,
    wire_to_minor,
)

# --- Wallet calls: supplier -> Reelhouse ----------------------------------------------------


def wallet_kind_of(path: str) -> CallKind | None:
    """The call a request path names. A deployment may mount the paths under a prefix."""
    if len(path) > MAX_PATH_CHARS:
        return None
    for wire_path, kind in WALLET_PATHS.items():
        if path.endswith(wire_path):
            return kind
    return None


def decode_call(
    path: str, headers: Mapping[str, str], body: bytes, key: RSAPublicKey
) -> UpstreamCall | UpstreamRefusal:
    """Authenticate a supplier's wallet call, then read it. Never raises on bad input.

    Order: body size, path, signature header (present, bounded), the signature over the raw
    bytes, and only then the JSON (bounded by json_bounded) and its fields.
    """
    if len(body) > MAX_REQUEST_BODY_BYTES:
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, f"body of {len(body)} bytes")
    kind = wallet_kind_of(path)
    if kind is None:
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, "not a wallet path")
    header = headers_by_lower_name(headers).get(SIGNATURE_HEADER.lower())
    if header is None:
        return UpstreamRefusal(AnswerStatus.INVALID_SIGNATURE, "missing or repeated signature")
    problem = signature_problem(body, header, key)
    if problem is not None:
        return UpstreamRefusal(AnswerStatus.INVALID_SIGNATURE, problem)
    try:
        doc = load_json_exact(body)
    except JsonError as exc:
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, f"malformed JSON: {exc}")
    if not isinstance(doc, dict):
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, "body is not an object")
    try:
        request_id = required_text(doc, "request_uuid", UPSTREAM_ID_MAX_CHARS)
    except Refused as exc:
        return UpstreamRefusal(exc.status, exc.reason)
    try:
        return _READERS[kind](doc, request_id)
    except Refused as exc:
        return UpstreamRefusal(exc.status, exc.reason, request_id)


def _read_balance(doc: Mapping[str, object], request_id: str) -> UpstreamCall:
    return UpstreamCall(
        CallKind.BALANCE,
        request_id,
        required_text(doc, "token", UPSTREAM_TOKEN_MAX_CHARS),
        supplier_user=optional_text(doc, "supplier_user", UPSTREAM_ID_MAX_CHARS),
        game_code=optional_text(doc, "game_code", UPSTREAM_ID_MAX_CHARS),
    )


def _read_bet(doc: Mapping[str, object], request_id: str) -> UpstreamCall:
    return _read_money(CallKind.BET, doc, request_id, reference=None, promo=False)


def _read_win(doc: Mapping[str, object], request_id: str) -> UpstreamCall:
    promo = flag(doc, "is_supplier_promo")
    # A supplier's promotion may pay a win with no bet: the reference is then optional.
    if promo:
        reference = optional_text(doc, "reference_transaction_uuid", UPSTREAM_ID_MAX_CHARS)
    else:
        reference = required_text(doc, "reference_transaction_uuid", UPSTREAM_ID_MAX_CHARS)
    return _read_money(CallKind.WIN, doc, request_id, reference=reference, promo=promo)


def _read_money(
    kind: CallKind,
    doc: Mapping[str, object],
    request_id: str,
    *,
    reference: str | None,
    promo: bool,
) -> UpstreamCall:
    # Ids first, money last: a call missing an id is refused the same way whatever its amount.
    token = required_text(doc, "token", UPSTREAM_TOKEN_MAX_CHARS)
    transaction_id = required_text(doc, "transaction_uuid", UPSTREAM_ID_MAX_CHARS)
    round_id = required_text(doc, "round", UPSTREAM_ID_MAX_CHARS)
    wire_currency = required_text(doc, "currency", MAX_CURRENCY_CHARS)
    wire_amount = required_integer(doc, "amount")
    mapping = currency_mapping(wire_currency)
    if mapping.code is None:
        raise Refused(AnswerStatus.WRONG_CURRENCY, mapping.refused)
    try:
        amount_minor = wire_to_minor(wire_amount, wire_currency)
    except MoneyError as exc:
        raise Refused(AnswerStatus.WRONG_TYPES, f"amount: {exc}") from exc
    return UpstreamCall(
        kind,
        request_id,
        token,
        supplier_user=optional_text(doc, "supplier_user", UPSTREAM_ID_MAX_CHARS),
        game_code=optional_text(doc, "game_code", UPSTREAM_ID_MAX_CHARS),
        transaction_id=transaction_id,
        reference_transaction_id=reference,
        round_id=round_id,
        round_closed=flag(doc, "round_closed"),
        currency=mapping.code,
        wire_currency=wire_currency,
        amount_minor=amount_minor,
        is_free=flag(doc, "is_free"),
        reward_id=optional_text(doc, "reward_uuid", UPSTREAM_ID_MAX_CHARS),
        is_promo=promo,
        bet_label=optional_text(doc, "bet", UPSTREAM_NAME_MAX_CHARS),
    )


def _read_rollback(doc: Mapping[str, object], request_id: str) -> UpstreamCall:
    # No amount and no currency: a rollback reverses whatever its reference moved.
    return UpstreamCall(
        CallKind.CANCEL,
        request_id,
        required_text(doc, "token", UPSTREAM_TOKEN_MAX_CHARS),
        supplier_user=optional_text(doc, "supplier_user", UPSTREAM_ID_MAX_CHARS),
        game_code=optional_text(doc, "game_code", UPSTREAM_ID_MAX_CHARS),
        transaction_id=required_text(doc, "transaction_uuid", UPSTREAM_ID_MAX_CHARS),
        reference_transaction_id=required_text(
            doc, "reference_transaction_uuid", UPSTREAM_ID_MAX_CHARS
        ),
        round_id=optional_text(doc, "round", UPSTREAM_ID_MAX_CHARS),
        round_closed=flag(doc, "round_closed"),
    )


_READERS = {
    CallKind.BALANCE: _read_balance,
    CallKind.BET: _read_bet,
    CallKind.WIN: _read_win,
    CallKind.CANCEL: _read_rollback,
}

# --- Wallet answers: Reelhouse -> supplier --------------------------------------------------


def encode_answer(answer: UpstreamAnswer) -> bytes:
    """`{user, status, request_uuid, currency, balance}` in that order, each of user,
    request_uuid, currency and balance only when known; the balance in wire units, rounded
    down when the wire unit is coarser than the minor unit (BTC: 1/100000 BTC)."""
    doc: dict[str, JsonValue] = {}
    if answer.user is not None:
        doc["user"] = answer.user
    doc["status"] = WIRE_STATUS[answer.status]
    if answer.request_id is not None:
        doc["request_uuid"] = answer.request_id
    if answer.wire_currency is not None:
        doc["currency"] = answer.wire_currency
    if answer.balance_minor is not None:
        assert answer.wire_currency is not None
        doc["balance"] = minor_to_wire(answer.balance_minor, answer.wire_currency, floor=True)
    return dump_json(doc).encode("ascii")


def answer_for_refusal(refusal: UpstreamRefusal) -> bytes:
    return encode_answer(UpstreamAnswer(refusal.status, refusal.request_id))


HUB88: UpstreamProtocol[RSAPublicKey, RSAPrivateKey] = UpstreamProtocol(
    name=NAME,
    load_verify_key=load_verify_key,
    load_sign_key=load_sign_key,
    wallet_paths=WALLET_PATHS,
    decode_call=decode_call,
    encode_answer=encode_answer,
    answer_for_refusal=answer_for_refusal,
    sign_answer=sign_answer,
    encode_launch=encode_launch,
    decode_launch=decode_launch,
    encode_catalogue=encode_catalogue,
    decode_catalogue=decode_catalogue,
    encode_offers=encode_offers,
    decode_offers=decode_offers,
    encode_grant=encode_grant,
    decode_grant=decode_grant,
    wire_money=wire_money,
)
PROVIDER = HUB88
