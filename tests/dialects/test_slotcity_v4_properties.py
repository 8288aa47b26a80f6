"""Round trips for random amounts: both sides agree to the minor unit, and no float appears."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.slotcity_v4 import SlotCityCallback
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import CURRENCY_EXPONENTS, currency, to_decimal, to_minor
from reelhouse.domain.wallet import CommandKind, HttpAnswer, OutcomeKind

from .slotcity_samples import CREDS, NOW, TOKEN, command

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
amounts = st.integers(min_value=0, max_value=MAX_AMOUNT_MINOR)
money_kinds = st.sampled_from([CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL])


def _no_floats(value: object) -> None:
    assert not isinstance(value, float)
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)


@given(money_kinds, currencies, amounts)
def test_command_amounts_survive_encode_then_operator_decode(
    kind: CommandKind, code: str, amount_minor: int
) -> None:
    request = slotcity_v4.encode_command(
        command(kind, currency=code, amount_minor=amount_minor), CREDS, NOW
    )
    callback = slotcity_v4.verify_and_decode_callback(
        dict(request.headers), request.body, TOKEN, NOW
    )
    assert isinstance(callback, SlotCityCallback)
    assert callback.amount is not None
    assert to_minor(callback.amount, currency(code)) == amount_minor
    # Exactly the currency's digits on the wire, no exponent notation.
    assert -callback.amount.as_tuple().exponent == currency(code).exponent  # type: ignore[operator]
    assert b"e" not in request.body.split(b'"amount":')[1].split(b",")[0].lower()
    _no_floats(json.loads(request.body, parse_float=Decimal))


@given(st.sampled_from(slotcity_v4.COMMANDS), currencies, amounts, st.sampled_from([0, 31, 41]))
def test_answer_balances_survive_operator_encode_then_decode(
    kind: CommandKind, code: str, balance_minor: int, result: int
) -> None:
    cur = currency(code)
    extra = {"trans_status": "OK"} if kind is CommandKind.STATUS else None
    body = slotcity_v4.encode_answer(result, to_decimal(balance_minor, cur), extra)
    outcome = slotcity_v4.decode_answer(command(kind, currency=code), HttpAnswer(200, body))
    if outcome.kind is not OutcomeKind.UNKNOWN:
        assert outcome.balance_minor == balance_minor
    if result == 0:
        assert outcome.kind is OutcomeKind.APPLIED
