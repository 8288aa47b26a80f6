"""Operator side: verify and read a callback; encode an answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import CallbackRejection
from reelhouse.dialects.slotcity_v4 import Result, SlotCityCallback
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES, SIGNATURE_MAX_SKEW_SECONDS
from reelhouse.domain.wallet import CommandKind

from .slotcity_samples import CREDS, NOW, TOKEN, command, signed_headers

BAD_TOKEN_ANSWER = b'{"result":100,"status":"ERROR"}'
MALFORMED_ANSWER = b'{"result":99,"status":"ERROR"}'


def sent(kind: CommandKind) -> tuple[dict[str, str], bytes]:
    request = slotcity_v4.encode_command(command(kind), CREDS, NOW)
    return dict(request.headers), request.body


def verify(
    headers: dict[str, str], body: bytes, now: int = NOW, require_signature: bool = True
) -> SlotCityCallback | CallbackRejection:
    return slotcity_v4.verify_and_decode_callback(headers, body, TOKEN, now, require_signature)


def rejected(outcome: object, result: int) -> CallbackRejection:
    assert isinstance(outcome, CallbackRejection), outcome
    assert outcome.result == result
    assert outcome.answer == (BAD_TOKEN_ANSWER if result == 100 else MALFORMED_ANSWER)
    return outcome


def test_a_bet_reads_back_every_field() -> None:
    callback = verify(*sent(CommandKind.BET))
    assert callback == SlotCityCallback(
        kind=CommandKind.BET,
        account="alice_1",
        checks=(Result(21), Result(22), Result(41), Result(31)),
        sent_at_unix_s=NOW,
        trans_guid="9001",
        round_id=500,
        amount=Decimal("12.30"),
        session_id=77,
        provider_id=3,
        game_code="vs20doghouse",
        game_type="slot",
        created_at_ms=1767225599123,
        call_id=0,
    )
    assert str(callback.amount) == "12.30"


@pytest.mark.parametrize("kind", slotcity_v4.COMMANDS)
def test_every_command_reads_back(kind: CommandKind) -> None:
    callback = verify(*sent(kind))
    assert isinstance(callback, SlotCityCallback)
    assert callback.kind is kind
    assert callback.checks == slotcity_v4.CHECKS_BY_KIND[kind]
    if kind is CommandKind.CANCEL:
        assert (callback.trans_guid, callback.cancel_trans_guid) == ("9003", "9001")
    if kind is CommandKind.STATUS:
        assert callback.trans_guid == "9001"
        assert callback.amount is None


def test_the_dialect_object_verifies_with_credentials() -> None:
    headers, body = sent(CommandKind.BALANCE)
    callback = slotcity_v4.SLOTCITY_V4.verify_and_decode_callback(headers, body, CREDS, NOW)
    assert isinstance(callback, SlotCityCallback)


def test_header_names_are_case_insensitive() -> None:
    headers, body = sent(CommandKind.WIN)
    lowered = {name.lower(): value for name, value in headers.items()}
    shouted = {name.upper(): value for name, value in headers.items()}
    assert isinstance(verify(lowered, body), SlotCityCallback)
    assert isinstance(verify(shouted, body), SlotCityCallback)


def test_signature_hex_is_compared_case_insensitively() -> None:
    headers, body = sent(CommandKind.WIN)
    headers["X-Reelhouse-Signature"] = headers["X-Reelhouse-Signature"].upper()
    assert isinstance(verify(headers, body), SlotCityCallback)


# --- token ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", ["", "wrong", TOKEN.upper(), TOKEN + " ", TOKEN[:-1], "é" + TOKEN[1:]]
)
def test_a_wrong_token_is_100(token: str) -> None:
    headers, body = sent(CommandKind.BET)
    headers["Callback-Token"] = token
    rejected(verify(headers, body), 100)


def test_a_missing_token_is_100_even_with_a_valid_signature() -> None:
    headers, body = sent(CommandKind.BET)
    del headers["Callback-Token"]
    rejected(verify(headers, body), 100)
    rejected(verify(headers, body, require_signature=False), 100)


def test_a_token_sent_twice_with_different_values_is_100() -> None:
    class TwoCopies(dict[str, str]):
        def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
            return [*super().items(), ("callback-token", "other")]

    headers, body = sent(CommandKind.BET)
    rejected(verify(TwoCopies(headers), body), 100)


# --- signature and freshness ------------------------------------------------------------


@pytest.mark.parametrize("header", ["X-Reelhouse-Timestamp", "X-Reelhouse-Signature"])
def test_a_missing_signature_header_is_100(header: str) -> None:
    headers, body = sent(CommandKind.WIN)
    del headers[header]
    rejected(verify(headers, body), 100)
    # An operator that does not check signatures is unaffected (spec).
    assert isinstance(verify(headers, body, require_signature=False), SlotCityCallback)


@pytest.mark.parametrize("skew", [-SIGNATURE_MAX_SKEW_SECONDS - 1, SIGNATURE_MAX_SKEW_SECONDS + 1])
def test_a_stale_or_future_timestamp_is_100(skew: int) -> None:
    headers, body = sent(CommandKind.WIN)
    rejected(verify(headers, body, now=NOW - skew), 100)


@pytest.mark.parametrize("skew", [-SIGNATURE_MAX_SKEW_SECONDS, 0, SIGNATURE_MAX_SKEW_SECONDS])
def test_a_timestamp_inside_the_window_is_accepted(skew: int) -> None:
    headers, body = sent(CommandKind.WIN)
    assert isinstance(verify(headers, body, now=NOW - skew), SlotCityCallback)


@pytest.mark.parametrize("timestamp", ["", "abc", "-1767225600", "1767225600.0", "١٧٦٧٢٢٥٦٠٠"])
def test_a_malformed_timestamp_header_is_100(timestamp: str) -> None:
    headers, body = sent(CommandKind.WIN)
    headers["X-Reelhouse-Timestamp"] = timestamp
    rejected(verify(headers, body), 100)


def test_a_replayed_signature_with_a_new_timestamp_header_is_100() -> None:
    headers, body = sent(CommandKind.WIN)
    headers["X-Reelhouse-Timestamp"] = str(NOW + 10)
    rejected(verify(headers, body, now=NOW + 10), 100)


def test_a_body_timestamp_that_differs_from_the_signed_one_is_100() -> None:
    _, body = sent(CommandKind.WIN)
    rejected(verify(signed_headers(body, timestamp=NOW + 1), body), 100)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"account":"alice_1"', b'"account":"alice_2"'),
        (b'"trans_guid":"9002"', b'"trans_guid":"9012"'),
        (b'"round_id":500', b'"round_id":501'),
        (b'"amount":12.30', b'"amount":99.30'),
        (b'"amount":12.30', b'"amount":12.3'),
        (b'"gplay_id":"77"', b'"gplay_id":"78"'),
        (b'"provider_id":3', b'"provider_id":4'),
        (b'"game_code":"vs20doghouse"', b'"game_code":"vs20doghousf"'),
        (b'"time_stamp":1767225599123', b'"time_stamp":1767225599124'),
        (b'"type":2', b'"type":1'),
        (b'"call_id":0', b'"call_id":1'),
        (b'"command":"win"', b'"command":"bet"'),
        (b'"check":"21,22,41"', b'"check":"21"'),
        (b'"timestamp":"1767225600"', b'"timestamp":"1767225601"'),
        (b"{", b" {"),
    ],
)
def test_every_tampered_field_is_100(old: bytes, new: bytes) -> None:
    headers, body = sent(CommandKind.WIN)
    assert old in body
    rejected(verify(headers, body.replace(old, new, 1)), 100)


def test_a_signature_made_with_another_token_is_100() -> None:
    _, body = sent(CommandKind.WIN)
    headers = signed_headers(body, token="another-token")
    headers["Callback-Token"] = TOKEN
    rejected(verify(headers, body), 100)


# --- shape ------------------------------------------------------------------------------

WIN_DATA = (
    '"gplay_id":"77","account":"alice_1","trans_guid":"9002","time_stamp":1,'
    '"round_id":500,"provider_id":3,"game_code":"g","game_type":"slot",'
    '"amount":AMOUNT,"type":2,"call_id":0'
)


def win_body(amount: str = "1.00", **overrides: str) -> bytes:
    envelope = {
        "command": '"win"',
        "data": "{" + WIN_DATA.replace("AMOUNT", amount) + "}",
        "timestamp": f'"{NOW}"',
        "check": '"21,22,41"',
    }
    envelope.update(overrides)
    return ("{" + ",".join(f'"{k}":{v}' for k, v in envelope.items()) + "}").encode()


def test_the_win_body_helper_is_valid() -> None:
    body = win_body()
    assert isinstance(verify(signed_headers(body), body), SlotCityCallback)


MALFORMED = [
    b"",
    b"not json",
    b"[]",
    b'{"command":"win"}',
    win_body(command='"payout"'),
    win_body(command="2"),
    win_body(command='["win"]'),
    win_body(data='"x"'),
    win_body(data="{}"),
    win_body(timestamp=str(NOW)),
    win_body(timestamp='"soon"'),
    win_body(check="21"),
    win_body(check='"21,23"'),
    win_body(check='"21,,41"'),
    win_body(amount='"1.00"'),
    win_body(amount="-1.00"),
    win_body(amount="true"),
    win_body(amount="null"),
    win_body(amount="NaN"),
    win_body(amount="Infinity"),
    win_body().replace(b'"type":2', b'"type":16'),
    win_body().replace(b'"type":2', b'"type":2.0'),
    win_body().replace(b'"round_id":500', b'"round_id":"5e2"'),
    win_body().replace(b'"round_id":500', b'"round_id":-500'),
    win_body().replace(b'"round_id":500', b'"round_id":9223372036854775808'),
    win_body().replace(b'"gplay_id":"77",', b""),
    win_body().replace(b'"account":"alice_1"', b'"account":""'),
    win_body().replace(b'"account":"alice_1"', b'"account":"alice 1"'),
    win_body().replace(b'"account":"alice_1"', b'"account":"' + b"a" * 51 + b'"'),
    win_body().replace(b'"account":"alice_1"', b'"account":7'),
    win_body().replace(b'"trans_guid":"9002"', b'"trans_guid":9002'),
    win_body().replace(b'"trans_guid":"9002"', b'"trans_guid":"90 02"'),
    win_body().replace(b'"trans_guid":"9002"', b'"trans_guid":"9002","trans_guid":"9003"'),
    win_body().replace(b'"game_code":"g"', b'"game_code":null'),
    win_body().replace(b"{", b"\xef\xbb\xbf{", 1),
]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_callback_is_99(body: bytes) -> None:
    rejected(verify(signed_headers(body), body), 99)
    rejected(verify(signed_headers(body), body, require_signature=False), 99)


def test_a_cancel_needs_its_cancel_trans_guid() -> None:
    _, body = sent(CommandKind.CANCEL)
    body = body.replace(b'"cancel_trans_guid":"9001",', b"")
    rejected(verify(signed_headers(body), body), 99)


def test_an_oversized_body_is_99_before_hashing() -> None:
    body = win_body() + b" " * MAX_REQUEST_BODY_BYTES
    rejected(verify(signed_headers(body), body), 99)


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    body = win_body(extra='"x"').replace(b'"call_id":0', b'"call_id":0,"new_field":[1,2]')
    assert isinstance(verify(signed_headers(body), body), SlotCityCallback)


def test_amounts_are_read_exactly_never_as_floats() -> None:
    body = win_body(amount="0.10000000000000000001")
    callback = verify(signed_headers(body), body)
    assert isinstance(callback, SlotCityCallback)
    assert callback.amount == Decimal("0.10000000000000000001")
    body = win_body(amount="5")
    callback = verify(signed_headers(body), body)
    assert isinstance(callback, SlotCityCallback)
    assert callback.amount == Decimal(5)
    assert isinstance(callback.amount, Decimal)


def test_the_configured_token_must_not_be_empty() -> None:
    headers, body = sent(CommandKind.BALANCE)
    headers["Callback-Token"] = ""
    with pytest.raises(AssertionError):
        slotcity_v4.verify_and_decode_callback(headers, body, "", NOW)


# --- answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "balance", "extra", "expected"),
    [
        (0, Decimal("12.30"), None, b'{"result":0,"status":"OK","data":{"balance":12.30}}'),
        (
            0,
            Decimal("12.30"),
            {"account": "alice_1"},
            b'{"result":0,"status":"OK","data":{"account":"alice_1","balance":12.30}}',
        ),
        (
            0,
            None,
            {"account": "alice_1", "trans_guid": "9001", "trans_status": "CANCELED"},
            b'{"result":0,"status":"OK","data":{"account":"alice_1","trans_guid":"9001",'
            b'"trans_status":"CANCELED"}}',
        ),
        (0, None, None, b'{"result":0,"status":"OK","data":{}}'),
        (0, Decimal("1500"), None, b'{"result":0,"status":"OK","data":{"balance":1500}}'),
        (0, Decimal("1.250"), None, b'{"result":0,"status":"OK","data":{"balance":1.250}}'),
        (0, Decimal("0.00"), None, b'{"result":0,"status":"OK","data":{"balance":0.00}}'),
        (0, Decimal("1E+3"), None, b'{"result":0,"status":"OK","data":{"balance":1000}}'),
        (21, None, None, b'{"result":21,"status":"ERROR"}'),
        (22, None, None, b'{"result":22,"status":"ERROR"}'),
        (31, Decimal("5.00"), None, b'{"result":31,"status":"ERROR","data":{"balance":5.00}}'),
        (41, Decimal("5.00"), None, b'{"result":41,"status":"ERROR","data":{"balance":5.00}}'),
        (42, Decimal("5.00"), None, b'{"result":42,"status":"ERROR","data":{"balance":5.00}}'),
        (43, Decimal("5.00"), None, b'{"result":43,"status":"ERROR","data":{"balance":5.00}}'),
        (99, None, None, b'{"result":99,"status":"ERROR"}'),
        (100, None, None, b'{"result":100,"status":"ERROR"}'),
    ],
)
def test_answers_are_exact_bytes(
    result: int, balance: Decimal | None, extra: dict[str, str] | None, expected: bytes
) -> None:
    assert slotcity_v4.encode_answer(result, balance, extra) == expected


def test_a_non_finite_balance_is_a_programmer_error() -> None:
    with pytest.raises(AssertionError):
        slotcity_v4.encode_answer(0, Decimal("NaN"))
