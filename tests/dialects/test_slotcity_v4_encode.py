"""Reelhouse side, outbound: the exact request bytes for every command."""

from __future__ import annotations

import dataclasses

import pytest

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import CommandKind, WalletCommand

from .slotcity_samples import CREDS, NOW, TOKEN, command, independent_signature

BET_DATA = (
    b'"gplay_id":"77","account":"alice_1","trans_guid":"9001","time_stamp":1767225599123,'
    b'"round_id":500,"provider_id":3,"game_code":"vs20doghouse","game_type":"slot"'
)

EXPECTED_BODIES = {
    CommandKind.AUTHENTICATE: (
        b'{"command":"authenticate","data":{"account":"alice_1"},'
        b'"timestamp":"1767225600","check":"21"}'
    ),
    CommandKind.BALANCE: (
        b'{"command":"balance","data":{"account":"alice_1"},'
        b'"timestamp":"1767225600","check":"21,22"}'
    ),
    CommandKind.BET: (
        b'{"command":"bet","data":{' + BET_DATA + b',"amount":12.30,"type":1,"call_id":0},'
        b'"timestamp":"1767225600","check":"21,22,41,31"}'
    ),
    CommandKind.WIN: (
        b'{"command":"win","data":{"gplay_id":"77","account":"alice_1","trans_guid":"9002",'
        b'"time_stamp":1767225599123,"round_id":500,"provider_id":3,'
        b'"game_code":"vs20doghouse","game_type":"slot","amount":12.30,"type":2,"call_id":0},'
        b'"timestamp":"1767225600","check":"21,22,41"}'
    ),
    CommandKind.CANCEL: (
        b'{"command":"cancel","data":{"gplay_id":"77","account":"alice_1","trans_guid":"9003",'
        b'"cancel_trans_guid":"9001","time_stamp":1767225599123,"round_id":500,'
        b'"provider_id":3,"game_code":"vs20doghouse","game_type":"slot","amount":12.30,'
        b'"type":16,"call_id":0},"timestamp":"1767225600","check":"21,22,41,43"}'
    ),
    CommandKind.STATUS: (
        b'{"command":"status","data":{"account":"alice_1","trans_guid":"9001"},'
        b'"timestamp":"1767225600","check":"21,42"}'
    ),
}


@pytest.mark.parametrize("kind", slotcity_v4.COMMANDS)
def test_every_command_encodes_to_exact_bytes_and_headers(kind: CommandKind) -> None:
    request = slotcity_v4.encode_command(command(kind), CREDS, NOW)

    assert request.method == "POST"
    assert request.url == "https://casino.example/wallet/callback"
    assert request.body == EXPECTED_BODIES[kind]
    assert request.headers == (
        ("Callback-Token", TOKEN),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("X-Reelhouse-Timestamp", "1767225600"),
        ("X-Reelhouse-Signature", independent_signature(TOKEN, "1767225600", request.body)),
    )


def test_published_signature_vector() -> None:
    # A vector for the docs (cross-checked with `openssl dgst -sha256 -hmac`): operators can
    # check their verifier against it byte for byte.
    body = EXPECTED_BODIES[CommandKind.BALANCE]
    expected = "9d53e3b44a02acc84287ce950485fcf8ac1036eeb333a7d9094fe5a2415e9389"
    computed = independent_signature(TOKEN, "1767225600", body)
    assert slotcity_v4.sign(TOKEN, "1767225600", body) == computed
    assert computed == expected


@pytest.mark.parametrize(
    ("currency", "amount_minor", "text"),
    [
        ("USD", 0, b'"amount":0.00,'),
        ("USD", 5, b'"amount":0.05,'),
        ("USD", 1230, b'"amount":12.30,'),
        ("JPY", 0, b'"amount":0,'),
        ("JPY", 1500, b'"amount":1500,'),
        ("KWD", 1250, b'"amount":1.250,'),
        ("KWD", 1, b'"amount":0.001,'),
        ("BTC", 1, b'"amount":0.00000001,'),
        ("USD", 10**15, b'"amount":10000000000000.00,'),
    ],
)
def test_amounts_are_bare_numbers_with_the_currency_digits(
    currency: str, amount_minor: int, text: bytes
) -> None:
    cmd = command(CommandKind.BET, currency=currency, amount_minor=amount_minor)
    body = slotcity_v4.encode_command(cmd, CREDS, NOW).body
    assert text in body
    assert b"e" not in text.lower()


def test_the_same_command_gives_the_same_data_on_every_retry() -> None:
    # A retried win carries the same id and data; only the envelope timestamp moves.
    first = slotcity_v4.encode_command(command(CommandKind.WIN), CREDS, NOW)
    again = slotcity_v4.encode_command(command(CommandKind.WIN), CREDS, NOW + 3)
    assert first.body.replace(b"1767225600", b"1767225603") == again.body
    assert (
        dict(first.headers)["X-Reelhouse-Signature"] != dict(again.headers)["X-Reelhouse-Signature"]
    )


def test_status_falls_back_to_trans_id_when_no_cancel_trans_id() -> None:
    cmd = WalletCommand(CommandKind.STATUS, "alice_1", "USD", trans_id=42)
    body = slotcity_v4.encode_command(cmd, CREDS, NOW).body
    assert b'"data":{"account":"alice_1","trans_guid":"42"}' in body


def test_non_ascii_game_code_is_escaped_so_bytes_stay_ascii() -> None:
    cmd = dataclasses.replace(command(CommandKind.BET), game_code="dragón")
    body = slotcity_v4.encode_command(cmd, CREDS, NOW).body
    assert b'"game_code":"drag\\u00f3n"' in body
    body.decode("ascii")


def test_money_command_without_round_context_is_a_programmer_error() -> None:
    cmd = WalletCommand(CommandKind.WIN, "alice_1", "USD", trans_id=1, round_id=2, amount_minor=0)
    with pytest.raises(AssertionError):
        slotcity_v4.encode_command(cmd, CREDS, NOW)


def test_callback_url_must_be_http() -> None:
    creds = CallbackCredentials("ftp://casino.example/", TOKEN)
    with pytest.raises(AssertionError):
        slotcity_v4.encode_command(command(CommandKind.BALANCE), creds, NOW)


def test_credentials_repr_hides_secrets() -> None:
    creds = CallbackCredentials("https://x.example/", "secret-token", "api", "key")
    assert "secret-token" not in repr(creds)
    assert "key" not in repr(creds).replace("CallbackCredentials", "")


@pytest.mark.parametrize(
    ("kind", "timeout_ms", "retries", "delay", "durable"),
    [
        (CommandKind.AUTHENTICATE, 4000, 2, (0, 0), False),
        (CommandKind.BALANCE, 2000, 2, (0, 0), False),
        (CommandKind.STATUS, 4000, 2, (0, 0), False),
        (CommandKind.BET, 2000, 0, (0, 0), False),
        (CommandKind.WIN, 4000, 3, (2000, 4000), True),
        (CommandKind.CANCEL, 4000, 3, (2000, 4000), True),
    ],
)
def test_timeouts_and_retries_are_the_spec_table(
    kind: CommandKind, timeout_ms: int, retries: int, delay: tuple[int, int], durable: bool
) -> None:
    dialect = slotcity_v4.SLOTCITY_V4
    assert dialect.timeout_ms(kind) == timeout_ms
    assert slotcity_v4.encode_command(command(kind), CREDS, NOW).timeout_ms == timeout_ms
    assert dialect.quick_retries(kind) == retries
    policy = dialect.retry_policy(kind)
    assert (policy.delay_min_ms, policy.delay_max_ms) == delay
    assert policy.durable is durable
