"""The kit's own signing and wire facts: the contract's published vectors, and its tables
held against Reelhouse's codec (two independent readings of one contract must agree)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from reelhouse.domain.money import MoneyError
from reelhouse.provider_kit.hub88_supplier import keys, wire
from reelhouse.providers import hub88_wire
from tests.providers.hub88_samples import PRIVATE_PEM, PUBLIC_PEM, signature_vectors

VECTORS = signature_vectors()
SUPPLIER_KEY = keys.load_private_key(PRIVATE_PEM)
SUPPLIER_PUBLIC = keys.load_public_key(PUBLIC_PEM)


@pytest.mark.parametrize(("data", "signature"), VECTORS)
def test_the_kit_reproduces_each_published_signature(data: bytes, signature: str) -> None:
    assert keys.sign_body(data, SUPPLIER_KEY) == signature
    assert keys.signature_holds(data, signature, SUPPLIER_PUBLIC)


@pytest.mark.parametrize(("data", "signature"), VECTORS)
def test_a_changed_byte_does_not_verify(data: bytes, signature: str) -> None:
    assert not keys.signature_holds(data + b" ", signature, SUPPLIER_PUBLIC)
    raw = bytearray(base64.b64decode(signature))
    raw[0] ^= 0x80
    assert not keys.signature_holds(data, base64.b64encode(raw).decode(), SUPPLIER_PUBLIC)


@pytest.mark.parametrize(
    "header", [None, "", "not base64!", "dGVzdA==", "A" * 1025, "é" * 8, "V3bEXE72v0fbrKNV6bHW9"]
)
def test_malformed_signature_headers_never_verify(header: str | None) -> None:
    assert not keys.signature_holds(b"test", header, SUPPLIER_PUBLIC)


def test_urlsafe_base64_is_not_the_contract_form() -> None:
    data, signature = next((d, s) for d, s in VECTORS if "+" in s or "/" in s)
    urlsafe = signature.replace("+", "-").replace("/", "_")
    assert not keys.signature_holds(data, urlsafe, SUPPLIER_PUBLIC)


def test_keys_round_trip_through_the_pem_forms() -> None:
    assert keys.private_pem(SUPPLIER_KEY).startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert keys.public_pem(SUPPLIER_KEY) == keys.public_pem(SUPPLIER_PUBLIC)
    # The codec reads what the kit writes, and the other way round.
    assert hub88_wire.load_verify_key(keys.public_pem(SUPPLIER_KEY)).key_size == 2048


def test_unusable_keys_are_refused() -> None:
    with pytest.raises(keys.KeyProblem):
        keys.load_private_key(b"garbage")
    with pytest.raises(keys.KeyProblem):
        keys.load_public_key(PRIVATE_PEM)
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(keys.KeyProblem, match="2048"):
        keys.load_private_key(keys.private_pem(short))


def test_statuses_and_paths_agree_with_the_codec() -> None:
    assert {status.value for status in wire.Status} == set(hub88_wire.WIRE_STATUS.values())
    kit_paths = {wire.BALANCE_PATH, wire.BET_PATH, wire.WIN_PATH, wire.ROLLBACK_PATH}
    assert kit_paths == set(hub88_wire.WALLET_PATHS)
    assert (wire.GAME_URL_PATH, wire.GAME_LIST_PATH) == (
        hub88_wire.LAUNCH_PATH,
        hub88_wire.CATALOGUE_PATH,
    )
    assert (wire.PREPAIDS_LIST_PATH, wire.REWARD_CREATE_PATH) == (
        hub88_wire.OFFERS_PATH,
        hub88_wire.GRANT_PATH,
    )


@pytest.mark.parametrize(
    ("code", "step"),
    [("EUR", 1000), ("JPY", 100000), ("KWD", 100), ("BTC", 1), ("mBTC", 1), ("USDT", 1)],
)
def test_exact_steps(code: str, step: int) -> None:
    assert wire.exact_step_x100000(code) == step
    # The codec takes every multiple of the step, and refuses what lies between.
    assert hub88_wire.wire_to_minor(7 * step, code) == wire.x100000_to_minor(7 * step, code)
    if step > 1:
        with pytest.raises(MoneyError):
            hub88_wire.wire_to_minor(step + 1, code)
        with pytest.raises(MoneyError):
            wire.x100000_to_minor(step + 1, code)


@pytest.mark.parametrize(
    ("code", "minor", "x100000"),
    [("EUR", 356, 356000), ("JPY", 5, 500000), ("KWD", 1, 100), ("BTC", 1000, 1), ("mBTC", 7, 7)],
)
def test_minor_units_and_wire_units(code: str, minor: int, x100000: int) -> None:
    assert wire.minor_to_x100000(minor, code) == x100000
    assert wire.x100000_to_minor(x100000, code) == minor


def test_satoshi_finer_than_the_wire_unit_are_refused() -> None:
    with pytest.raises(MoneyError):
        wire.minor_to_x100000(1001, "BTC")


def test_bodies_are_compact_and_reproducible() -> None:
    doc: wire.JsonDoc = {"b": 1, "a": "é", "c": None, "d": True}
    assert wire.encode_body(doc) == b'{"b":1,"a":"\\u00e9","c":null,"d":true}'
    assert wire.encode_body(dict(doc)) == wire.encode_body(doc)


def test_wallet_answers_read() -> None:
    answer = wire.parse_wallet_answer(
        b'{"user":"u1","status":"RS_OK","request_uuid":"r1","currency":"EUR","balance":100}'
    )
    assert answer == wire.WalletAnswer("RS_OK", "r1", "u1", "EUR", 100)
    assert answer.ok
    refusal = wire.parse_wallet_answer(b'{"status":"RS_ERROR_INVALID_SIGNATURE"}')
    assert not refusal.ok and refusal.balance is None and refusal.request_uuid is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b'{"status":1}',
        b'{"balance":10}',
        b'{"status":"RS_OK","balance":1.5}',
        b'{"status":"RS_OK","balance":"10"}',
        b'{"status":"RS_OK","balance":true}',
        b'{"status":"RS_OK","user":7}',
        b'{"status":"RS_OK","status":"RS_OK"}',
        b"[" * 100 + b"]" * 100,
    ],
)
def test_unusable_wallet_answers(body: bytes) -> None:
    with pytest.raises(wire.AnswerProblem):
        wire.parse_wallet_answer(body)
