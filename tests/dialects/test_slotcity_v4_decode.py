"""Reelhouse side, inbound: every answer the operator can give, mapped to an outcome."""

from __future__ import annotations

import pytest

from reelhouse.dialects import slotcity_v4
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    TransStatus,
    WalletOutcome,
)

from .slotcity_samples import command

A = CommandKind.AUTHENTICATE
B = CommandKind.BALANCE
BET = CommandKind.BET
W = CommandKind.WIN
C = CommandKind.CANCEL
S = CommandKind.STATUS

REF = OutcomeKind.REFUSED
UNK = OutcomeKind.UNKNOWN
NOT_FOUND = OutcomeKind.NOT_FOUND
ALREADY = OutcomeKind.ALREADY_APPLIED

# Written out by hand from the spec, independently of the codec's own table.
EXPECTED: dict[int, dict[CommandKind, tuple[OutcomeKind, RefusalReason | None]]] = {
    21: {
        A: (REF, RefusalReason.UNKNOWN_PLAYER),
        B: (REF, RefusalReason.UNKNOWN_PLAYER),
        BET: (REF, RefusalReason.UNKNOWN_PLAYER),
        S: (REF, RefusalReason.UNKNOWN_PLAYER),
        W: (UNK, None),  # a win is never dropped: retried
        C: (UNK, None),
    },
    22: {
        A: (REF, RefusalReason.PLAYER_BLOCKED),
        B: (REF, RefusalReason.PLAYER_BLOCKED),
        BET: (REF, RefusalReason.PLAYER_BLOCKED),
        S: (REF, RefusalReason.PLAYER_BLOCKED),
        W: (UNK, None),
        C: (UNK, None),
    },
    31: {
        A: (UNK, None),
        B: (UNK, None),
        BET: (REF, RefusalReason.INSUFFICIENT_FUNDS),
        S: (UNK, None),
        W: (UNK, None),
        C: (UNK, None),
    },
    41: {
        A: (UNK, None),
        B: (UNK, None),
        BET: (UNK, None),  # a bet is never retried: its id already used is not success
        S: (UNK, None),
        W: (ALREADY, None),
        C: (ALREADY, None),
    },
    42: {
        A: (UNK, None),
        B: (UNK, None),
        BET: (UNK, None),
        S: (NOT_FOUND, None),
        W: (UNK, None),
        C: (UNK, None),
    },
    43: {
        A: (UNK, None),
        B: (UNK, None),
        BET: (UNK, None),
        S: (UNK, None),
        W: (UNK, None),
        C: (NOT_FOUND, None),
    },
    99: dict.fromkeys(slotcity_v4.COMMANDS, (UNK, None)),
    100: {
        A: (REF, RefusalReason.BAD_TOKEN),
        B: (REF, RefusalReason.BAD_TOKEN),
        BET: (REF, RefusalReason.BAD_TOKEN),
        S: (REF, RefusalReason.BAD_TOKEN),
        W: (UNK, None),
        C: (UNK, None),
    },
    7: dict.fromkeys(slotcity_v4.COMMANDS, (UNK, None)),
    -1: dict.fromkeys(slotcity_v4.COMMANDS, (UNK, None)),
}

CELLS = [(code, kind) for code, row in EXPECTED.items() for kind in row]


def decode(
    kind: CommandKind, body: bytes, status: int = 200, currency: str = "USD"
) -> WalletOutcome:
    return slotcity_v4.decode_answer(command(kind, currency=currency), HttpAnswer(status, body))


@pytest.mark.parametrize(("code", "kind"), CELLS)
def test_every_result_code_for_every_command(code: int, kind: CommandKind) -> None:
    body = b'{"result":%d,"status":"ERROR","data":{"balance":7.50}}' % code
    outcome = decode(kind, body)
    expected_kind, expected_refusal = EXPECTED[code][kind]
    assert outcome.kind is expected_kind
    assert outcome.refusal is expected_refusal
    if expected_kind is UNK:
        assert str(code) in outcome.detail
        assert outcome.balance_minor is None
    else:
        assert outcome.balance_minor == 750


@pytest.mark.parametrize("code", [21, 22, 99, 100])
def test_error_answers_without_data_are_the_spec_shape(code: int) -> None:
    outcome = decode(BET, b'{"result":%d,"status":"ERROR"}' % code)
    assert outcome.balance_minor is None
    assert outcome.kind is EXPECTED[code][BET][0]


@pytest.mark.parametrize("kind", [A, B, BET, W, C])
def test_ok_answers_carry_the_exact_balance(kind: CommandKind) -> None:
    outcome = decode(
        kind, b'{"result":0,"status":"OK","data":{"account":"alice_1","balance":12.30}}'
    )
    assert outcome == WalletOutcome(OutcomeKind.APPLIED, balance_minor=1230)
    assert outcome.settled_ok


@pytest.mark.parametrize("trans_status", ["OK", "CANCELED"])
def test_status_ok_answers_carry_the_transaction_status(trans_status: str) -> None:
    body = (
        b'{"result":0,"status":"OK","data":{"account":"alice_1","trans_guid":"9001",'
        b'"trans_status":"%s"}}' % trans_status.encode()
    )
    outcome = decode(S, body)
    assert outcome.kind is OutcomeKind.APPLIED
    assert outcome.trans_status is TransStatus(trans_status)
    assert outcome.balance_minor is None


@pytest.mark.parametrize(
    ("currency", "balance", "minor"),
    [
        ("USD", b"12.3", 1230),
        ("USD", b"12", 1200),
        ("USD", b"1.2E+1", 1200),
        ("USD", b"-0.50", -50),
        ("JPY", b"1500", 1500),
        ("JPY", b"1500.0", 1500),
        ("KWD", b"1.250", 1250),
        ("KWD", b"0.001", 1),
        ("BTC", b"0.00000001", 1),
        ("USD", b"9999999999999.99", 999_999_999_999_999),  # the largest amount allowed
    ],
)
def test_balances_convert_exactly(currency: str, balance: bytes, minor: int) -> None:
    outcome = decode(
        B, b'{"result":0,"status":"OK","data":{"balance":%s}}' % balance, currency=currency
    )
    assert outcome.kind is OutcomeKind.APPLIED
    assert outcome.balance_minor == minor


EXPECTED_BY_RESULT = {
    (BET, 0): OutcomeKind.APPLIED,
    (W, 0): OutcomeKind.APPLIED,
    (C, 41): OutcomeKind.ALREADY_APPLIED,
    (BET, 31): OutcomeKind.REFUSED,
}


@pytest.mark.parametrize(
    ("currency", "balance", "minor"),
    [("USD", b"12.301", 1230), ("JPY", b"1500.5", 1500), ("KWD", b"1.2501", 1250)],
)
def test_a_balance_more_precise_than_the_currency_is_rounded_and_the_result_decides(
    currency: str, balance: bytes, minor: int
) -> None:
    """The result says what happened to the money; a balance with more decimals than the
    currency is shown rounded to its minor unit, half to even (docs/wallet-callbacks.md)."""
    for (kind, code), outcome_kind in EXPECTED_BY_RESULT.items():
        body = b'{"result":%d,"data":{"balance":%s}}' % (code, balance)
        outcome = decode(kind, body, currency=currency)
        assert (outcome.kind, outcome.balance_minor) == (outcome_kind, minor), (kind, code)
        assert "rounded to" in outcome.detail


def test_a_balance_out_of_range_is_dropped_and_the_result_decides() -> None:
    for (kind, code), outcome_kind in EXPECTED_BY_RESULT.items():
        body = b'{"result":%d,"data":{"balance":1E+40}}' % code
        outcome = decode(kind, body)
        assert (outcome.kind, outcome.balance_minor) == (outcome_kind, None), (kind, code)
        assert "balance ignored" in outcome.detail


GARBAGE = [
    (b"", "empty"),
    (b"OK", "not JSON"),
    (b"<html>502 Bad Gateway</html>", "html"),
    (b"[]", "array"),
    (b'"OK"', "string"),
    (b"{}", "no result"),
    (b'{"result":"0","data":{"balance":1}}', "result as text"),
    (b'{"result":true,"data":{"balance":1}}', "result as bool"),
    (b'{"result":0.0,"data":{"balance":1}}', "result as fraction"),
    (b'{"result":0,"status":"OK","data":{"balance":NaN}}', "NaN"),
    (b'{"result":0,"status":"OK","data":{"balance":Infinity}}', "Infinity"),
    (b'{"result":0,"status":"ERROR","data":{"balance":1}}', "status contradicts"),
    (b'{"result":31,"status":"OK","data":{"balance":1}}', "status contradicts"),
    (b'{"result":0,"status":"OK","data":{"balance":1,"balance":2}}', "duplicate key"),
    (b'{"result":0,"result":41,"data":{"balance":1}}', "duplicate result"),
    (b'{"result":0,"data":{"account":"mallory","balance":1}}', "other account"),
    (b'\xff\xfe{"result":0}', "not UTF-8"),
    (b'{"result":0,"data":{"balance":1}} trailing', "trailing garbage"),
]


@pytest.mark.parametrize(("body", "why"), GARBAGE)
def test_garbage_is_unknown_with_detail(body: bytes, why: str) -> None:
    outcome = decode(W, body)
    assert outcome.kind is OutcomeKind.UNKNOWN, why
    assert outcome.balance_minor is None
    assert outcome.detail


@pytest.mark.parametrize(
    "body",
    [
        b'{"result":0,"status":"OK","data":{"trans_guid":"9001"}}',
        b'{"result":0,"status":"OK","data":{"trans_guid":"9001","trans_status":"PENDING"}}',
        b'{"result":0,"status":"OK","data":{"trans_guid":"1234","trans_status":"OK"}}',
        b'{"result":0,"status":"OK","data":{"trans_status":"ok"}}',
    ],
)
def test_status_answers_without_a_valid_trans_status_are_unknown(body: bytes) -> None:
    assert decode(S, body).kind is OutcomeKind.UNKNOWN


@pytest.mark.parametrize("status", [201, 204, 301, 400, 401, 404, 500, 502, 503])
def test_non_200_is_unknown_whatever_the_body(status: int) -> None:
    outcome = decode(W, b'{"result":0,"status":"OK","data":{"balance":1}}', status=status)
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert f"HTTP {status}" in outcome.detail


def test_an_oversized_answer_is_unknown_without_parsing() -> None:
    padding = b" " * MAX_WALLET_ANSWER_BYTES
    body = b'{"result":0,"status":"OK","data":{"balance":1}}' + padding
    outcome = decode(W, body)
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert "over the limit" in outcome.detail
    assert decode(W, body[:MAX_WALLET_ANSWER_BYTES]).kind is OutcomeKind.APPLIED


def test_detail_quotes_what_came_back_but_bounded() -> None:
    outcome = decode(W, b"x" * 10_000)
    assert "xxxx" in outcome.detail
    assert len(outcome.detail) < 400
