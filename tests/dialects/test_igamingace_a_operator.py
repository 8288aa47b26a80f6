"""Flavour A, operator side: verify and read a callback; every tampered field is refused."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from reelhouse.dialects import igamingace_a
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection, OperatorDialect
from reelhouse.dialects.igamingace_a import IGamingAceACallback, Status
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES, SIGNATURE_MAX_SKEW_SECONDS
from reelhouse.domain.wallet import CommandKind

from .igamingace_samples import (
    API_TOKEN,
    CREDS_A,
    GAME_NUMBER,
    KINDS,
    NOW,
    NOW_MS,
    a_body,
    a_headers,
    command,
)

INTEGRITY = b'{"balance":0,"statusCode":"ERR_INTEGRITY_CHECK_FAILED"}'
UNKNOWN = b'{"balance":0,"statusCode":"ERR_UNKNOWN"}'


def sent(kind: CommandKind) -> tuple[dict[str, str], bytes]:
    request = igamingace_a.encode_command(command(kind), CREDS_A, NOW)
    return dict(request.headers), request.body


def verify(
    headers: dict[str, str], body: bytes, now: int = NOW, require_signature: bool = True
) -> IGamingAceACallback | CallbackRejection:
    return igamingace_a.verify_and_decode_callback(headers, body, API_TOKEN, now, require_signature)


def rejected(outcome: object, status: Status) -> CallbackRejection:
    assert isinstance(outcome, CallbackRejection), outcome
    assert outcome.result == status.value
    assert outcome.answer == (INTEGRITY if status is Status.INTEGRITY_CHECK_FAILED else UNKNOWN)
    return outcome


def test_a_betwin_reads_back_every_field() -> None:
    callback = verify(*sent(CommandKind.BET_WIN))
    assert callback == IGamingAceACallback(
        kind=CommandKind.BET_WIN,
        player_id="Player01",
        currency="USD",
        sent_at_ms=NOW_MS,
        transaction_id=9004,
        round_id=500,
        provider_id=1,
        game_code=GAME_NUMBER,
        bet_amount=Decimal("12.3"),
        win_amount=Decimal("25"),
        bonus_id=0,
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_reads_back(kind: CommandKind) -> None:
    callback = verify(*sent(kind))
    assert isinstance(callback, IGamingAceACallback)
    # The protocol has no authenticate: both reads arrive as `balance`.
    assert callback.kind is (CommandKind.BALANCE if kind is CommandKind.AUTHENTICATE else kind)
    if kind is CommandKind.CANCEL:
        assert (callback.transaction_id, callback.reference_id) == (9003, 9001)
        assert callback.amount == Decimal("12.30")
    if kind is CommandKind.BET:
        assert callback.is_bonus_buy is False
    if kind is CommandKind.WIN:
        assert callback.is_round_finished is True


def test_the_dialect_object_verifies_with_credentials() -> None:
    operator_side: OperatorDialect[IGamingAceACallback] = igamingace_a.IGAMINGACE_A
    headers, body = sent(CommandKind.WIN)
    callback = operator_side.verify_and_decode_callback(headers, body, CREDS_A, NOW)
    assert isinstance(callback, IGamingAceACallback)
    without_token = CallbackCredentials("", "callback-token")
    with pytest.raises(AssertionError):
        operator_side.verify_and_decode_callback(headers, body, without_token, NOW)


def test_header_name_is_case_insensitive() -> None:
    headers, body = sent(CommandKind.BET)
    lowered = {name.lower(): value for name, value in headers.items()}
    assert isinstance(verify(lowered, body), IGamingAceACallback)


# --- tampering: every field, the signature, the key -------------------------------------


def _tampered_values(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, 0 if value else 1]
    if isinstance(value, Decimal):
        return [value + Decimal("0.01"), value * 10]
    assert isinstance(value, str)
    return [value + "x", value.upper() if value != value.upper() else value.lower()]


def _cases() -> list[tuple[CommandKind, str, Any]]:
    cases = []
    for kind in KINDS[1:]:
        doc = json.loads(sent(kind)[1], parse_float=Decimal)
        for key, value in doc.items():
            cases.extend((kind, key, tampered) for tampered in _tampered_values(value))
    return cases


@pytest.mark.parametrize(("kind", "key", "value"), _cases())
def test_every_tampered_field_is_refused(kind: CommandKind, key: str, value: Any) -> None:
    headers, body = sent(kind)
    doc = json.loads(body, parse_float=Decimal)
    doc[key] = value
    forged = a_body(**doc)
    rejected(verify(headers, forged), Status.INTEGRITY_CHECK_FAILED)


@pytest.mark.parametrize("kind", KINDS[1:])
def test_an_added_or_removed_field_is_refused(kind: CommandKind) -> None:
    headers, body = sent(kind)
    doc = json.loads(body, parse_float=Decimal)
    added = a_body(**doc, extra=1)
    rejected(verify(headers, added), Status.INTEGRITY_CHECK_FAILED)
    doc.pop("playerId")
    rejected(verify(headers, a_body(**doc)), Status.INTEGRITY_CHECK_FAILED)


def test_a_swapped_pair_of_values_is_refused() -> None:
    # The signed text is positional: two values exchanged must not verify.
    headers, body = sent(CommandKind.CANCEL)
    swapped = body.replace(
        b'"transactionId":9003,"referenceId":9001', b'"transactionId":9001,"referenceId":9003'
    )
    rejected(verify(headers, swapped), Status.INTEGRITY_CHECK_FAILED)


@pytest.mark.parametrize(
    "signature",
    ["", "x", "==", "AAAA", "abc" * 30],
)
def test_a_wrong_signature_is_refused(signature: str) -> None:
    headers, body = sent(CommandKind.BET)
    headers["X-Request-Signature"] = signature
    rejected(verify(headers, body), Status.INTEGRITY_CHECK_FAILED)


def test_a_signature_with_one_flipped_character_is_refused() -> None:
    headers, body = sent(CommandKind.BET)
    good = headers["X-Request-Signature"]
    for position in (0, len(good) // 2, len(good) - 3):
        flipped = "A" if good[position] != "A" else "B"
        headers["X-Request-Signature"] = good[:position] + flipped + good[position + 1 :]
        rejected(verify(headers, body), Status.INTEGRITY_CHECK_FAILED)


def test_a_missing_signature_is_refused() -> None:
    headers, body = sent(CommandKind.WIN)
    del headers["X-Request-Signature"]
    rejected(verify(headers, body), Status.INTEGRITY_CHECK_FAILED)


def test_a_signature_made_with_another_token_is_refused() -> None:
    _, body = sent(CommandKind.BET)
    rejected(verify(a_headers(body, token=API_TOKEN + "x"), body), Status.INTEGRITY_CHECK_FAILED)


def test_a_signature_header_sent_twice_with_different_values_is_refused() -> None:
    class TwoCopies(dict[str, str]):
        def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
            return [*super().items(), ("x-request-signature", "other")]

    headers, body = sent(CommandKind.BET)
    rejected(verify(TwoCopies(headers), body), Status.INTEGRITY_CHECK_FAILED)


@pytest.mark.parametrize("skew", [SIGNATURE_MAX_SKEW_SECONDS + 1, -SIGNATURE_MAX_SKEW_SECONDS - 1])
def test_a_stale_or_future_timestamp_is_refused(skew: int) -> None:
    headers, body = sent(CommandKind.WIN)
    rejected(verify(headers, body, now=NOW + skew), Status.INTEGRITY_CHECK_FAILED)


@pytest.mark.parametrize("skew", [SIGNATURE_MAX_SKEW_SECONDS, -SIGNATURE_MAX_SKEW_SECONDS, 0])
def test_a_timestamp_inside_the_window_is_accepted(skew: int) -> None:
    headers, body = sent(CommandKind.WIN)
    assert isinstance(verify(headers, body, now=NOW + skew), IGamingAceACallback)


# --- shape: unreadable before authentication, wrong after ---------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"command":"balance","nested":{"a":1}}',
        b'{"command":"balance","list":[1]}',
        b'{"command":"balance","command":"bet"}',
        b'{"amount":NaN}',
        b"\xff\xfe",
        b'{"pad":"' + b"x" * MAX_REQUEST_BODY_BYTES + b'"}',
    ],
)
def test_an_unreadable_body_cannot_be_authenticated(body: bytes) -> None:
    rejected(verify(a_headers(b"{}"), body), Status.INTEGRITY_CHECK_FAILED)
    rejected(verify({}, body, require_signature=False), Status.UNKNOWN)


BET = {
    "command": "bet",
    "transactionId": 1,
    "playerId": "p1",
    "roundId": 2,
    "providerId": 1,
    "gameCode": 3,
    "currency": "USD",
    "amount": 1,
    "isBonusBusy": False,
    "bonusId": 0,
    "timestamp": NOW_MS,
}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"command": "authenticate"}, "unknown command"),
        ({"command": "status"}, "unknown command"),
        ({"command": None}, "unknown command"),
        ({"playerId": ""}, "playerId"),
        ({"playerId": "a b"}, "playerId"),
        ({"playerId": "p" * 65}, "playerId"),
        ({"playerId": 7}, "playerId"),
        ({"currency": "usd"}, "currency"),
        ({"transactionId": "1e3"}, "transactionId"),
        ({"transactionId": " 1"}, "transactionId"),
        ({"transactionId": -1}, "transactionId"),
        ({"roundId": True}, "roundId"),
        ({"gameCode": "lucky-sevens"}, "gameCode"),
        ({"amount": -1}, "amount"),
        ({"amount": "1.00"}, "amount"),
        ({"amount": None}, "amount"),
        ({"isBonusBusy": 0}, "isBonusBusy"),
        ({"bonusId": None}, "bonusId"),
        ({"timestamp": "1767225600000"}, "timestamp"),
    ],
)
def test_a_well_signed_body_of_the_wrong_shape_is_err_unknown(
    change: dict[str, Any], why: str
) -> None:
    doc = {**BET, **change}
    body = a_body(**doc)
    if change.get("timestamp") is not None:
        # A non-integer timestamp fails the window check first: it cannot be authenticated.
        rejected(verify(a_headers(body), body), Status.INTEGRITY_CHECK_FAILED)
        return
    refusal = rejected(verify(a_headers(body), body), Status.UNKNOWN)
    assert why in refusal.reason


def test_an_integer_beyond_64_bits_is_unreadable_even_when_signed() -> None:
    """The JSON reader refuses it (docs/security.md, Bad input): a body we cannot read cannot
    be authenticated."""
    body = a_body(**{**BET, "transactionId": 2**63})
    refusal = rejected(verify(a_headers(body), body), Status.INTEGRITY_CHECK_FAILED)
    assert "64 bits" in refusal.reason


def test_extra_signed_fields_are_tolerated() -> None:
    body = a_body(**BET, newField="x")
    callback = verify(a_headers(body), body)
    assert isinstance(callback, IGamingAceACallback)
    assert callback.amount == 1


def test_without_signature_checks_the_fields_are_still_read_strictly() -> None:
    body = a_body(**{**BET, "amount": -5})
    rejected(verify({}, body, require_signature=False), Status.UNKNOWN)
    body = a_body(**BET, timestamp_is_ignored=True)
    assert isinstance(verify({}, body, now=0, require_signature=False), IGamingAceACallback)
