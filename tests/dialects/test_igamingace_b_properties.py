"""Flavour B round trips for random amounts, ids and users: both sides agree to the minor
unit, the sign always matches the spec's recipe, and no float ever appears."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reelhouse.dialects import igamingace_b
from reelhouse.dialects.igamingace_b import Code, IGamingAceBCallback
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import CURRENCY_EXPONENTS, currency, to_decimal, to_minor
from reelhouse.domain.wallet import CommandKind, HttpAnswer, OutcomeKind

from .igamingace_samples import CREDS_B, KINDS, NOW, SECRET_KEY, b_sign, command

currencies = st.sampled_from(sorted(c for c, e in CURRENCY_EXPONENTS.items() if e <= 2))
amounts = st.integers(min_value=0, max_value=MAX_AMOUNT_MINOR)
ids = st.integers(min_value=0, max_value=2**63 - 1)
users = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    min_size=4,
    max_size=48,
)
money_kinds = st.sampled_from(
    [CommandKind.BET, CommandKind.WIN, CommandKind.BET_WIN, CommandKind.CANCEL]
)


def _no_floats(value: object) -> None:
    assert not isinstance(value, float)
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)


@given(money_kinds, currencies, amounts, amounts, ids, ids, users)
def test_money_commands_survive_encode_then_operator_decode(
    kind: CommandKind,
    code: str,
    amount_minor: int,
    win_minor: int,
    trans_id: int,
    round_id: int,
    user: str,
) -> None:
    cmd = dataclasses.replace(
        command(kind, currency=code, amount_minor=amount_minor, win_minor=win_minor, account=user),
        trans_id=trans_id,
        round_id=round_id,
    )
    request = igamingace_b.encode_command(cmd, CREDS_B, NOW)
    operation = request.url.rsplit("/", 1)[1]
    doc = json.loads(request.body, parse_float=Decimal)
    _no_floats(doc)
    assert doc["sign"] == b_sign(SECRET_KEY, operation, doc)
    callback = igamingace_b.verify_and_decode_callback(
        operation, request.body, SECRET_KEY, CREDS_B.agent_id
    )
    assert isinstance(callback, IGamingAceBCallback)
    assert callback.user_id == user
    cur = currency(code)
    if kind is CommandKind.CANCEL:
        assert callback.ref_transaction_id == igamingace_b.format_id(9001)
        return
    assert callback.transaction_id is not None and callback.round_id is not None
    assert igamingace_b.parse_id(callback.transaction_id) == trans_id
    assert igamingace_b.parse_id(callback.round_id) == round_id
    if kind is CommandKind.BET_WIN:
        assert callback.bet_amount is not None and callback.win_amount is not None
        assert to_minor(callback.bet_amount, cur) == amount_minor
        assert to_minor(callback.win_amount, cur) == win_minor
    else:
        assert callback.amount is not None
        assert to_minor(callback.amount, cur) == amount_minor


@given(
    st.sampled_from(KINDS),
    currencies,
    amounts,
    st.sampled_from([Code.SUCCESS, Code.INSUFFICIENT_FUNDS, Code.DUPLICATE_TRANSACTION]),
)
def test_answer_balances_survive_operator_encode_then_decode(
    kind: CommandKind, code: str, balance_minor: int, result: Code
) -> None:
    body = igamingace_b.encode_answer(result, to_decimal(balance_minor, currency(code)))
    outcome = igamingace_b.decode_answer(command(kind, currency=code), HttpAnswer(200, body))
    if outcome.kind is not OutcomeKind.UNKNOWN:
        assert outcome.balance_minor == balance_minor
    if result is Code.SUCCESS:
        assert outcome.kind is OutcomeKind.APPLIED
