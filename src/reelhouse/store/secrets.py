"""Sealing of secrets that must be recoverable (callback tokens) with the deployment key.

AES-256-GCM with a random nonce; the key comes from REELHOUSE_SECRET_KEY (base64 of 32
bytes). Tokens that only need checking (API tokens, launch tokens) are hashed instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


class SecretKeyError(RuntimeError):
    """The deployment key is missing, malformed, or not the one that sealed what is stored:
    Reelhouse must not start (the message says what to do)."""


def new_key_text() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


class Sealer:
    def __init__(self, key_text: str) -> None:
        try:
            key = base64.b64decode(key_text.strip(), validate=True)
        except ValueError:  # binascii.Error: not base64 at all
            key = b""
        if len(key) != KEY_BYTES:
            raise SecretKeyError("REELHOUSE_SECRET_KEY must be base64 of 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plain: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plain.encode(), None)).decode()

    def open(self, sealed: str) -> str:
        raw = base64.b64decode(sealed)
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()


def token_hash(token: str) -> str:
    """Lookup hash of a high-entropy random token (never for passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
