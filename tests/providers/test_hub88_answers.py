"""Hub88 wallet answers: the exact bytes Reelhouse sends back, for every status."""

from __future__ import annotations

import json

import pytest

from reelhouse.providers.base import AnswerStatus, UpstreamAnswer, UpstreamRefusal
from reelhouse.providers.hub88 import answer_for_refusal, encode_answer
from reelhouse.providers.hub88_wire import WIRE_STATUS, sign_answer, signature_problem

from .hub88_samples import SIGN_KEY, VERIFY_KEY

REQ = "583c985f-fee6-4c0e-bbf5-308aad6265af"


def test_ok_answer_bytes() -> None:
    answer = UpstreamAnswer(
        AnswerStatus.OK, REQ, user="alice_1", wire_currency="EUR", balance_minor=10050
    )
    assert encode_answer(answer) == (
        b'{"user":"alice_1","status":"RS_OK",'
        b'"request_uuid":"583c985f-fee6-4c0e-bbf5-308aad6265af",'
        b'"currency":"EUR","balance":10050000}'
    )


@pytest.mark.parametrize(
    ("wire_currency", "balance_minor", "wire_balance"),
    [
        ("JPY", 1500, b"150000000"),
        ("KWD", 1250, b"125000"),
        ("BTC", 123_456_789, b"123456"),  # 1.23456789 BTC shown as 1.23456 BTC (floored)
        ("mBTC", 123_456_789, b"123456789"),  # 1234.56789 mBTC, exact
        ("USD", 0, b"0"),
        ("USD", -250, b"-250000"),  # a credit account's balance as held
    ],
)
def test_balances_in_wire_units(
    wire_currency: str, balance_minor: int, wire_balance: bytes
) -> None:
    body = encode_answer(
        UpstreamAnswer(
            AnswerStatus.OK,
            "r1",
            user="u",
            wire_currency=wire_currency,
            balance_minor=balance_minor,
        )
    )
    assert body == (
        b'{"user":"u","status":"RS_OK","request_uuid":"r1","currency":"'
        + wire_currency.encode()
        + b'","balance":'
        + wire_balance
        + b"}"
    )


def test_not_enough_money_carries_the_balance() -> None:
    answer = UpstreamAnswer(
        AnswerStatus.NOT_ENOUGH_MONEY, REQ, user="alice_1", wire_currency="USD", balance_minor=99
    )
    assert json.loads(encode_answer(answer)) == {
        "user": "alice_1",
        "status": "RS_ERROR_NOT_ENOUGH_MONEY",
        "request_uuid": REQ,
        "currency": "USD",
        "balance": 99000,
    }


def test_error_answer_carries_only_what_is_known() -> None:
    answer = UpstreamAnswer(AnswerStatus.INVALID_TOKEN, REQ)
    assert encode_answer(answer) == (
        b'{"status":"RS_ERROR_INVALID_TOKEN","request_uuid":"583c985f-fee6-4c0e-bbf5-308aad6265af"}'
    )


def test_refusal_before_the_request_id_was_read() -> None:
    refusal = UpstreamRefusal(AnswerStatus.INVALID_SIGNATURE, "signature does not match")
    assert answer_for_refusal(refusal) == b'{"status":"RS_ERROR_INVALID_SIGNATURE"}'


def test_refusal_echoes_the_request_id() -> None:
    refusal = UpstreamRefusal(AnswerStatus.WRONG_TYPES, "amount is negative", "r-9")
    assert answer_for_refusal(refusal) == b'{"status":"RS_ERROR_WRONG_TYPES","request_uuid":"r-9"}'


def test_every_status_has_one_distinct_wire_string() -> None:
    assert set(WIRE_STATUS) == set(AnswerStatus)
    assert len(set(WIRE_STATUS.values())) == len(WIRE_STATUS)
    assert sorted(WIRE_STATUS.values()) == sorted(
        [
            "RS_OK",
            "RS_ERROR_UNKNOWN",
            "RS_ERROR_INVALID_PARTNER",
            "RS_ERROR_INVALID_TOKEN",
            "RS_ERROR_TOKEN_EXPIRED",
            "RS_ERROR_INVALID_GAME",
            "RS_ERROR_WRONG_CURRENCY",
            "RS_ERROR_NOT_ENOUGH_MONEY",
            "RS_ERROR_USER_DISABLED",
            "RS_ERROR_INVALID_SIGNATURE",
            "RS_ERROR_WRONG_SYNTAX",
            "RS_ERROR_WRONG_TYPES",
            "RS_ERROR_DUPLICATE_TRANSACTION",
            "RS_ERROR_TRANSACTION_DOES_NOT_EXIST",
            "RS_ERROR_TRANSACTION_ROLLED_BACK",
            "RS_ERROR_LIMIT_REACHED",
        ]
    )


@pytest.mark.parametrize("status", [s for s in AnswerStatus if s is not AnswerStatus.OK])
def test_each_error_status_encodes(status: AnswerStatus) -> None:
    body = encode_answer(UpstreamAnswer(status, "r1"))
    assert json.loads(body) == {"status": WIRE_STATUS[status], "request_uuid": "r1"}


def test_ok_answers_must_be_complete() -> None:
    with pytest.raises(AssertionError):
        UpstreamAnswer(AnswerStatus.OK, "r1", user="u")
    with pytest.raises(AssertionError):
        UpstreamAnswer(AnswerStatus.NOT_ENOUGH_MONEY, "r1", balance_minor=5)  # no currency


def test_answers_are_signed_over_their_exact_bytes() -> None:
    body = encode_answer(UpstreamAnswer(AnswerStatus.OK, "r1", "u", "USD", 100))
    headers = dict(sign_answer(body, SIGN_KEY))
    assert headers["Content-Type"] == "application/json"
    assert signature_problem(body, headers["X-Hub88-Signature"], VERIFY_KEY) is None


def test_non_ascii_user_is_escaped() -> None:
    body = encode_answer(UpstreamAnswer(AnswerStatus.OK, "r1", "Zoë", "USD", 1))
    assert body.startswith(b'{"user":"Zo\\u00eb"')
    assert json.loads(body)["user"] == "Zoë"
