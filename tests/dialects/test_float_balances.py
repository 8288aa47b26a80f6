"""Wallets that keep money in binary doubles, in every dialect: the status is read first and
alone decides the outcome; the balance is read as a number (or a number sent as text), and
rounded to the currency's minor unit, half to even, for display (docs/wallet-callbacks.md,
"Balances in answers").

Each answer here is written by hand in the shape the public contract shows, with the float
noise such wallets really send (`49.30000000000001`, `0.30000000000000004`, `100.005`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from reelhouse.dialects.base import CodecDialect
from reelhouse.dialects.igamingace_a import IGAMINGACE_A
from reelhouse.dialects.igamingace_b import IGAMINGACE_B
from reelhouse.dialects.slotcity_v4 import SLOTCITY_V4
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    TransStatus,
    WalletCommand,
    WalletOutcome,
)

from . import igamingace_samples, slotcity_samples

# (what the wallet sent as the balance's JSON, the USD minor units shown)
FLOAT_NOISE = [
    ("49.30000000000001", 4930),
    ("49.29999999999999", 4930),
    ("0.30000000000000004", 30),
    ("1234567.8900000001", 123456789),
    ("100.005", 10000),  # a tie: half to even keeps 100.00
    ("100.015", 10002),  # a tie: half to even goes up to 100.02
    ("100.0051", 10001),  # not a tie: the nearest
    ("4.93e1", 4930),
    ("1e-7", 0),
]


def _slotcity(result: int, balance: str, kind: CommandKind) -> bytes:
    status = "OK" if result == 0 else "ERROR"
    extra = ',"trans_guid":"9001","trans_status":"OK"' if kind is CommandKind.STATUS else ""
    return (
        f'{{"result":{result},"status":"{status}","data":{{"account":"alice_1"{extra},'
        f'"balance":{balance}}}}}'
    ).encode()


def _a(status: str, balance: str, _kind: CommandKind) -> bytes:
    return f'{{"balance":{balance},"statusCode":"{status}"}}'.encode()


def _b(code: int, balance: str, _kind: CommandKind) -> bytes:
    return f'{{"code":{code},"message":"m","balance":{balance}}}'.encode()


Answer = Callable[..., bytes]
# dialect, its sample commands, its answer writer, (OK, cancel already done, no funds)
DIALECTS: list[tuple[CodecDialect[object], Callable[..., WalletCommand], Answer, tuple]] = [
    (SLOTCITY_V4, slotcity_samples.command, _slotcity, (0, 41, 31)),  # type: ignore[list-item]
    (
        IGAMINGACE_A,  # type: ignore[list-item]
        igamingace_samples.command,
        _a,
        ("OK", "ERR_TRANSACTION_ROLLED_BACK", "ERR_NOT_ENOUGH_MONEY"),
    ),
    (IGAMINGACE_B, igamingace_samples.command, _b, (0, 9, 6)),  # type: ignore[list-item]
]
IDS = [d[0].name for d in DIALECTS]
MONEY_KINDS = (
    CommandKind.AUTHENTICATE,
    CommandKind.BALANCE,
    CommandKind.BET,
    CommandKind.WIN,
    CommandKind.CANCEL,
)


def decode(dialect: CodecDialect[object], cmd: WalletCommand, body: bytes) -> WalletOutcome:
    return dialect.decode_answer(cmd, HttpAnswer(200, body))


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
@pytest.mark.parametrize(("balance", "minor"), FLOAT_NOISE)
def test_an_ok_answer_with_float_noise_is_applied_with_the_balance_rounded(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
    balance: str,
    minor: int,
) -> None:
    ok = statuses[0]
    for kind in MONEY_KINDS:
        outcome = decode(dialect, command(kind), answer(ok, balance, kind))
        assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, minor), kind


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
def test_a_launch_with_a_float_balance_gives_a_balance(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
) -> None:
    cmd = command(CommandKind.AUTHENTICATE)
    outcome = decode(dialect, cmd, answer(statuses[0], "49.30000000000001", cmd.kind))
    assert outcome.kind is OutcomeKind.APPLIED
    assert outcome.balance_minor == 4930
    assert "rounded to 49.30" in outcome.detail


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
def test_an_acknowledged_cancel_with_float_noise_is_settled_not_resent(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
) -> None:
    ok, already, _poor = statuses
    cancel = command(CommandKind.CANCEL)
    first = decode(dialect, cancel, answer(ok, "49.30000000000001", cancel.kind))
    again = decode(dialect, cancel, answer(already, "49.30000000000001", cancel.kind))
    assert first.settled_ok and first.kind is OutcomeKind.APPLIED
    assert again.settled_ok and again.kind is OutcomeKind.ALREADY_APPLIED
    assert first.balance_minor == again.balance_minor == 4930


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
def test_a_refused_bet_with_float_noise_is_refused(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
) -> None:
    bet = command(CommandKind.BET)
    outcome = decode(dialect, bet, answer(statuses[2], "0.09999999999999999", bet.kind))
    assert outcome.kind is OutcomeKind.REFUSED
    assert outcome.refusal is RefusalReason.INSUFFICIENT_FUNDS
    assert outcome.balance_minor == 10


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
@pytest.mark.parametrize(("text", "minor"), [('"49.30"', 4930), ('"49.30000000000001"', 4930)])
def test_a_balance_sent_as_text_is_read_as_its_number(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
    text: str,
    minor: int,
) -> None:
    for kind in MONEY_KINDS:
        outcome = decode(dialect, command(kind), answer(statuses[0], text, kind))
        assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, minor), kind


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
def test_a_null_balance_leaves_the_outcome_to_the_status(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
) -> None:
    ok, already, _poor = statuses
    for kind in MONEY_KINDS:
        outcome = decode(dialect, command(kind), answer(ok, "null", kind))
        assert outcome == WalletOutcome(OutcomeKind.APPLIED), kind
    cancel = command(CommandKind.CANCEL)
    again = decode(dialect, cancel, answer(already, "null", cancel.kind))
    assert (again.kind, again.balance_minor) == (OutcomeKind.ALREADY_APPLIED, None)


@pytest.mark.parametrize(
    ("dialect", "command", "body"),
    [
        (SLOTCITY_V4, slotcity_samples.command, b'{"result":0,"status":"OK","data":{}}'),
        (SLOTCITY_V4, slotcity_samples.command, b'{"result":0,"status":"OK"}'),
        (IGAMINGACE_A, igamingace_samples.command, b'{"statusCode":"OK"}'),
        (IGAMINGACE_B, igamingace_samples.command, b'{"code":0,"message":"success"}'),
    ],
)
def test_a_missing_balance_leaves_the_outcome_to_the_status(
    dialect: CodecDialect[object], command: Callable[..., WalletCommand], body: bytes
) -> None:
    for kind in MONEY_KINDS:
        assert decode(dialect, command(kind), body) == WalletOutcome(OutcomeKind.APPLIED), kind


@pytest.mark.parametrize(("dialect", "command", "answer", "statuses"), DIALECTS, ids=IDS)
@pytest.mark.parametrize("balance", ["true", '"lots"', "[1]", '"1e3"', '"0x10"'])
def test_a_balance_that_is_not_a_number_is_dropped_and_the_status_decides(
    dialect: CodecDialect[object],
    command: Callable[..., WalletCommand],
    answer: Answer,
    statuses: tuple[object, object, object],
    balance: str,
) -> None:
    for kind in MONEY_KINDS:
        outcome = decode(dialect, command(kind), answer(statuses[0], balance, kind))
        assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, None), kind
        assert "balance ignored: not a number" in outcome.detail


@pytest.mark.parametrize("currency", ["JPY", "KWD", "BTC"])
def test_rounding_follows_the_currency(currency: str) -> None:
    expected = {"JPY": 49, "KWD": 49300, "BTC": 4930000000}
    cmd = slotcity_samples.command(CommandKind.BALANCE, currency=currency)
    outcome = decode(SLOTCITY_V4, cmd, _slotcity(0, "49.30000000000001", cmd.kind))  # type: ignore[arg-type]
    assert outcome.balance_minor == expected[currency]


def test_the_status_is_read_before_a_malformed_data_member() -> None:
    """A SlotCity status answer still needs its trans_status; a bet's OK needs nothing else."""
    bet = slotcity_samples.command(CommandKind.BET)
    outcome = decode(SLOTCITY_V4, bet, b'{"result":0,"status":"OK","data":[1]}')  # type: ignore[arg-type]
    assert outcome == WalletOutcome(OutcomeKind.APPLIED)
    status = slotcity_samples.command(CommandKind.STATUS)
    body = b'{"result":0,"status":"OK","data":{"trans_status":"OK","balance":1.0000000000000002}}'
    read = decode(SLOTCITY_V4, status, body)  # type: ignore[arg-type]
    assert (read.kind, read.trans_status, read.balance_minor) == (
        OutcomeKind.APPLIED,
        TransStatus.OK,
        100,
    )


def test_json_module_agrees_these_are_the_doubles_wallets_print() -> None:
    # The noise above is what a double-keeping wallet prints: shortest round-trip text.
    for text, _minor in FLOAT_NOISE[:4]:
        assert json.dumps(float(text)) == text
    assert json.dumps(0.1 + 0.2) == "0.30000000000000004"
