"""Every fact of the Hub88 supplier API, shared by both halves of its codec.

Contract: Hub88's public "Supplier API reference" and its examples repository, summarised in
docs/providers.md ("Hub88 supplier API"), which also lists every choice made where the public
material is silent. Reelhouse plays Hub88's part (the aggregator). The codec is in `hub88`
(wallet calls, and the descriptor `HUB88`) and `hub88_games` (Reelhouse's requests to a
supplier); this module holds what both need: wire statuses, paths, bounds, the currency
mapping and unit conversion, signatures, and the field readers.

- Signatures: RSA PKCS#1 v1.5 over SHA-256 of the exact raw body, standard padded base64 in
  `X-Hub88-Signature`. A supplier's calls are verified with its public key (PEM SPKI) before
  anything reads them; Reelhouse's requests (and answers) are signed with its own private
  key (PEM PKCS#1). Keys are arguments, loaded once from configuration.
- Amounts are integers in units of 1/100000 of the wire currency (3.56 -> 356000), converted
  exactly to the minor units of a Reelhouse currency; Hub88's own codes (`mBTC`) map to a
  Reelhouse currency with a power-of-ten shift, as data (`HUB88_CURRENCIES`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import CURRENCY_EXPONENTS, Currency, MoneyError, currency
from reelhouse.providers.base import AnswerStatus, CallKind, Platform

NAME = "hub88"

SIGNATURE_HEADER = "X-Hub88-Signature"

# --- Statuses: every wire status of the contract, once --------------------------------------

WIRE_STATUS: dict[AnswerStatus, str] = {
    AnswerStatus.OK: "RS_OK",
    AnswerStatus.UNKNOWN_ERROR: "RS_ERROR_UNKNOWN",
    AnswerStatus.INVALID_PARTNER: "RS_ERROR_INVALID_PARTNER",
    AnswerStatus.INVALID_TOKEN: "RS_ERROR_INVALID_TOKEN",
    AnswerStatus.TOKEN_EXPIRED: "RS_ERROR_TOKEN_EXPIRED",
    AnswerStatus.INVALID_GAME: "RS_ERROR_INVALID_GAME",
    AnswerStatus.WRONG_CURRENCY: "RS_ERROR_WRONG_CURRENCY",
    AnswerStatus.NOT_ENOUGH_MONEY: "RS_ERROR_NOT_ENOUGH_MONEY",
    AnswerStatus.USER_DISABLED: "RS_ERROR_USER_DISABLED",
    AnswerStatus.INVALID_SIGNATURE: "RS_ERROR_INVALID_SIGNATURE",
    AnswerStatus.WRONG_SYNTAX: "RS_ERROR_WRONG_SYNTAX",
    AnswerStatus.WRONG_TYPES: "RS_ERROR_WRONG_TYPES",
    AnswerStatus.DUPLICATE_TRANSACTION: "RS_ERROR_DUPLICATE_TRANSACTION",
    AnswerStatus.TRANSACTION_DOES_NOT_EXIST: "RS_ERROR_TRANSACTION_DOES_NOT_EXIST",
    AnswerStatus.TRANSACTION_ROLLED_BACK: "RS_ERROR_TRANSACTION_ROLLED_BACK",
    AnswerStatus.LIMIT_REACHED: "RS_ERROR_LIMIT_REACHED",
}
assert set(WIRE_STATUS) == set(AnswerStatus)
OK_STATUS = WIRE_STATUS[AnswerStatus.OK]

# --- Paths ----------------------------------------------------------------------------------

WALLET_PATHS: dict[str, CallKind] = {
    "/supplier/generic/v2/user/balance": CallKind.BALANCE,
    "/supplier/generic/v2/transaction/bet": CallKind.BET,
    "/supplier/generic/v2/transaction/win": CallKind.WIN,
    "/supplier/generic/v2/transaction/rollback": CallKind.CANCEL,
}
LAUNCH_PATH = "/game/url"
CATALOGUE_PATH = "/game/list"
OFFERS_PATH = "/freebet/prepaids/list"
GRANT_PATH = "/freebet/rewards/create"

# How long Reelhouse waits for a supplier (not in the contract, ours): a launch and a grant
# are interactive; a whole catalogue may take a supplier a while to build.
TIMEOUT_MS_BY_PATH: dict[str, int] = {
    LAUNCH_PATH: 10_000,
    CATALOGUE_PATH: 30_000,
    OFFERS_PATH: 10_000,
    GRANT_PATH: 10_000,
}

PLATFORM_WIRE: dict[Platform, str] = {
    Platform.DESKTOP: "GPL_DESKTOP",
    Platform.MOBILE: "GPL_MOBILE",
}
PLATFORM_BY_WIRE = {wire: platform for platform, wire in PLATFORM_WIRE.items()}

# --- Bounds of this protocol ----------------------------------------------------------------

# A 2048-bit signature is 344 base64 characters; 1024 covers keys up to 6144 bits. Longer is
# refused before any base64 decoding or RSA work.
MAX_SIGNATURE_CHARS = 1024
# A request path: the longest wallet path with a deployment's mount prefix fits easily.
MAX_PATH_CHARS = 512
# The contract's launch tokens are 10-255 characters (UPSTREAM_TOKEN_MAX_CHARS).
LAUNCH_TOKEN_MIN_CHARS = 10
# Currency codes on the wire: ISO's 3 letters, Hub88's own (`mBTC`, `USDT`) a few more.
MAX_CURRENCY_CHARS = 8
# The weakest key Reelhouse accepts from or for a supplier.
MIN_KEY_BITS = 2048

# --- Money ----------------------------------------------------------------------------------

# Amounts travel as integers of 1/100000 of the wire currency's major unit.
WIRE_AMOUNT_EXPONENT = 5


@dataclass(frozen=True, slots=True)
class CurrencyMapping:
    """What a wire currency code stands for in Reelhouse: a supported currency (`code`) and
    how many powers of ten its major unit is below that currency's (`mBTC` is BTC / 10^3),
    or None with `refused` saying why the code is not accepted."""

    code: str | None
    shift: int = 0
    refused: str = ""


# Hub88's own codes, as data (the spec names mBTC, uETH, mLTC and PTS). Every ISO code
# Reelhouse supports maps to itself (shift 0); a code in neither is refused.
HUB88_CURRENCIES: dict[str, CurrencyMapping] = {
    "mBTC": CurrencyMapping("BTC", shift=3),
    "uETH": CurrencyMapping(None, refused="ETH is not a Reelhouse currency"),
    "mLTC": CurrencyMapping(None, refused="LTC is not a Reelhouse currency"),
    "PTS": CurrencyMapping(None, refused="play points are not money a wallet holds"),
    "XXX": CurrencyMapping(None, refused="XXX is demo play: it has no wallet calls"),
}
DEMO_CURRENCY = "XXX"


def currency_mapping(wire_code: str) -> CurrencyMapping:
    """What a wire currency code means here (a code of neither kind is refused)."""
    known = HUB88_CURRENCIES.get(wire_code)
    if known is not None:
        return known
    if wire_code in CURRENCY_EXPONENTS:
        return CurrencyMapping(wire_code)
    return CurrencyMapping(None, refused=f"currency {wire_code[:16]!r} is not supported")


def _power(cur: Currency, shift: int) -> int:
    """Minor units per wire unit, as a power of ten: USD's is -3 (a wire unit is a thousandth
    of a cent), BTC's 3 (a wire unit is 1000 satoshi), mBTC's 0."""
    return cur.exponent - WIRE_AMOUNT_EXPONENT - shift


def _ten_to(power: int) -> int:
    assert power >= 0
    return int(10**power)


def wire_to_minor(wire_amount: int, wire_code: str) -> int:
    """Wire units of `wire_code` as exact minor units of its Reelhouse currency. Raises
    MoneyError for an unmapped code, a sub-minor-unit amount, or one out of range."""
    mapping = currency_mapping(wire_code)
    if mapping.code is None:
        raise MoneyError(mapping.refused)
    power = _power(currency(mapping.code), mapping.shift)
    if power >= 0:
        minor = wire_amount * _ten_to(power)
    else:
        # 1 wire unit of USD is 1/1000 of a cent: only whole cents are money here.
        minor, remainder = divmod(wire_amount, _ten_to(-power))
        if remainder:
            raise MoneyError(f"{wire_amount} is not a whole minor unit of {mapping.code}")
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise MoneyError("amount out of range")
    return minor


def wire_money(wire_amount: int, wire_code: str) -> tuple[int, str]:
    """Wire units of `wire_code` as (exact minor units, the Reelhouse currency they are of).
    Raises MoneyError as `wire_to_minor` does."""
    minor = wire_to_minor(wire_amount, wire_code)
    code = currency_mapping(wire_code).code
    assert code is not None  # wire_to_minor refused an unmapped code
    return minor, code


def minor_to_wire(amount_minor: int, wire_code: str, *, floor: bool = False) -> int:
    """Minor units as wire units of `wire_code`. Exact, or MoneyError; `floor=True` rounds
    down instead (balances only: a balance shown never exceeds what the player holds)."""
    mapping = currency_mapping(wire_code)
    assert mapping.code is not None, f"no Reelhouse currency for {wire_code!r}"
    power = _power(currency(mapping.code), mapping.shift)
    if power <= 0:
        return amount_minor * _ten_to(-power)
    wire, remainder = divmod(amount_minor, _ten_to(power))
    if remainder and not floor:
        raise MoneyError(f"{amount_minor} minor units are finer than {wire_code} wire units")
    return wire


# --- Signatures -----------------------------------------------------------------------------


class UnusableKey(ValueError):
    """A configured key that cannot be used (not PEM, not RSA, too short)."""


def load_verify_key(pem: bytes) -> RSAPublicKey:
    """A supplier's public key from PEM (SPKI `PUBLIC KEY`). Raises UnusableKey."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise UnusableKey(f"not a PEM public key: {exc}") from exc
    if not isinstance(key, RSAPublicKey) or key.key_size < MIN_KEY_BITS:
        raise UnusableKey(f"not an RSA key of at least {MIN_KEY_BITS} bits")
    return key


def load_sign_key(pem: bytes) -> RSAPrivateKey:
    """Reelhouse's private key from PEM (PKCS#1 `RSA PRIVATE KEY`, or PKCS#8). Raises
    UnusableKey."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise UnusableKey(f"not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, RSAPrivateKey) or key.key_size < MIN_KEY_BITS:
        raise UnusableKey(f"not an RSA key of at least {MIN_KEY_BITS} bits")
    return key


def sign(body: bytes, key: RSAPrivateKey) -> str:
    """The header value for `body`: base64 of RSA PKCS#1 v1.5 SHA-256 over the exact bytes."""
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def signature_problem(body: bytes, header_value: str, key: RSAPublicKey) -> str | None:
    """What is wrong with a signature header for `body`, or None when it holds."""
    if len(header_value) > MAX_SIGNATURE_CHARS:
        return f"signature header of {len(header_value)} characters"
    try:
        signature = base64.b64decode(header_value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        return "signature is not base64"
    if len(signature) != (key.key_size + 7) // 8:
        return "signature length does not match the key"
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return "signature does not match"
    return None


def sign_answer(body: bytes, key: RSAPrivateKey) -> tuple[tuple[str, str], ...]:
    """Headers for an answer body. The contract does not say whether answers are signed;
    Reelhouse signs them (a supplier that does not check ignores the header)."""
    return (("Content-Type", "application/json"), (SIGNATURE_HEADER, sign(body, key)))


# --- Field readers ---------------------------------------------------------------------


class Refused(ValueError):
    """A field a reader could not accept, with the status to answer (wallet calls) or the
    reason an entry is skipped (lists)."""

    def __init__(self, status: AnswerStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# Field readers. A required field that is absent (or null) is a syntax error; a field of the
# wrong JSON type, or whose value is outside its bounds, is a type error. Unknown fields are
# never read (`meta`, `is_billable`, what comes next).


def _is_clean_text(value: str) -> bool:
    # Control characters in an id are never legitimate and would forge log lines.
    return value.isprintable()


def optional_text(doc: Mapping[str, object], key: str, most: int) -> str | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refused(AnswerStatus.WRONG_TYPES, f"{key} is not text")
    if not 0 < len(value) <= most or not _is_clean_text(value):
        raise Refused(AnswerStatus.WRONG_TYPES, f"{key} is not 1-{most} printable characters")
    return value


def required_text(doc: Mapping[str, object], key: str, most: int) -> str:
    value = optional_text(doc, key, most)
    if value is None:
        raise Refused(AnswerStatus.WRONG_SYNTAX, f"{key} is missing")
    return value


def flag(doc: Mapping[str, object], key: str) -> bool:
    value = doc.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Refused(AnswerStatus.WRONG_TYPES, f"{key} is not a boolean")
    return value


def required_integer(doc: Mapping[str, object], key: str) -> int:
    """A non-negative JSON integer (json_bounded keeps it within 64 bits). `100.0` is not
    one: the contract's amounts are integers, and a fraction would be a different unit."""
    value = doc.get(key)
    if value is None:
        raise Refused(AnswerStatus.WRONG_SYNTAX, f"{key} is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(AnswerStatus.WRONG_TYPES, f"{key} is not an integer")
    if value < 0:
        raise Refused(AnswerStatus.WRONG_TYPES, f"{key} is negative")
    return value
