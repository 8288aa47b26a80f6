"""Hub88 signatures from the supplier's chair: keys, signing and verifying raw body bytes.

The contract: each side holds an RSA key pair and gives the other its public half. The
sender signs the exact bytes of the body (never a re-serialisation) with RSA PKCS#1 v1.5
over SHA-256 and puts the signature, standard padded base64, in `X-Hub88-Signature`. The
supplier signs its wallet calls; it verifies the aggregator's launch, catalogue and
free-round requests with the aggregator's public key. Private keys are PEM PKCS#1 (or
PKCS#8), public keys PEM SPKI.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNATURE_HEADER = "X-Hub88-Signature"

# The contract's sample key has 2048 bits; shorter RSA is not safe to sign money with.
MIN_KEY_BITS = 2048
# Base64 of a 2048-bit signature is 344 characters; 1024 allows keys up to 6144 bits. A
# longer header is refused before any decoding or RSA work.
MAX_SIGNATURE_HEADER_CHARS = 1024


class KeyProblem(ValueError):
    """A PEM that is not a usable RSA key of at least MIN_KEY_BITS."""


def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyProblem(f"not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < MIN_KEY_BITS:
        raise KeyProblem(f"not an RSA private key of at least {MIN_KEY_BITS} bits")
    return key


def load_public_key(pem: bytes) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyProblem(f"not a PEM public key: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_KEY_BITS:
        raise KeyProblem(f"not an RSA public key of at least {MIN_KEY_BITS} bits")
    return key


def new_private_key() -> rsa.RSAPrivateKey:
    """A fresh key pair for a demo or a test (a real supplier keeps its key)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=MIN_KEY_BITS)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    """PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`), the form the contract's examples use."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> bytes:
    """PEM SPKI (`BEGIN PUBLIC KEY`): what a side gives the other."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sign_body(body: bytes, key: rsa.RSAPrivateKey) -> str:
    """The `X-Hub88-Signature` value for these exact bytes."""
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def signature_holds(body: bytes, header_value: str | None, key: rsa.RSAPublicKey) -> bool:
    """Whether `header_value` is a valid signature of these exact bytes by `key`'s owner.

    Strict: standard base64 with its padding (the contract's form), the key's length, and
    no header at all is simply false. Never raises on what a peer sent.
    """
    if header_value is None or len(header_value) > MAX_SIGNATURE_HEADER_CHARS:
        return False
    try:
        signature = base64.b64decode(header_value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        return False
    if len(signature) != (key.key_size + 7) // 8:
        return False
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
