"""Flavour A round trips for random amounts, ids and texts: both sides agree to the minor
unit, the signature always matches the spec's own recipe, and no float ever appears."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reelhouse.dialects import igamingace_a
from reelhouse.dialects.igamingace_a import IGamingAceACallback, Status
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import CURRENCY_EXPONENTS, currency, to_decimal, to_minor
from reelhouse.domain.wallet import CommandKind, HttpAnswer, OutcomeKind

from .igamingace_samples import API_TOKEN, CREDS_A, KINDS, NOW, a_signature, command

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
amounts = st.integers(min_value=0, max_value=MAX_AMOUNT_MINOR)
ids = st.integers(min_value=0, max_value=2**63 - 1)
money_kinds = st.sampled_from([CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL])
player_ids = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-",
    min_size=1,
    max_size=64,
)


def _no_floats(value: object) -> None:
    assert not isinstance(value, float)
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)


@given(money_kinds, currencies, amounts, ids, ids, player_ids)
def test_money_commands_survive_encode_then_operator_decode(
    kind: CommandKind, code: str, amount_minor: int, trans_id: int, round_id: int, player: str
) -> None:
    cmd = dataclasses.replace(
        command(kind, currency=code, amount_minor=amount_minor, account=player),
        trans_id=trans_id,
        round_id=round_id,
    )
    request = igamingace_a.encode_command(cmd, CREDS_A, NOW)
    assert dict(request.headers)["X-Request-Signature"] == a_signature(API_TOKEN, request.body)
    callback = igamingace_a.verify_and_decode_callback(
        dict(request.headers), request.body, API_TOKEN, NOW
    )
    assert isinstance(callback, IGamingAceACallback)
    assert (callback.transaction_id, callback.round_id, callback.player_id) == (
        trans_id,
        round_id,
        player,
    )
    assert callback.amount is not None
    assert to_minor(callback.amount, currency(code)) == amount_minor
    _no_floats(json.loads(request.body, parse_float=Decimal))


@given(currencies, amounts, amounts)
def test_betwin_amounts_survive(code: str, bet_minor: int, win_minor: int) -> None:
    cmd = command(CommandKind.BET_WIN, currency=code, amount_minor=bet_minor, win_minor=win_minor)
    request = igamingace_a.encode_command(cmd, CREDS_A, NOW)
    callback = igamingace_a.verify_and_decode_callback(
        dict(request.headers), request.body, API_TOKEN, NOW
    )
    assert isinstance(callback, IGamingAceACallback)
    assert callback.bet_amount is not None and callback.win_amount is not None
    assert to_minor(callback.bet_amount, currency(code)) == bet_minor
    assert to_minor(callback.win_amount, currency(code)) == win_minor


@given(
    st.sampled_from(KINDS),
    currencies,
    amounts,
    st.sampled_from([Status.OK, Status.NOT_ENOUGH_MONEY, Status.TRANSACTION_ROLLED_BACK]),
)
def test_answer_balances_survive_operator_encode_then_decode(
    kind: CommandKind, code: str, balance_minor: int, status: Status
) -> None:
    body = igamingace_a.encode_answer(status, to_decimal(balance_minor, currency(code)))
    outcome = igamingace_a.decode_answer(command(kind, currency=code), HttpAnswer(200, body))
    if outcome.kind is not OutcomeKind.UNKNOWN:
        assert outcome.balance_minor == balance_minor
    if status is Status.OK:
        assert outcome.kind is OutcomeKind.APPLIED


@given(st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=0, max_value=10**9))
def test_shortest_text_is_exact_and_has_no_trailing_zeros(value: Decimal) -> None:
    text = igamingace_a.shortest_decimal_text(value)
    assert Decimal(text) == value
    assert "e" not in text.lower()
    if "." in text:
        assert not text.endswith("0")
        assert not text.endswith(".")
