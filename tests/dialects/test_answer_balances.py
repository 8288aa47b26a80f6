"""What a wallet's answer means when its balance is unusable or it names another account, in
every dialect (docs/wallet-callbacks.md, "Balances Reelhouse cannot use").

- A number too large to read at all (`1e999999`, beyond the JSON reader's bounds) makes the
  answer unreadable: UNKNOWN, like any garbage, and decided at once.
- A readable balance beyond MAX_AMOUNT_MINOR either way, or not a number, is dropped: the
  status still decides the money outcome (a bet the wallet says it took was taken), the
  outcome carries no balance and its detail says why. One more precise than the currency is
  rounded (test_float_balances.py).
- A negative balance within range is kept as sent (a wallet may run credit accounts).
- A SlotCity answer about another account is not an answer to our call: UNKNOWN, whatever
  its result says.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reelhouse.dialects.igamingace_a import IGAMINGACE_A
from reelhouse.dialects.igamingace_b import IGAMINGACE_B
from reelhouse.dialects.slotcity_v4 import SLOTCITY_V4
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    WalletCommand,
    WalletOutcome,
)

from . import igamingace_samples, slotcity_samples

Body = Callable[[CommandKind, str], bytes]


def _slotcity_ok(kind: CommandKind, balance: str) -> bytes:
    extra = ',"trans_guid":"9001","trans_status":"OK"' if kind is CommandKind.STATUS else ""
    return b'{"result":0,"status":"OK","data":{"account":"alice_1"%s,"balance":%s}}' % (
        extra.encode(),
        balance.encode(),
    )


def _a_ok(_kind: CommandKind, balance: str) -> bytes:
    return b'{"balance":%s,"statusCode":"OK"}' % balance.encode()


def _b_ok(_kind: CommandKind, balance: str) -> bytes:
    return b'{"code":0,"message":"Success","balance":%s}' % balance.encode()


def _slotcity_poor(balance: str) -> bytes:
    return b'{"result":31,"status":"ERROR","data":{"balance":%s}}' % balance.encode()


def _a_poor(balance: str) -> bytes:
    return b'{"balance":%s,"statusCode":"ERR_NOT_ENOUGH_MONEY"}' % balance.encode()


def _b_poor(balance: str) -> bytes:
    return b'{"code":6,"message":"Insufficient funds","balance":%s}' % balance.encode()


# (dialect, the commands it speaks, a command of a kind, an OK answer, a no-funds answer)
DIALECTS = [
    (SLOTCITY_V4, slotcity_samples.command, _slotcity_ok, _slotcity_poor),
    (IGAMINGACE_A, igamingace_samples.command, _a_ok, _a_poor),
    (IGAMINGACE_B, igamingace_samples.command, _b_ok, _b_poor),
]
IDS = [d[0].name for d in DIALECTS]


def _decode(dialect: object, cmd: WalletCommand, body: bytes) -> WalletOutcome:
    outcome = dialect.decode_answer(cmd, HttpAnswer(200, body))  # type: ignore[attr-defined]
    assert isinstance(outcome, WalletOutcome)
    return outcome


@pytest.mark.parametrize(("dialect", "command", "ok", "_poor"), DIALECTS, ids=IDS)
@pytest.mark.parametrize("huge", ["1e999999", "-1e999990", "1E+999999999", "9" * 5000])
def test_a_balance_beyond_the_readers_bounds_is_unknown_at_once(
    dialect: object, command: Callable[..., WalletCommand], ok: Body, _poor: object, huge: str
) -> None:
    for kind in sorted(dialect.kinds):  # type: ignore[attr-defined]
        outcome = _decode(dialect, command(kind), ok(kind, huge))
        assert outcome.kind is OutcomeKind.UNKNOWN, (kind, outcome)
        assert "exponent" in outcome.detail or "longer than" in outcome.detail


UNUSABLE = [
    (f"{MAX_AMOUNT_MINOR // 100 + 1}", "out of range"),  # one unit past the bound, in USD
    (f"-{MAX_AMOUNT_MINOR // 100 + 1}", "out of range"),
    ("1e30", "out of range"),
    ("true", "not a number"),
    ('"12,30"', "not a number"),
    ("{}", "not a number"),
]


@pytest.mark.parametrize(("dialect", "command", "ok", "_poor"), DIALECTS, ids=IDS)
@pytest.mark.parametrize(("balance", "why"), UNUSABLE)
def test_an_unusable_balance_is_dropped_and_the_status_decides(
    dialect: object,
    command: Callable[..., WalletCommand],
    ok: Body,
    _poor: object,
    balance: str,
    why: str,
) -> None:
    for kind in sorted(dialect.kinds):  # type: ignore[attr-defined]
        outcome = _decode(dialect, command(kind), ok(kind, balance))
        assert outcome.kind is OutcomeKind.APPLIED, (kind, outcome)
        assert outcome.balance_minor is None
        assert "balance ignored" in outcome.detail and why in outcome.detail


@pytest.mark.parametrize(("dialect", "command", "_ok", "poor"), DIALECTS, ids=IDS)
def test_a_refusal_keeps_its_status_and_drops_an_unusable_balance(
    dialect: object,
    command: Callable[..., WalletCommand],
    _ok: object,
    poor: Callable[[str], bytes],
) -> None:
    outcome = _decode(dialect, command(CommandKind.BET), poor("1e20"))
    assert outcome.kind is OutcomeKind.REFUSED
    assert outcome.refusal is RefusalReason.INSUFFICIENT_FUNDS
    assert outcome.balance_minor is None
    assert "balance ignored" in outcome.detail


@pytest.mark.parametrize(("dialect", "command", "ok", "_poor"), DIALECTS, ids=IDS)
def test_a_negative_balance_is_kept_as_sent(
    dialect: object, command: Callable[..., WalletCommand], ok: Body, _poor: object
) -> None:
    for kind in sorted(dialect.kinds):  # type: ignore[attr-defined]
        outcome = _decode(dialect, command(kind), ok(kind, "-0.50"))
        assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, -50), kind


@pytest.mark.parametrize(("dialect", "command", "ok", "_poor"), DIALECTS, ids=IDS)
def test_the_largest_usable_balance_is_kept(
    dialect: object, command: Callable[..., WalletCommand], ok: Body, _poor: object
) -> None:
    top = f"{MAX_AMOUNT_MINOR // 100}.00"
    outcome = _decode(dialect, command(CommandKind.BALANCE), ok(CommandKind.BALANCE, top))
    assert outcome == WalletOutcome(OutcomeKind.APPLIED, balance_minor=MAX_AMOUNT_MINOR)


@pytest.mark.parametrize(
    "body",
    [
        b'{"result":0,"status":"OK","data":{"account":"mallory","balance":1}}',
        b'{"result":31,"status":"ERROR","data":{"account":"mallory","balance":1}}',
        b'{"result":21,"status":"ERROR","data":{"account":"mallory"}}',
        b'{"result":41,"status":"ERROR","data":{"account":"mallory","balance":1}}',
        b'{"result":0,"status":"OK","data":{"account":7,"balance":1}}',
    ],
)
def test_a_slotcity_answer_about_another_account_is_unknown_whatever_its_result(
    body: bytes,
) -> None:
    for kind in slotcity_samples_kinds():
        outcome = _decode(SLOTCITY_V4, slotcity_samples.command(kind), body)
        assert outcome.kind is OutcomeKind.UNKNOWN, (kind, outcome)
        assert "account" in outcome.detail


def slotcity_samples_kinds() -> list[CommandKind]:
    return sorted(SLOTCITY_V4.kinds)
