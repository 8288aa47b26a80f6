"""Flavour B, operator side: verify and read a callback; every tampered signed field is
refused, and what the spec leaves unsigned is named."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from reelhouse.dialects import igamingace_b
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection, OperatorDialect
from reelhouse.dialects.igamingace_b import Code, IGamingAceBCallback
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES
from reelhouse.domain.wallet import CommandKind

from .igamingace_samples import (
    AGENT_ID,
    CREDS_B,
    KINDS,
    NOW,
    SECRET_KEY,
    b_body,
    b_sign,
    command,
    hex_id,
)

OPERATIONS = {
    CommandKind.BALANCE: "GetBalance",
    CommandKind.BET: "Withdraw",
    CommandKind.WIN: "Deposit",
    CommandKind.BET_WIN: "BetWin",
    CommandKind.CANCEL: "RollbackTransaction",
}


def sent(kind: CommandKind) -> tuple[str, bytes]:
    request = igamingace_b.encode_command(command(kind), CREDS_B, NOW)
    return request.url.rsplit("/", 1)[1], request.body


def verify(
    operation: str, body: bytes, agent_id: str | None = AGENT_ID, require_signature: bool = True
) -> IGamingAceBCallback | CallbackRejection:
    return igamingace_b.verify_and_decode_callback(
        operation, body, SECRET_KEY, agent_id, require_signature
    )


def rejected(outcome: object, code: Code) -> CallbackRejection:
    assert isinstance(outcome, CallbackRejection), outcome
    assert outcome.result == int(code)
    assert outcome.answer == igamingace_b.encode_answer(code)
    return outcome


def test_a_deposit_reads_back_every_field() -> None:
    assert verify(*sent(CommandKind.WIN)) == IGamingAceBCallback(
        kind=CommandKind.WIN,
        operation="Deposit",
        agent_id=AGENT_ID,
        user_id="Player01",
        game_id=numeric_game_id("lucky-sevens"),
        transaction_id=hex_id(9002),
        ref_transaction_id=hex_id(9001),
        round_id=hex_id(500),
        amount=Decimal("12.30"),
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_operation_reads_back(kind: CommandKind) -> None:
    operation, body = sent(kind)
    callback = verify(operation, body)
    assert isinstance(callback, IGamingAceBCallback)
    assert callback.kind is (CommandKind.BALANCE if kind is CommandKind.AUTHENTICATE else kind)
    assert callback.operation == operation
    if kind is CommandKind.BET_WIN:
        assert (callback.bet_amount, callback.win_amount) == (Decimal("12.30"), Decimal("25.00"))
    if kind is CommandKind.CANCEL:
        assert (callback.ref_transaction_id, callback.transaction_id) == (hex_id(9001), None)
    if kind is CommandKind.BET:
        assert callback.is_bonus_buy is False


def test_the_published_vector_verifies_on_the_operator_side() -> None:
    body = (
        b'{"agentID":"Partner01","userID":"Player01","amount":12.30,'
        b'"transactionID":"474e1a293c2f4e7ab122c52d68423fcb",'
        b'"roundID":"ab9c15f2efdd46278e4a56b303127234","gameID":"g1","freeSpinID":null,'
        b'"isBonusBuy":0,"sign":"475D834ACC3AB61D7DF4EA42751C6275387BC1787A098D2D0E091698D9BF2043"}'
    )
    callback = verify("Withdraw", body)
    assert isinstance(callback, IGamingAceBCallback)
    assert callback.amount == Decimal("12.30")
    # A lower-case sign is the same sign.
    assert isinstance(
        verify("Withdraw", body.replace(b"475D834ACC3AB61D", b"475d834acc3ab61d")),
        IGamingAceBCallback,
    )


def test_the_dialect_object_reads_the_operation_from_the_path() -> None:
    operator_side: OperatorDialect[IGamingAceBCallback] = igamingace_b.IGAMINGACE_B
    _, body = sent(CommandKind.BET_WIN)
    for path in ("/callbackService/BetWin", "BetWin", "/BetWin/"):
        callback = operator_side.verify_and_decode_callback({}, body, CREDS_B, NOW, path=path)
        assert isinstance(callback, IGamingAceBCallback), path
    wrong_path = operator_side.verify_and_decode_callback({}, body, CREDS_B, NOW, path="/Deposit")
    rejected(wrong_path, Code.WRONG_INPUT)  # no `amount`: a BetWin body is not a Deposit


def test_without_an_agent_to_compare_the_agent_is_not_checked() -> None:
    operation, body = sent(CommandKind.BET)
    assert isinstance(verify(operation, body, agent_id=None), IGamingAceBCallback)
    creds = CallbackCredentials("", "", secret_key=SECRET_KEY)
    callback = igamingace_b.IGAMINGACE_B.verify_and_decode_callback(
        {}, body, creds, 0, path=operation
    )
    assert isinstance(callback, IGamingAceBCallback)


# --- tampering --------------------------------------------------------------------------


def _signed_cases() -> list[tuple[CommandKind, str, Any]]:
    cases: list[tuple[CommandKind, str, Any]] = []
    for kind, operation in OPERATIONS.items():
        doc = json.loads(sent(kind)[1], parse_float=Decimal)
        for name in igamingace_b.SIGNED_FIELDS[operation]:
            value = doc[name]
            if isinstance(value, Decimal):
                cases += [(kind, name, value + Decimal("0.01")), (kind, name, value * 10)]
            elif name in ("transactionID", "roundID", "refTransactionID"):
                cases += [(kind, name, value[:-1] + ("0" if value[-1] != "0" else "1"))]
            else:
                cases += [(kind, name, value + "x"), (kind, name, value.upper())]
    return cases


def _with(body: bytes, name: str, value: Any) -> bytes:
    doc = json.loads(body, parse_float=Decimal)
    doc[name] = value
    members = (
        f"{json.dumps(k)}:{format(v, '.2f') if isinstance(v, Decimal) else json.dumps(v)}"
        for k, v in doc.items()
    )
    return ("{" + ",".join(members) + "}").encode()


@pytest.mark.parametrize(("kind", "name", "value"), _signed_cases())
def test_every_tampered_signed_field_is_refused(kind: CommandKind, name: str, value: Any) -> None:
    operation, body = sent(kind)
    forged = _with(body, name, value)
    assert forged != body
    rejected(verify(operation, forged, agent_id=None), Code.INVALID_SIGN)


@pytest.mark.parametrize("kind", list(OPERATIONS))
def test_a_tampered_or_missing_sign_is_refused(kind: CommandKind) -> None:
    operation, body = sent(kind)
    doc = json.loads(body, parse_float=Decimal)
    good = doc["sign"]
    flipped = ("0" if good[0] != "0" else "1") + good[1:]
    rejected(verify(operation, _with(body, "sign", flipped)), Code.INVALID_SIGN)
    rejected(verify(operation, _with(body, "sign", good[:-1])), Code.WRONG_INPUT)
    rejected(verify(operation, _with(body, "sign", None)), Code.WRONG_INPUT)


def test_a_request_signed_with_another_key_is_refused() -> None:
    body = b_body(
        "GetBalance", key=SECRET_KEY + "0", agentID=AGENT_ID, userID="Player01", gameID=None
    )
    rejected(verify("GetBalance", body), Code.INVALID_SIGN)


def test_another_agents_well_signed_request_is_refused() -> None:
    body = b_body("GetBalance", agentID="Partner02", userID="Player01", gameID=None)
    rejected(verify("GetBalance", body), Code.INVALID_AGENT)


def test_a_withdraw_replayed_on_the_deposit_path_is_refused() -> None:
    # Withdraw and Deposit sign the same fields (spec): the sign alone cannot tell them apart.
    # A Deposit must name its Withdraw or its free-spin grant, which a Withdraw body lacks.
    _, body = sent(CommandKind.BET)
    refusal = rejected(verify("Deposit", body), Code.WRONG_INPUT)
    assert "refTransactionID or freeSpinID" in refusal.reason


def test_a_withdraw_with_forged_unsigned_fields_still_verifies_as_a_deposit() -> None:
    # The protocol's own limit, named so nobody believes otherwise: with the unsigned
    # refTransactionID added, the Withdraw's sign holds on /Deposit. Only the wallet's
    # idempotency (one id space for every operation, refused Withdraw ids remembered)
    # keeps this from crediting money; docs/wallet-callbacks.md tells operators so.
    _, body = sent(CommandKind.BET)
    forged = _with(body, "refTransactionID", hex_id(1))
    callback = verify("Deposit", forged)
    assert isinstance(callback, IGamingAceBCallback)
    assert callback.transaction_id == hex_id(9001)  # the Withdraw's own id


def test_unsigned_fields_are_not_covered_by_the_sign() -> None:
    # What the spec leaves unsigned (gameID, freeSpinID, isBonusBuy, Deposit's
    # refTransactionID) can be changed in transit without the sign noticing: a wallet must
    # not move money on them alone. Named here so that nobody believes otherwise.
    operation, body = sent(CommandKind.WIN)
    changed = _with(_with(body, "gameID", "other-game"), "refTransactionID", hex_id(1))
    callback = verify(operation, changed)
    assert isinstance(callback, IGamingAceBCallback)
    assert (callback.game_id, callback.ref_transaction_id) == ("other-game", hex_id(1))


# --- shape: code 2 --------------------------------------------------------------------


WITHDRAW = {
    "agentID": AGENT_ID,
    "userID": "Player01",
    "amount": Decimal("1.00"),
    "transactionID": hex_id(1),
    "roundID": hex_id(2),
    "gameID": "lucky-sevens",
    "freeSpinID": None,
    "isBonusBuy": 0,
}


def _withdraw(**change: Any) -> bytes:
    doc = {**WITHDRAW, **change}
    try:
        sign = b_sign(SECRET_KEY, "Withdraw", doc)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        sign = "0" * 64  # a value the spec's recipe cannot even sign: shape fails first
    return _body_of({**doc, "sign": sign})


def _body_of(doc: dict[str, Any]) -> bytes:
    members = (
        f"{json.dumps(k)}:{format(v, 'f') if isinstance(v, Decimal) else json.dumps(v)}"
        for k, v in doc.items()
    )
    return ("{" + ",".join(members) + "}").encode()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"userID": "abc"}, "userID"),
        ({"userID": "a" * 49}, "userID"),
        ({"userID": "player_01"}, "userID"),
        ({"userID": 1234}, "userID"),
        ({"agentID": ""}, "agentID"),
        ({"agentID": "a\nb"}, "agentID"),
        ({"amount": Decimal("1.005")}, "more than 2 decimals"),
        ({"amount": Decimal("-1.00")}, "non-negative"),
        ({"amount": "1.00"}, "non-negative"),
        ({"amount": True}, "non-negative"),
        ({"transactionID": "xyz"}, "transactionID"),
        ({"transactionID": hex_id(1)[:-1]}, "transactionID"),
        ({"transactionID": 1}, "transactionID"),
        ({"roundID": None}, "roundID"),
        ({"gameID": None}, "gameID"),
        ({"gameID": ""}, "gameID"),
        ({"freeSpinID": "x" * 37}, "freeSpinID"),
        ({"isBonusBuy": 2}, "isBonusBuy"),
        ({"isBonusBuy": True}, "isBonusBuy"),
    ],
)
def test_a_body_of_the_wrong_shape_is_wrong_input(change: dict[str, Any], why: str) -> None:
    refusal = rejected(verify("Withdraw", _withdraw(**change)), Code.WRONG_INPUT)
    assert why in refusal.reason


def test_amounts_with_trailing_zeros_or_as_integers_are_read_exactly() -> None:
    for amount in (Decimal("1.000"), Decimal("1.0"), 1):
        callback = verify("Withdraw", _withdraw(amount=amount))
        assert isinstance(callback, IGamingAceBCallback), amount
        assert callback.amount == Decimal("1.00")


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"agentID":"a","agentID":"b"}', b'{"a":NaN}', b"\xff"],
)
def test_unreadable_bodies_are_wrong_input(body: bytes) -> None:
    rejected(verify("GetBalance", body), Code.WRONG_INPUT)


def test_an_oversized_body_is_wrong_input() -> None:
    body = b'{"pad":"' + b"x" * MAX_REQUEST_BODY_BYTES + b'"}'
    rejected(verify("GetBalance", body), Code.WRONG_INPUT)


@pytest.mark.parametrize("operation", ["", "getbalance", "Status", "userAuth", "../Withdraw"])
def test_an_unknown_operation_is_wrong_input(operation: str) -> None:
    _, body = sent(CommandKind.BALANCE)
    rejected(verify(operation, body), Code.WRONG_INPUT)


def test_without_signature_checks_shape_is_still_enforced() -> None:
    body = _withdraw(amount=Decimal("1.005"))
    rejected(verify("Withdraw", body, require_signature=False), Code.WRONG_INPUT)
    unsigned = _body_of({**WITHDRAW, "sign": "0" * 64})
    assert isinstance(verify("Withdraw", unsigned, require_signature=False), IGamingAceBCallback)
