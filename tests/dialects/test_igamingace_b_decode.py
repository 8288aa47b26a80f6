"""Flavour B, Reelhouse side, inbound: every result code for every operation, and every
malformed answer, to a typed outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reelhouse.dialects import igamingace_b
from reelhouse.dialects.igamingace_b import Code
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    WalletOutcome,
)

from .igamingace_samples import KINDS, command

AU, BA, BET, W, BW, C = KINDS
APPLIED, ALREADY, REFUSED, NOT_FOUND, UNK = (
    OutcomeKind.APPLIED,
    OutcomeKind.ALREADY_APPLIED,
    OutcomeKind.REFUSED,
    OutcomeKind.NOT_FOUND,
    OutcomeKind.UNKNOWN,
)
R = RefusalReason
Cell = tuple[OutcomeKind, RefusalReason | None]
REFUSED_BEFORE_ANY_MOVE: dict[Code, Cell] = {
    Code.WRONG_INPUT: (REFUSED, R.OTHER),
    Code.INVALID_SIGN: (REFUSED, R.BAD_TOKEN),
    Code.INVALID_AGENT: (REFUSED, R.BAD_TOKEN),
    Code.USER_NOT_FOUND: (REFUSED, R.UNKNOWN_PLAYER),
    Code.INVALID_API_TOKEN: (REFUSED, R.BAD_TOKEN),
}


def expected(code: Code, kind: CommandKind) -> Cell:
    """The whole table, written out from the spec (and docs/wallet-callbacks.md)."""
    if code is Code.SUCCESS:
        return (APPLIED, None)
    if kind in (AU, BA):
        return REFUSED_BEFORE_ANY_MOVE.get(code, (UNK, None))
    if kind in (BET, BW):
        if code is Code.INSUFFICIENT_FUNDS:
            return (REFUSED, R.INSUFFICIENT_FUNDS)
        return REFUSED_BEFORE_ANY_MOVE.get(code, (UNK, None))  # 11 included: cancel follows
    if kind is W:
        return (ALREADY, None) if code is Code.DUPLICATE_TRANSACTION else (UNK, None)
    return {
        Code.TRANSACTION_NOT_FOUND: (NOT_FOUND, None),
        Code.ALREADY_ROLLED_BACK: (ALREADY, None),
        Code.DUPLICATE_TRANSACTION: (ALREADY, None),
    }.get(code, (UNK, None))


def decode(
    kind: CommandKind, body: bytes, status: int = 200, currency: str = "USD"
) -> WalletOutcome:
    return igamingace_b.decode_answer(command(kind, currency=currency), HttpAnswer(status, body))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("code", list(Code))
def test_every_code_for_every_command(code: Code, kind: CommandKind) -> None:
    body = b'{"code":%d,"message":"m","balance":7.50}' % code
    outcome = decode(kind, body)
    outcome_kind, refusal = expected(code, kind)
    assert (outcome.kind, outcome.refusal) == (outcome_kind, refusal)
    trusted = code in (Code.SUCCESS, Code.INSUFFICIENT_FUNDS, Code.TRANSACTION_NOT_FOUND)
    trusted = trusted or code in (Code.ALREADY_ROLLED_BACK, Code.DUPLICATE_TRANSACTION)
    assert outcome.balance_minor == (750 if trusted and outcome_kind is not UNK else None)
    if outcome_kind is UNK:
        assert f"code {int(code)}" in outcome.detail


@pytest.mark.parametrize("code", [10, 12, -1, 99, 1000])
def test_a_code_outside_the_spec_is_unknown(code: int) -> None:
    for kind in KINDS:
        outcome = decode(kind, b'{"code":%d,"message":"?","balance":1.00}' % code)
        assert outcome.kind is UNK
        assert str(code) in outcome.detail


@pytest.mark.parametrize("kind", KINDS)
def test_success_carries_the_exact_balance(kind: CommandKind) -> None:
    body = b'{"code":0,"message":"success","platformTransactionID":"abc","balance":12.30}'
    assert decode(kind, body) == WalletOutcome(APPLIED, balance_minor=1230)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "malformed"),
        (b"<html>502</html>", "malformed"),
        (b"[]", "not an object"),
        (b'{"message":"success","balance":1}', "no integer code"),
        (b'{"code":"0","balance":1}', "no integer code"),
        (b'{"code":false,"balance":1}', "no integer code"),
        (b'{"code":0,"balance":Infinity}', "malformed"),
        (b'{"code":0,"code":6,"balance":1}', "duplicate key"),
    ],
)
def test_malformed_answers_are_unknown(body: bytes, why: str) -> None:
    for kind in KINDS:
        outcome = decode(kind, body)
        assert outcome.kind is UNK, (kind, outcome)
        assert why in outcome.detail


@pytest.mark.parametrize("status", [201, 400, 401, 404, 500, 503])
def test_http_200_is_the_only_success(status: int) -> None:
    outcome = decode(BW, b'{"code":0,"message":"success","balance":1.00}', status=status)
    assert outcome.kind is UNK
    assert f"HTTP {status}" in outcome.detail


def test_an_oversized_answer_is_unknown() -> None:
    body = b'{"code":0,"balance":1,"pad":"' + b"x" * MAX_WALLET_ANSWER_BYTES + b'"}'
    assert decode(W, body).kind is UNK


def test_balances_in_a_zero_decimal_currency() -> None:
    # JPY has no minor digits: "1500.00" is still exactly 1500.
    assert decode(BA, b'{"code":0,"balance":1500.00}', currency="JPY").balance_minor == 1500
    # A fraction of a yen is shown as the nearest yen, ties to even; the status decides.
    rounded = decode(BA, b'{"code":0,"balance":1500.50}', currency="JPY")
    assert (rounded.kind, rounded.balance_minor) == (APPLIED, 1500)
    assert "rounded to 1500" in rounded.detail


@pytest.mark.parametrize(
    ("args", "kwargs", "body"),
    [
        ((Code.SUCCESS, Decimal("12.3")), {}, b'{"code":0,"message":"success","balance":12.30}'),
        (
            (Code.SUCCESS, Decimal("1500")),
            {"platform_transaction_id": "77"},
            b'{"code":0,"message":"success","platformTransactionID":"77","balance":1500.00}',
        ),
        (
            (Code.INSUFFICIENT_FUNDS, Decimal("0.5")),
            {},
            b'{"code":6,"message":"insufficient funds","balance":0.50}',
        ),
        ((Code.INVALID_SIGN,), {}, b'{"code":3,"message":"invalid sign"}'),
        (
            (Code.GENERAL_ERROR,),
            {"message": "try later"},
            b'{"code":1,"message":"try later"}',
        ),
    ],
)
def test_answer_encoder_exact_bytes(
    args: tuple[Code, ...], kwargs: dict[str, str], body: bytes
) -> None:
    assert igamingace_b.encode_answer(*args, **kwargs) == body  # type: ignore[arg-type]


def test_the_answer_encoder_refuses_a_third_decimal() -> None:
    with pytest.raises(AssertionError):
        igamingace_b.encode_answer(Code.SUCCESS, Decimal("1.005"))
