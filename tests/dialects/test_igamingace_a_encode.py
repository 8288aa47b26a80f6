"""Flavour A, Reelhouse side, outbound: the exact request bytes and headers for every command."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from reelhouse.dialects import igamingace_a
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import CommandKind, WalletCommand

from .igamingace_samples import (
    API_TOKEN,
    CALLBACK_URL,
    CREDS_A,
    GAME_NUMBER,
    KINDS,
    NOW,
    a_signature,
    command,
)

CONTEXT = (
    b'"playerId":"Player01","roundId":500,"providerId":1,"gameCode":172119293,"currency":"USD"'
)
BALANCE = b'{"command":"balance","playerId":"Player01","currency":"USD","timestamp":1767225600000}'

EXPECTED_BODIES = {
    CommandKind.AUTHENTICATE: BALANCE,
    CommandKind.BALANCE: BALANCE,
    CommandKind.BET: (
        b'{"command":"bet","transactionId":9001,' + CONTEXT + b',"amount":12.3,'
        b'"isBonusBusy":false,"bonusId":0,"timestamp":1767225600000}'
    ),
    CommandKind.WIN: (
        b'{"command":"win","transactionId":9002,' + CONTEXT + b',"amount":12.3,'
        b'"isRoundFinished":true,"bonusId":0,"timestamp":1767225600000}'
    ),
    CommandKind.BET_WIN: (
        b'{"command":"betwin","transactionId":9004,' + CONTEXT + b',"betAmount":12.3,'
        b'"winAmount":25,"bonusId":0,"timestamp":1767225600000}'
    ),
    CommandKind.CANCEL: (
        b'{"command":"cancel","transactionId":9003,"referenceId":9001,' + CONTEXT + b","
        b'"amount":12.3,"timestamp":1767225600000}'
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_encodes_to_exact_bytes_and_headers(kind: CommandKind) -> None:
    request = igamingace_a.encode_command(command(kind), CREDS_A, NOW)

    assert request.method == "POST"
    assert request.url == CALLBACK_URL
    assert request.body == EXPECTED_BODIES[kind]
    assert request.headers == (
        ("X-Request-Signature", a_signature(API_TOKEN, request.body)),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    )
    assert request.timeout_ms == igamingace_a.TIMEOUT_MS_BY_KIND[kind]


def test_published_signature_vector() -> None:
    # For the docs, cross-checked with
    #   printf '%s' 'balance,USD,Player01,1767225600000' |
    #   openssl dgst -sha512 -hmac "$API_TOKEN" -binary | base64
    body = EXPECTED_BODIES[CommandKind.BALANCE]
    fields = {"command": "balance", "playerId": "Player01", "currency": "USD"}
    fields_with_time = {**fields, "timestamp": 1767225600000}
    assert igamingace_a.signed_message(fields_with_time) == b"balance,USD,Player01,1767225600000"
    expected = (
        "nKL+ArkcC2RC9owOOn4CpSBo0aQrGPZk9tF/4hPc8FhlRd7StkNfqWa6tOXqh2sQ93EDIHGAgJYMm8JLMuoLKg=="
    )
    assert igamingace_a.sign(API_TOKEN, fields_with_time) == expected
    assert a_signature(API_TOKEN, body) == expected


def test_the_game_is_named_by_its_pinned_number() -> None:
    body = igamingace_a.encode_command(command(CommandKind.BET), CREDS_A, NOW).body
    assert b'"gameCode":%d,' % GAME_NUMBER in body


@pytest.mark.parametrize(
    ("currency", "amount_minor", "text"),
    [
        ("USD", 0, b'"amount":0,'),
        ("USD", 5, b'"amount":0.05,'),
        ("USD", 10, b'"amount":0.1,'),
        ("USD", 1000, b'"amount":10,'),
        ("USD", 1050, b'"amount":10.5,'),
        ("USD", 1, b'"amount":0.01,'),
        ("JPY", 1500, b'"amount":1500,'),
        ("KWD", 1250, b'"amount":1.25,'),
        ("KWD", 1, b'"amount":0.001,'),
        ("BTC", 1, b'"amount":0.00000001,'),
        ("USD", 10**15, b'"amount":10000000000000,'),
    ],
)
def test_amounts_are_shortest_exact_numbers(currency: str, amount_minor: int, text: bytes) -> None:
    cmd = command(CommandKind.BET, currency=currency, amount_minor=amount_minor)
    request = igamingace_a.encode_command(cmd, CREDS_A, NOW)
    assert text in request.body
    assert b"e" not in text.lower()
    # The signature takes the same text the body carries.
    assert dict(request.headers)["X-Request-Signature"] == a_signature(API_TOKEN, request.body)


def test_betwin_carries_both_amounts_and_a_zero_win() -> None:
    cmd = command(CommandKind.BET_WIN, amount_minor=200, win_minor=0)
    body = igamingace_a.encode_command(cmd, CREDS_A, NOW).body
    assert b'"betAmount":2,"winAmount":0,' in body


def test_a_retry_differs_only_in_timestamp_and_signature() -> None:
    first = igamingace_a.encode_command(command(CommandKind.WIN), CREDS_A, NOW)
    again = igamingace_a.encode_command(command(CommandKind.WIN), CREDS_A, NOW + 3600)
    assert first.body.replace(b"1767225600000", b"1767229200000") == again.body
    assert first.headers[0] != again.headers[0]


def test_large_ids_are_exact_json_integers() -> None:
    cmd = dataclasses.replace(
        command(CommandKind.CANCEL), trans_id=2**63 - 1, cancel_trans_id=2**62
    )
    body = igamingace_a.encode_command(cmd, CREDS_A, NOW).body
    assert b'"transactionId":9223372036854775807,"referenceId":4611686018427387904,' in body


def test_non_ascii_player_text_is_escaped_and_signed_as_text() -> None:
    cmd = dataclasses.replace(command(CommandKind.BALANCE), account="jos\u00e9")
    request = igamingace_a.encode_command(cmd, CREDS_A, NOW)
    assert b'"playerId":"jos\\u00e9"' in request.body
    request.body.decode("ascii")
    assert request.headers[0][1] == a_signature(API_TOKEN, request.body)


def test_status_is_not_a_flavour_a_command() -> None:
    assert not igamingace_a.IGAMINGACE_A.supports(CommandKind.STATUS)
    cmd = WalletCommand(CommandKind.STATUS, "Player01", "USD", trans_id=1)
    with pytest.raises(AssertionError):
        igamingace_a.encode_command(cmd, CREDS_A, NOW)


def test_it_signs_with_the_api_token_only() -> None:
    no_token = CallbackCredentials(CALLBACK_URL, "callback-token")
    with pytest.raises(AssertionError):
        igamingace_a.encode_command(command(CommandKind.BALANCE), no_token, NOW)


def test_money_command_without_round_context_is_a_programmer_error() -> None:
    cmd = WalletCommand(CommandKind.WIN, "Player01", "USD", trans_id=1, round_id=2, amount_minor=0)
    with pytest.raises(AssertionError):
        igamingace_a.encode_command(cmd, CREDS_A, NOW)


@pytest.mark.parametrize(
    ("kind", "timeout_ms", "retries", "delay", "durable"),
    [
        (CommandKind.AUTHENTICATE, 2000, 0, (0, 0), False),
        (CommandKind.BALANCE, 2000, 0, (0, 0), False),
        (CommandKind.BET, 3000, 0, (0, 0), False),
        (CommandKind.BET_WIN, 3000, 0, (0, 0), False),
        (CommandKind.WIN, 4000, 2, (1000, 2000), True),
        (CommandKind.CANCEL, 4000, 2, (1000, 2000), True),
    ],
)
def test_timeouts_and_retry_rules(
    kind: CommandKind, timeout_ms: int, retries: int, delay: tuple[int, int], durable: bool
) -> None:
    dialect = igamingace_a.IGAMINGACE_A
    policy = dialect.retry_policy(kind)
    assert dialect.timeout_ms(kind) == timeout_ms
    assert dialect.quick_retries(kind) == retries == policy.quick_retries
    assert (policy.delay_min_ms, policy.delay_max_ms) == delay
    assert policy.durable is durable
    assert dialect.supports(kind)


@pytest.mark.parametrize(
    ("ref", "bonus"),
    [("4242", 4242), ("issue-7", 777), (None, 777), ("0", 777), (str(2**63), 777)],
)
def test_a_free_rounds_win_names_its_bonus_call(ref: str | None, bonus: int) -> None:
    # The operator's integer issueId when it gave one, else Reelhouse's fr_id (777).
    cmd = dataclasses.replace(
        command(CommandKind.WIN), bet_trans_id=None, free_round_id=777, free_round_ref=ref
    )
    body = igamingace_a.encode_command(cmd, CREDS_A, NOW).body
    assert b'"isRoundFinished":true,"bonusId":%d,' % bonus in body


def test_paid_rounds_carry_bonus_id_zero() -> None:
    for kind in (CommandKind.BET, CommandKind.WIN, CommandKind.BET_WIN):
        body = igamingace_a.encode_command(command(kind), CREDS_A, NOW).body
        assert b'"bonusId":0,' in body


def test_the_betwin_vector_of_the_docs() -> None:
    # docs/wallet-callbacks.md quotes this request; cross-checked with openssl as above.
    request = igamingace_a.encode_command(command(CommandKind.BET_WIN), CREDS_A, NOW)
    assert request.body == EXPECTED_BODIES[CommandKind.BET_WIN]
    fields = json.loads(request.body, parse_float=Decimal)
    assert igamingace_a.signed_message(fields) == (
        b"12.3,0,betwin,USD,172119293,Player01,1,500,1767225600000,9004,25"
    )
    assert request.headers[0][1] == (
        "VCo+7AwU2Np7vo8ZfP2x1vrBB1Ny596qH7n6wB8T3ik6/xf/zlwtZf8A6hwXXupin05evU/UVM2lX9N944YIbQ=="
    )
