"""Flavour B, Reelhouse side, outbound: the exact request bytes for every operation, and the
spec's published signature vector byte for byte."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from decimal import Decimal

import pytest

from reelhouse.dialects import igamingace_b
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import CommandKind, WalletCommand

from .igamingace_samples import (
    AGENT_ID,
    CALLBACK_BASE,
    CREDS_B,
    KINDS,
    NOW,
    SECRET_KEY,
    b_sign,
    command,
    hex_id,
)

BET_HEX, WIN_HEX, CANCEL_HEX, BET_WIN_HEX, ROUND_HEX = (
    hex_id(n) for n in (9001, 9002, 9003, 9004, 500)
)
GET_BALANCE = (
    b'{"agentID":"Partner01","userID":"Player01","gameID":172119293,"sign":"%s"}'
    % b_sign(SECRET_KEY, "GetBalance", {"agentID": AGENT_ID, "userID": "Player01"}).encode()
)


def _expected(operation: str, body_without_sign: str) -> tuple[str, bytes]:
    """The URL, and the body with the sign an operator computes from the spec's table."""
    doc = json.loads(body_without_sign, parse_float=Decimal)
    sign = b_sign(SECRET_KEY, operation, doc)
    body = body_without_sign[:-1] + f',"sign":"{sign}"}}'
    return f"{CALLBACK_BASE}/{operation}", body.encode()


EXPECTED = {
    CommandKind.AUTHENTICATE: (f"{CALLBACK_BASE}/GetBalance", GET_BALANCE),
    CommandKind.BALANCE: (f"{CALLBACK_BASE}/GetBalance", GET_BALANCE),
    CommandKind.BET: _expected(
        "Withdraw",
        '{"agentID":"Partner01","userID":"Player01","amount":12.30,'
        f'"transactionID":"{BET_HEX}","roundID":"{ROUND_HEX}","gameID":172119293,'
        '"freeSpinID":null,"isBonusBuy":0}',
    ),
    CommandKind.WIN: _expected(
        "Deposit",
        '{"agentID":"Partner01","userID":"Player01","amount":12.30,'
        f'"refTransactionID":"{BET_HEX}","transactionID":"{WIN_HEX}","roundID":"{ROUND_HEX}",'
        '"gameID":172119293,"freeSpinID":null}',
    ),
    CommandKind.BET_WIN: _expected(
        "BetWin",
        '{"agentID":"Partner01","userID":"Player01","betAmount":12.30,"winAmount":25.00,'
        f'"transactionID":"{BET_WIN_HEX}","roundID":"{ROUND_HEX}","gameID":172119293,'
        '"freeSpinID":null}',
    ),
    CommandKind.CANCEL: _expected(
        "RollbackTransaction",
        '{"agentID":"Partner01","userID":"Player01",'
        f'"refTransactionID":"{BET_HEX}","gameID":172119293}}',
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_encodes_to_exact_bytes(kind: CommandKind) -> None:
    request = igamingace_b.encode_command(command(kind), CREDS_B, NOW)
    url, body = EXPECTED[kind]
    assert request.method == "POST"
    assert request.url == url
    assert request.body == body
    assert request.headers == (("Content-Type", "application/json"), ("Accept", "application/json"))
    assert request.timeout_ms == igamingace_b.TIMEOUT_MS_BY_KIND[kind]


def test_the_published_vector_passes_byte_for_byte() -> None:
    message = (
        b"Partner01Player0112.30474e1a293c2f4e7ab122c52d68423fcbab9c15f2efdd46278e4a56b303127234"
    )
    expected = "475D834ACC3AB61D7DF4EA42751C6275387BC1787A098D2D0E091698D9BF2043"
    fields = {
        "agentID": "Partner01",
        "userID": "Player01",
        "amount": "12.30",
        "transactionID": "474e1a293c2f4e7ab122c52d68423fcb",
        "roundID": "ab9c15f2efdd46278e4a56b303127234",
    }
    assert "".join(fields[name] for name in igamingace_b.SIGNED_FIELDS["Withdraw"]).encode() == (
        message
    )
    assert igamingace_b.sign("1234567890", list(fields.values())) == expected
    assert igamingace_b.sign_fields("1234567890", "Withdraw", fields) == expected
    assert igamingace_b.sign_fields("1234567890", "Deposit", fields) == expected
    independent = hmac.new(b"1234567890", message, hashlib.sha256).hexdigest().upper()
    assert independent == expected


def test_the_vector_through_the_encoder() -> None:
    # The same agent, user, amount and key as the published vector, with our ids.
    request = igamingace_b.encode_command(command(CommandKind.BET), CREDS_B, NOW)
    message = f"Partner01Player0112.30{BET_HEX}{ROUND_HEX}".encode()
    sign = hmac.new(b"1234567890", message, hashlib.sha256).hexdigest().upper()
    assert request.body.endswith(f'"sign":"{sign}"}}'.encode())


@pytest.mark.parametrize(
    ("currency", "amount_minor", "text"),
    [
        ("USD", 0, b'"amount":0.00,'),
        ("USD", 5, b'"amount":0.05,'),
        ("USD", 1230, b'"amount":12.30,'),
        ("USD", 100, b'"amount":1.00,'),
        ("JPY", 1500, b'"amount":1500.00,'),
        ("KRW", 1, b'"amount":1.00,'),
        ("USD", 10**15, b'"amount":10000000000000.00,'),
    ],
)
def test_amounts_have_exactly_two_decimals(currency: str, amount_minor: int, text: bytes) -> None:
    cmd = command(CommandKind.BET, currency=currency, amount_minor=amount_minor)
    assert text in igamingace_b.encode_command(cmd, CREDS_B, NOW).body


@pytest.mark.parametrize("currency", ["KWD", "BHD", "BTC", "USDT"])
def test_a_currency_with_more_than_two_decimals_cannot_be_carried(currency: str) -> None:
    with pytest.raises(AssertionError):
        igamingace_b.encode_command(command(CommandKind.BET, currency=currency), CREDS_B, NOW)


def test_ids_are_32_lowercase_hex_and_reversible() -> None:
    assert igamingace_b.format_id(2**63 - 1) == "00000000000000007fffffffffffffff"
    assert igamingace_b.format_id(0) == "0" * 32
    assert igamingace_b.parse_id("00000000000000007FFFFFFFFFFFFFFF") == 2**63 - 1


def test_a_retry_is_byte_for_byte_the_first_attempt() -> None:
    first = igamingace_b.encode_command(command(CommandKind.WIN), CREDS_B, NOW)
    later = igamingace_b.encode_command(command(CommandKind.WIN), CREDS_B, NOW + 86400)
    assert first == later


def test_a_base_url_with_a_trailing_slash_gets_one_slash() -> None:
    creds = dataclasses.replace(CREDS_B, callback_url=CALLBACK_BASE + "/")
    request = igamingace_b.encode_command(command(CommandKind.CANCEL), creds, NOW)
    assert request.url == f"{CALLBACK_BASE}/RollbackTransaction"


def test_a_balance_about_no_game_sends_a_null_game() -> None:
    cmd = WalletCommand(CommandKind.BALANCE, "Player01", "USD")
    assert b'"gameID":null,' in igamingace_b.encode_command(cmd, CREDS_B, NOW).body


def test_a_paid_deposit_must_name_its_withdraw() -> None:
    cmd = dataclasses.replace(command(CommandKind.WIN), bet_trans_id=None)
    with pytest.raises(AssertionError):
        igamingace_b.encode_command(cmd, CREDS_B, NOW)


@pytest.mark.parametrize(
    "creds",
    [
        CallbackCredentials(CALLBACK_BASE, "t", agent_id=AGENT_ID),
        CallbackCredentials(CALLBACK_BASE, "t", secret_key=SECRET_KEY),
        CallbackCredentials("ftp://casino.example/", "t", secret_key=SECRET_KEY, agent_id="a"),
    ],
)
def test_it_needs_a_key_an_agent_and_an_http_url(creds: CallbackCredentials) -> None:
    with pytest.raises(AssertionError):
        igamingace_b.encode_command(command(CommandKind.BALANCE), creds, NOW)


def test_status_is_not_a_flavour_b_command() -> None:
    assert not igamingace_b.IGAMINGACE_B.supports(CommandKind.STATUS)
    with pytest.raises(AssertionError):
        igamingace_b.encode_command(
            WalletCommand(CommandKind.STATUS, "Player01", "USD", trans_id=1), CREDS_B, NOW
        )


@pytest.mark.parametrize(
    ("kind", "timeout_ms", "retries", "delay", "durable"),
    [
        (CommandKind.AUTHENTICATE, 2000, 2, (0, 0), False),
        (CommandKind.BALANCE, 2000, 2, (0, 0), False),
        (CommandKind.BET, 3000, 0, (0, 0), False),
        (CommandKind.BET_WIN, 3000, 0, (0, 0), False),
        (CommandKind.WIN, 4000, 2, (1000, 2000), True),
        (CommandKind.CANCEL, 4000, 2, (1000, 2000), True),
    ],
)
def test_timeouts_and_retry_rules(
    kind: CommandKind, timeout_ms: int, retries: int, delay: tuple[int, int], durable: bool
) -> None:
    dialect = igamingace_b.IGAMINGACE_B
    policy = dialect.retry_policy(kind)
    assert dialect.timeout_ms(kind) == timeout_ms
    assert dialect.quick_retries(kind) == retries == policy.quick_retries
    assert (policy.delay_min_ms, policy.delay_max_ms) == delay
    assert policy.durable is durable
    assert dialect.supports(kind)


@pytest.mark.parametrize(
    ("ref", "free_spin"), [("spin-2026-01", b'"spin-2026-01"'), (None, b'"777"')]
)
def test_a_free_rounds_deposit_names_its_grant_and_no_withdraw(
    ref: str | None, free_spin: bytes
) -> None:
    cmd = dataclasses.replace(
        command(CommandKind.WIN), bet_trans_id=None, free_round_id=777, free_round_ref=ref
    )
    request = igamingace_b.encode_command(cmd, CREDS_B, NOW)
    assert b'"refTransactionID":null,' in request.body
    assert b'"freeSpinID":%s,' % free_spin in request.body
    callback = igamingace_b.verify_and_decode_callback(
        "Deposit", request.body, SECRET_KEY, AGENT_ID
    )
    assert isinstance(callback, igamingace_b.IGamingAceBCallback)
    assert callback.ref_transaction_id is None
    assert callback.free_spin_id == free_spin.decode().strip('"')


def test_the_betwin_vector_of_the_docs() -> None:
    # docs/wallet-callbacks.md quotes this request; cross-checked with
    #   printf '%s' "$message" | openssl dgst -sha256 -hmac 1234567890
    request = igamingace_b.encode_command(command(CommandKind.BET_WIN), CREDS_B, NOW)
    message = f"Partner01Player0112.3025.00{BET_WIN_HEX}{ROUND_HEX}".encode()
    sign = "06E103162EF101B4F973264581B523F11E10CCCAAE68D9C89819E19C0705A4C9"
    assert hmac.new(b"1234567890", message, hashlib.sha256).hexdigest().upper() == sign
    assert request.body.endswith(b'"freeSpinID":null,"sign":"%s"}' % sign.encode())
