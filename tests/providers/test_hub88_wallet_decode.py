"""Hub88 wallet calls (supplier -> Reelhouse): what is read from each of the four, and every
refusal with the status it answers."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from reelhouse.domain.limits import MAX_JSON_DEPTH, MAX_REQUEST_BODY_BYTES
from reelhouse.providers.base import AnswerStatus, CallKind, UpstreamCall, UpstreamRefusal
from reelhouse.providers.hub88 import HUB88, decode_call, wallet_kind_of

from .hub88_samples import (
    BALANCE,
    BALANCE_PATH,
    BALANCE_REQUEST,
    BET,
    BET_ID,
    BET_PATH,
    ROLLBACK,
    ROLLBACK_ID,
    ROLLBACK_PATH,
    ROLLBACK_REQUEST,
    TOKEN,
    VERIFY_KEY,
    WIN,
    WIN_PATH,
    body_of,
    signature_vectors,
    signed_headers,
)


def decode(path: str, doc: Mapping[str, object]) -> UpstreamCall | UpstreamRefusal:
    body = body_of(doc)
    return decode_call(path, signed_headers(body), body, VERIFY_KEY)


def refused(path: str, doc: Mapping[str, object]) -> UpstreamRefusal:
    result = decode(path, doc)
    assert isinstance(result, UpstreamRefusal), result
    return result


def test_the_published_signed_body_decodes_as_a_balance_call() -> None:
    # Vector 4 of the examples repository is a balance request with an older field
    # (`game_id`): signed by the supplier, read here byte for byte, unknown field accepted.
    body, signature = signature_vectors()[3]
    call = decode_call(BALANCE_PATH, {"X-Hub88-Signature": signature}, body, VERIFY_KEY)
    assert call == UpstreamCall(
        CallKind.BALANCE,
        request_id="583c985f-fee6-4c0e-bbf5-308aad6265af",
        token="55b7518e-b89e-11e7-81be-58404eea6d16",
    )


def test_balance() -> None:
    assert decode(BALANCE_PATH, BALANCE) == UpstreamCall(
        CallKind.BALANCE,
        request_id=BALANCE_REQUEST,
        token=TOKEN,
        supplier_user="cg_45141",
        game_code="clt_dragonrising",
    )


def test_balance_with_null_game_code_and_no_supplier_user() -> None:
    doc = {"token": "tok-123456", "request_uuid": "r1", "game_code": None}
    call = decode(BALANCE_PATH, doc)
    assert isinstance(call, UpstreamCall)
    assert call.game_code is None and call.supplier_user is None


def test_bet_with_unknown_fields_accepted() -> None:
    assert decode(BET_PATH, BET) == UpstreamCall(
        CallKind.BET,
        request_id=BALANCE_REQUEST,
        token=TOKEN,
        supplier_user="cg_45141",
        game_code="clt_dragonrising",
        transaction_id=BET_ID,
        round_id="rNEMwgzJAOZ6eR3V",
        round_closed=False,
        currency="EUR",
        wire_currency="EUR",
        amount_minor=100,  # 100000 / 100000 = 1.00 EUR
        bet_label="zero",
    )


def test_bet_amount_and_flags() -> None:
    call = decode(BET_PATH, {**BET, "amount": 356000, "is_free": True, "reward_uuid": "rw-1"})
    assert isinstance(call, UpstreamCall)
    assert (call.kind, call.amount_minor, call.currency) == (CallKind.BET, 356, "EUR")
    assert (call.is_free, call.reward_id, call.is_promo) == (True, "rw-1", False)
    assert call.transaction_id == BET["transaction_uuid"]
    assert call.reference_transaction_id is None


@pytest.mark.parametrize(
    ("code", "wire_amount", "currency", "minor"),
    [
        ("JPY", 500000, "JPY", 5),  # 0 decimals
        ("EUR", 356000, "EUR", 356),  # 2 decimals
        ("KWD", 125000, "KWD", 1250),  # 3 decimals
        ("BTC", 2, "BTC", 2000),  # 8 decimals: a wire unit is 1000 satoshi
        ("mBTC", 7, "BTC", 7),  # Hub88's own code: a wire unit is one satoshi
    ],
)
def test_bet_amounts_in_minor_units(code: str, wire_amount: int, currency: str, minor: int) -> None:
    call = decode(BET_PATH, {**BET, "currency": code, "amount": wire_amount})
    assert isinstance(call, UpstreamCall)
    assert (call.amount_minor, call.currency, call.wire_currency) == (minor, currency, code)


def test_win() -> None:
    call = decode(WIN_PATH, WIN)
    assert isinstance(call, UpstreamCall)
    assert call.kind is CallKind.WIN
    assert call.amount_minor == 300
    assert call.reference_transaction_id == BET["transaction_uuid"]
    assert call.round_closed is True


def test_promo_win_needs_no_reference() -> None:
    doc = {k: v for k, v in WIN.items() if k != "reference_transaction_uuid"}
    call = decode(WIN_PATH, {**doc, "is_supplier_promo": True})
    assert isinstance(call, UpstreamCall)
    assert call.is_promo and call.reference_transaction_id is None


def test_rollback_has_no_amount() -> None:
    call = decode(ROLLBACK_PATH, ROLLBACK)
    assert call == UpstreamCall(
        CallKind.CANCEL,
        request_id=ROLLBACK_REQUEST,
        token=TOKEN,
        supplier_user="cg_45141",
        game_code="clt_dragonrising",
        transaction_id=ROLLBACK_ID,
        reference_transaction_id=BET_ID,
        round_id="rNEMwgzJAOZ6eR3V",
        round_closed=True,
    )


def test_rollback_ignores_an_amount_it_should_not_carry() -> None:
    call = decode(ROLLBACK_PATH, {**ROLLBACK, "amount": 12.5, "currency": "ZZZ"})
    assert isinstance(call, UpstreamCall) and call.amount_minor is None


@pytest.mark.parametrize(
    "path",
    [
        BET_PATH,
        "/hub88" + BET_PATH,  # mounted under a prefix
    ],
)
def test_paths(path: str) -> None:
    assert wallet_kind_of(path) is CallKind.BET


def test_the_descriptor_lists_the_four_paths() -> None:
    assert dict(HUB88.wallet_paths) == {
        BALANCE_PATH: CallKind.BALANCE,
        BET_PATH: CallKind.BET,
        WIN_PATH: CallKind.WIN,
        ROLLBACK_PATH: CallKind.CANCEL,
    }


# --- Refusals -------------------------------------------------------------------------------


def test_unknown_path() -> None:
    assert refused("/supplier/generic/v2/transaction/bet2", BET).status is AnswerStatus.WRONG_SYNTAX
    assert refused("/x" * 300 + BET_PATH, BET).reason == "not a wallet path"


def test_missing_signature() -> None:
    body = body_of(BET)
    result = decode_call(BET_PATH, {}, body, VERIFY_KEY)
    assert result == UpstreamRefusal(
        AnswerStatus.INVALID_SIGNATURE, "missing or repeated signature"
    )


def test_signature_of_other_bytes() -> None:
    body = body_of(BET)
    headers = signed_headers(body_of({**BET, "amount": 1}))
    result = decode_call(BET_PATH, headers, body, VERIFY_KEY)
    assert isinstance(result, UpstreamRefusal)
    assert result.status is AnswerStatus.INVALID_SIGNATURE
    assert result.request_id is None  # nothing unauthenticated is read, not even to echo


def test_signature_header_name_is_case_insensitive() -> None:
    body = body_of(BET)
    signature = signed_headers(body)["X-Hub88-Signature"]
    assert isinstance(
        decode_call(BET_PATH, {"x-hub88-signature": signature}, body, VERIFY_KEY), UpstreamCall
    )


def test_oversized_body_is_refused_before_the_signature() -> None:
    body = b" " * (MAX_REQUEST_BODY_BYTES + 1)
    result = decode_call(BET_PATH, {}, body, VERIFY_KEY)
    assert isinstance(result, UpstreamRefusal)
    assert result.status is AnswerStatus.WRONG_SYNTAX


def test_oversized_signature_header() -> None:
    body = body_of(BET)
    result = decode_call(BET_PATH, {"X-Hub88-Signature": "A" * 5000}, body, VERIFY_KEY)
    assert isinstance(result, UpstreamRefusal)
    assert result.status is AnswerStatus.INVALID_SIGNATURE
    assert "5000 characters" in result.reason


def signed_raw(path: str, body: bytes) -> UpstreamRefusal:
    result = decode_call(path, signed_headers(body), body, VERIFY_KEY)
    assert isinstance(result, UpstreamRefusal), result
    return result


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1,2,3]",
        b'"text"',
        b'{"request_uuid":"a","request_uuid":"b"}',  # duplicate key
        b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
        b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1),
        b'{"amount":1e999999}',
        b'{"amount":' + b"9" * 5000 + b"}",
        b'{"amount":18446744073709551616}',  # beyond 64 bits
        b'{"amount":NaN}',
        b"\xff\xfe",
        b'{"token":"\\ud800"}',
    ],
)
def test_bodies_that_are_not_one_bounded_json_object(body: bytes) -> None:
    assert signed_raw(BET_PATH, body).status is AnswerStatus.WRONG_SYNTAX


@pytest.mark.parametrize(
    ("path", "doc", "field"),
    [
        (BALANCE_PATH, BALANCE, "token"),
        (BALANCE_PATH, BALANCE, "request_uuid"),
        (BET_PATH, BET, "transaction_uuid"),
        (BET_PATH, BET, "token"),
        (BET_PATH, BET, "round"),
        (BET_PATH, BET, "currency"),
        (BET_PATH, BET, "amount"),
        (WIN_PATH, WIN, "reference_transaction_uuid"),
        (ROLLBACK_PATH, ROLLBACK, "reference_transaction_uuid"),
        (ROLLBACK_PATH, ROLLBACK, "transaction_uuid"),
        (ROLLBACK_PATH, ROLLBACK, "token"),
    ],
)
def test_missing_required_field(path: str, doc: Mapping[str, object], field: str) -> None:
    without = {k: v for k, v in doc.items() if k != field}
    result = refused(path, without)
    assert (result.status, result.reason) == (AnswerStatus.WRONG_SYNTAX, f"{field} is missing")
    # The request id is echoed once it could be read.
    assert result.request_id == (None if field == "request_uuid" else doc["request_uuid"])


def test_null_required_field_is_missing() -> None:
    assert refused(BET_PATH, {**BET, "token": None}).status is AnswerStatus.WRONG_SYNTAX


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "100000"),
        ("amount", 100000.0),
        ("amount", 1.5),
        ("amount", True),
        ("amount", -100000),
        ("amount", [100000]),
        ("token", 12345678901),
        ("token", ""),
        ("token", "t" * 256),
        ("transaction_uuid", "x" * 129),
        ("transaction_uuid", "line\nbreak"),
        ("round", {"id": 1}),
        ("round_closed", "false"),
        ("is_free", 0),
        ("reward_uuid", 7),
        ("supplier_user", False),
        ("game_code", ["g"]),
        ("bet", 1),
        ("request_uuid", 42),
    ],
)
def test_wrong_types(field: str, value: object) -> None:
    result = refused(BET_PATH, {**BET, field: value})
    assert result.status is AnswerStatus.WRONG_TYPES, result


def test_is_supplier_promo_must_be_boolean() -> None:
    assert refused(WIN_PATH, {**WIN, "is_supplier_promo": "yes"}).status is AnswerStatus.WRONG_TYPES


@pytest.mark.parametrize("code", ["ZZZ", "XXX", "PTS", "uETH", "mLTC", "usd", "EURO12345"])
def test_currencies_refused(code: str) -> None:
    result = refused(BET_PATH, {**BET, "currency": code})
    assert result.status is (
        AnswerStatus.WRONG_TYPES if len(code) > 8 else AnswerStatus.WRONG_CURRENCY
    )
    assert result.request_id == BET["request_uuid"]


def test_amount_losing_precision_is_refused_not_rounded() -> None:
    # 1.005 EUR has a third decimal: EUR has two.
    result = refused(BET_PATH, {**BET, "amount": 100500})
    assert result.status is AnswerStatus.WRONG_TYPES
    assert "whole minor unit" in result.reason


def test_huge_amount_within_64_bits_is_out_of_range() -> None:
    result = refused(BET_PATH, {**BET, "currency": "BTC", "amount": 2**63 - 1})
    assert result.status is AnswerStatus.WRONG_TYPES
    assert "out of range" in result.reason


def test_request_uuid_need_not_be_a_uuid() -> None:
    # The contract says UUID; any bounded printable id is accepted (refuse only the unsafe).
    call = decode(BALANCE_PATH, {**BALANCE, "request_uuid": "req-42"})
    assert isinstance(call, UpstreamCall) and call.request_id == "req-42"


def test_body_is_read_as_sent_not_as_reserialised() -> None:
    # Whitespace and key order are the supplier's; the signature covers them as they are.
    body = json.dumps(BET, indent=2, sort_keys=True).encode()
    result = decode_call(BET_PATH, signed_headers(body), body, VERIFY_KEY)
    assert isinstance(result, UpstreamCall)
