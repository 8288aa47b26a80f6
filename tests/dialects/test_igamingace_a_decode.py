"""Flavour A, Reelhouse side, inbound: every answer of the spec, and every malformed one,
to a typed outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reelhouse.dialects import igamingace_a
from reelhouse.dialects.igamingace_a import Status
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
READ_REFUSALS: dict[Status, Cell] = {
    Status.INVALID_ACCOUNT: (REFUSED, R.OTHER),
    Status.NOT_AUTHENTICATED: (REFUSED, R.PLAYER_BLOCKED),
    Status.INVALID_PLAYER_ID: (REFUSED, R.UNKNOWN_PLAYER),
    Status.INTEGRITY_CHECK_FAILED: (REFUSED, R.BAD_TOKEN),
}
OPENING_REFUSALS: dict[Status, Cell] = {
    Status.NOT_AUTHENTICATED: (REFUSED, R.PLAYER_BLOCKED),
    Status.NOT_ENOUGH_MONEY: (REFUSED, R.INSUFFICIENT_FUNDS),
    Status.INTEGRITY_CHECK_FAILED: (REFUSED, R.BAD_TOKEN),
}


def expected(status: Status, kind: CommandKind) -> Cell:
    """The whole table, written out from the spec (and docs/wallet-callbacks.md)."""
    if status is Status.OK:
        return (APPLIED, None)
    if kind in (AU, BA):
        return READ_REFUSALS.get(status, (UNK, None))
    if kind in (BET, BW):
        return OPENING_REFUSALS.get(status, (UNK, None))
    if kind is C and status is Status.TRANSACTION_DOES_NOT_EXIST:
        return (NOT_FOUND, None)
    if kind is C and status is Status.TRANSACTION_ROLLED_BACK:
        return (ALREADY, None)
    return (UNK, None)  # a win, or a cancel, is never refused for good


def decode(
    kind: CommandKind, body: bytes, status: int = 200, currency: str = "USD"
) -> WalletOutcome:
    return igamingace_a.decode_answer(command(kind, currency=currency), HttpAnswer(status, body))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", list(Status))
def test_every_status_for_every_command(status: Status, kind: CommandKind) -> None:
    body = b'{"balance":7.5,"statusCode":"%s"}' % status.value.encode()
    outcome = decode(kind, body)
    outcome_kind, refusal = expected(status, kind)
    assert (outcome.kind, outcome.refusal) == (outcome_kind, refusal)
    trusted = status in (
        Status.OK,
        Status.NOT_ENOUGH_MONEY,
        Status.TRANSACTION_DOES_NOT_EXIST,
        Status.TRANSACTION_ROLLED_BACK,
    )
    assert outcome.balance_minor == (750 if trusted and outcome_kind is not UNK else None)
    if outcome_kind is UNK:
        assert status.value in outcome.detail


@pytest.mark.parametrize("kind", KINDS)
def test_ok_is_applied_now_or_before_with_the_exact_balance(kind: CommandKind) -> None:
    # A repeated transactionId is answered OK with the current balance: OK settles a retry.
    outcome = decode(kind, b'{"balance":12.3,"statusCode":"OK"}')
    assert outcome == WalletOutcome(APPLIED, balance_minor=1230)
    assert outcome.settled_ok


def test_a_refusal_before_the_player_was_found_does_not_report_its_zero_balance() -> None:
    outcome = decode(BET, igamingace_a.encode_answer(Status.INTEGRITY_CHECK_FAILED, None))
    assert (outcome.kind, outcome.balance_minor) == (REFUSED, None)


def test_insufficient_funds_reports_the_balance() -> None:
    outcome = decode(BW, b'{"balance":0.99,"statusCode":"ERR_NOT_ENOUGH_MONEY"}')
    assert outcome == WalletOutcome(
        REFUSED, balance_minor=99, refusal=R.INSUFFICIENT_FUNDS, detail="ERR_NOT_ENOUGH_MONEY"
    )


@pytest.mark.parametrize(
    ("currency", "balance", "minor"),
    [("USD", b"0", 0), ("USD", b"10", 1000), ("JPY", b"1500", 1500), ("KWD", b"1.255", 1255)],
)
def test_balances_are_read_exactly(currency: str, balance: bytes, minor: int) -> None:
    outcome = decode(BA, b'{"balance":%s,"statusCode":"OK"}' % balance, currency=currency)
    assert outcome.balance_minor == minor


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "malformed"),
        (b"<html>502</html>", "malformed"),
        (b"[]", "not an object"),
        (b'{"balance":1}', "no statusCode"),
        (b'{"balance":1,"statusCode":0}', "no statusCode"),
        (b'{"balance":1,"statusCode":"ok"}', "unexpected status 'ok'"),
        (
            b'{"balance":1,"statusCode":"ERR_SOMETHING_NEW"}',
            "unexpected status 'ERR_SOMETHING_NEW'",
        ),
        (b'{"balance":NaN,"statusCode":"OK"}', "malformed"),
        (b'{"balance":1,"statusCode":"OK","statusCode":"OK"}', "duplicate key"),
    ],
)
def test_malformed_answers_are_unknown(body: bytes, why: str) -> None:
    for kind in KINDS:
        outcome = decode(kind, body)
        assert outcome.kind is UNK, (kind, outcome)
        assert why in outcome.detail


@pytest.mark.parametrize("status", [201, 204, 301, 400, 401, 404, 500, 502, 503])
def test_any_http_status_but_200_is_a_failed_call(status: int) -> None:
    outcome = decode(BET, b'{"balance":1,"statusCode":"OK"}', status=status)
    assert outcome.kind is UNK
    assert f"HTTP {status}" in outcome.detail


def test_an_oversized_answer_is_unknown() -> None:
    body = b'{"balance":1,"statusCode":"OK","pad":"' + b"x" * MAX_WALLET_ANSWER_BYTES + b'"}'
    assert decode(W, body).kind is UNK


def test_extra_answer_fields_are_tolerated() -> None:
    outcome = decode(W, b'{"balance":1,"statusCode":"OK","transactionId":9002,"x":{"y":[1]}}')
    assert outcome == WalletOutcome(APPLIED, balance_minor=100)


@pytest.mark.parametrize(
    ("status", "balance", "body"),
    [
        (Status.OK, "12.30", b'{"balance":12.3,"statusCode":"OK"}'),
        (Status.OK, "0.00", b'{"balance":0,"statusCode":"OK"}'),
        (Status.OK, "1500", b'{"balance":1500,"statusCode":"OK"}'),
        (
            Status.NOT_ENOUGH_MONEY,
            "0.50",
            b'{"balance":0.5,"statusCode":"ERR_NOT_ENOUGH_MONEY"}',
        ),
        (
            Status.INTEGRITY_CHECK_FAILED,
            None,
            b'{"balance":0,"statusCode":"ERR_INTEGRITY_CHECK_FAILED"}',
        ),
    ],
)
def test_answer_encoder_exact_bytes(status: Status, balance: str | None, body: bytes) -> None:
    assert igamingace_a.encode_answer(status, Decimal(balance) if balance else None) == body
