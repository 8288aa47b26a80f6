"""Hub88 signatures: the published vectors byte for byte, both directions, and every way a
signature or a key is refused."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from reelhouse.providers import hub88_wire
from reelhouse.providers.hub88_wire import UnusableKey, sign, signature_problem

from .hub88_samples import PRIVATE_PEM, SIGN_KEY, VERIFY_KEY, signature_vectors

VECTORS = signature_vectors()


def test_five_published_vectors_are_present() -> None:
    assert [data for data, _ in VECTORS][:3] == [b"test", b"example", b'{"test":"test"}']
    assert len(VECTORS) == 5


@pytest.mark.parametrize(("data", "signature"), VECTORS)
def test_signing_reproduces_each_published_signature(data: bytes, signature: str) -> None:
    # PKCS#1 v1.5 is deterministic: the same key and bytes give the same signature.
    assert sign(data, SIGN_KEY) == signature


@pytest.mark.parametrize(("data", "signature"), VECTORS)
def test_each_published_signature_verifies(data: bytes, signature: str) -> None:
    assert signature_problem(data, signature, VERIFY_KEY) is None


@pytest.mark.parametrize(("data", "signature"), VECTORS)
def test_one_changed_byte_of_the_data_fails(data: bytes, signature: str) -> None:
    tampered = bytes([data[0] ^ 0x01]) + data[1:]
    assert signature_problem(tampered, signature, VERIFY_KEY) == "signature does not match"


def test_reserialised_json_does_not_verify() -> None:
    # The raw bytes are signed, not the document: a space is enough to break it.
    data, signature = VECTORS[2]
    assert signature_problem(b'{"test": "test"}', signature, VERIFY_KEY) is not None
    assert signature_problem(data, signature, VERIFY_KEY) is None


def test_one_changed_bit_of_the_signature_fails() -> None:
    data, signature = VECTORS[0]
    raw = bytearray(base64.b64decode(signature))
    raw[-1] ^= 0x01
    assert signature_problem(data, base64.b64encode(raw).decode(), VERIFY_KEY) == (
        "signature does not match"
    )


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("not base64!", "signature is not base64"),
        ("V3bE XE72", "signature is not base64"),
        ("V3bEXE72v0fbrKNV6bHW945Wgsu", "signature is not base64"),  # no padding
        ("dGVzdA==", "signature length does not match the key"),
        ("é" * 10, "signature is not base64"),
        ("A" * 1025, "signature header of 1025 characters"),
        ("", "signature length does not match the key"),
    ],
)
def test_malformed_signature_headers_are_refused(header: str, problem: str) -> None:
    assert signature_problem(b"test", header, VERIFY_KEY) == problem


def test_urlsafe_base64_is_not_standard_base64() -> None:
    data, signature = next((d, s) for d, s in VECTORS if "+" in s or "/" in s)
    urlsafe = signature.replace("+", "-").replace("/", "_")
    assert signature_problem(data, urlsafe, VERIFY_KEY) == "signature is not base64"


def test_keys_load_from_the_published_pem_forms() -> None:
    assert SIGN_KEY.key_size == 2048
    assert VERIFY_KEY.public_numbers() == SIGN_KEY.public_key().public_numbers()
    assert PRIVATE_PEM.startswith(b"-----BEGIN RSA PRIVATE KEY-----")  # PKCS#1


def test_unusable_keys_are_refused_at_configuration() -> None:
    with pytest.raises(UnusableKey):
        hub88_wire.load_verify_key(b"not a key")
    with pytest.raises(UnusableKey):
        hub88_wire.load_sign_key(b"not a key")
    with pytest.raises(UnusableKey):
        hub88_wire.load_verify_key(PRIVATE_PEM)  # a private key where a public one goes
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_public = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(UnusableKey, match="RSA"):
        hub88_wire.load_verify_key(ec_public)
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    short_pem = short.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    with pytest.raises(UnusableKey, match="2048"):
        hub88_wire.load_sign_key(short_pem)
