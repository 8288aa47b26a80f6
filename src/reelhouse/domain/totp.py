"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits,
30-second steps, the step before and after accepted (a phone's clock a little off, a code
typed as it rolls over). Pure functions of a secret and a time; the caller remembers the
last step used, so no code works twice.

This is what every authenticator app speaks by default; the otpauth:// URI (the de facto
"Key Uri Format") names the same parameters so an app set up from it agrees.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Steps either side of the current one that are accepted.
WINDOW_STEPS = 1
# 160 bits: the size RFC 4226 recommends for an HMAC-SHA-1 key.
SECRET_BYTES = 20
# A typed code is bounded before it is read: digits only, at most this long with spaces.
CODE_MAX_CHARS = 16


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def secret_text(secret: bytes) -> str:
    """Base32 without padding: what a person types into an app, and what the URI carries."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def secret_of(text: str) -> bytes:
    """The secret from its base32 text (any case, padding optional)."""
    cleaned = text.strip().upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(secret: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 section 5.3: the HMAC of the 8-byte counter, dynamically truncated."""
    mac = hmac.new(secret, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(unix_s: float) -> int:
    """RFC 6238's T: whole steps since the Unix epoch."""
    return int(unix_s // STEP_SECONDS)


def code_at(secret: bytes, unix_s: float, digits: int = DIGITS) -> str:
    return hotp(secret, step_at(unix_s), digits)


def normalised_code(typed: str) -> str | None:
    """The digits of a typed code (spaces allowed, as apps group them), or None if it is not
    a code at all."""
    if len(typed) > CODE_MAX_CHARS:
        return None
    digits = typed.replace(" ", "")
    if len(digits) != DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return digits


def matching_step(secret: bytes, typed: str, unix_s: float, last_step: int | None) -> int | None:
    """The step whose code was typed, within the window and later than `last_step` (the
    step of the last code accepted: a code is good once), or None."""
    code = normalised_code(typed)
    if code is None:
        return None
    now = step_at(unix_s)
    found = None
    # Every candidate is computed and compared in constant time, whichever matches.
    for step in range(now - WINDOW_STEPS, now + WINDOW_STEPS + 1):
        fresh = last_step is None or step > last_step
        if hmac.compare_digest(hotp(secret, step).encode(), code.encode()) and fresh:
            found = step
    return found


def provisioning_uri(secret: bytes, issuer: str, account: str) -> str:
    """otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30"""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret_text(secret),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"
