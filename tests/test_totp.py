"""TOTP (domain/totp.py) against RFC 6238's test vectors, and the window and replay rules."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from reelhouse.domain import totp

# RFC 6238 appendix B, the SHA-1 rows: the ASCII key "12345678901234567890", 8 digits.
RFC_SECRET = b"12345678901234567890"
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("unix_s", "code"), RFC_VECTORS)
def test_rfc_6238_sha1_vectors(unix_s: int, code: str) -> None:
    assert totp.code_at(RFC_SECRET, unix_s, digits=8) == code
    # Six digits are the same number modulo 10^6: the last six.
    assert totp.code_at(RFC_SECRET, unix_s) == code[-6:]


def test_rfc_4226_hotp_vectors() -> None:
    # RFC 4226 appendix D, counters 0-3.
    assert [totp.hotp(RFC_SECRET, n) for n in range(4)] == [
        "755224",
        "287082",
        "359152",
        "969429",
    ]


def test_the_step_either_side_is_accepted_and_no_further() -> None:
    now = 1_700_000_015.0
    step = totp.step_at(now)
    for offset in (-1, 0, 1):
        code = totp.hotp(RFC_SECRET, step + offset)
        assert totp.matching_step(RFC_SECRET, code, now, None) == step + offset
    for offset in (-2, 2):
        assert (
            totp.matching_step(RFC_SECRET, totp.hotp(RFC_SECRET, step + offset), now, None) is None
        )


def test_a_code_is_good_once_and_earlier_ones_never_again() -> None:
    now = 1_700_000_015.0
    step = totp.step_at(now)
    code = totp.hotp(RFC_SECRET, step)
    assert totp.matching_step(RFC_SECRET, code, now, step - 1) == step
    assert totp.matching_step(RFC_SECRET, code, now, step) is None
    earlier = totp.hotp(RFC_SECRET, step - 1)
    assert totp.matching_step(RFC_SECRET, earlier, now, step) is None


FULLWIDTH_DIGITS = "\uff11\uff12\uff13\uff14\uff15\uff16"


@pytest.mark.parametrize(
    "typed", ["", "12345", "1234567", "12a456", FULLWIDTH_DIGITS, "1" * 17, "-12345"]
)
def test_text_that_is_not_a_code_is_refused_before_any_hmac(typed: str) -> None:
    assert totp.normalised_code(typed) is None
    assert totp.matching_step(RFC_SECRET, typed, 59, None) is None


def test_spaces_as_apps_group_digits_are_allowed() -> None:
    assert totp.normalised_code("287 082") == "287082"


def test_the_secret_and_uri_round_trip() -> None:
    secret = totp.new_secret()
    assert len(secret) == totp.SECRET_BYTES
    text = totp.secret_text(secret)
    assert "=" not in text and totp.secret_of(text.lower()) == secret
    uri = totp.provisioning_uri(secret, "Reelhouse", "ops@casino.example")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "otpauth",
        "totp",
        "/Reelhouse:ops@casino.example",
    )
    query = parse_qs(parts.query)
    assert query == {
        "secret": [text],
        "issuer": ["Reelhouse"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
