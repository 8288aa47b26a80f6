"""Money as integer minor units with an explicit currency exponent.

Decimals exist only at the edge where a protocol reads or writes text. An amount that
would need rounding is refused, never rounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from reelhouse.domain.crypto_currencies import CRYPTO_EXPONENTS
from reelhouse.domain.iso_currencies import ISO_EXPONENTS, ISO_WITHOUT_MINOR_UNIT
from reelhouse.domain.limits import (
    MAX_AMOUNT_MINOR,
    MAX_CURRENCY_CODE_CHARS,
    MAX_CURRENCY_DECIMALS,
    MAX_DECIMAL_TEXT_CHARS,
)
from reelhouse.domain.numbers import plain_decimal_of


def _registry() -> dict[str, int]:
    # One namespace: a crypto ticker that ISO later assigns would make a code mean two
    # things, so it stops the process here rather than picking one silently.
    clash = set(CRYPTO_EXPONENTS) & (set(ISO_EXPONENTS) | ISO_WITHOUT_MINOR_UNIT)
    assert not clash, f"crypto codes that ISO 4217 also assigns: {sorted(clash)}"
    registry = {**ISO_EXPONENTS, **CRYPTO_EXPONENTS}
    assert all(0 <= e <= MAX_CURRENCY_DECIMALS for e in registry.values())
    assert all(len(code) <= MAX_CURRENCY_CODE_CHARS for code in registry)
    return registry


# Every playable currency -> its exponent: each ISO 4217 code that has a minor unit (the
# official list, domain/iso_currencies.py) and the cryptocurrencies of
# domain/crypto_currencies.py. A currency not listed is not supported.
CURRENCY_EXPONENTS: Mapping[str, int] = MappingProxyType(_registry())


# The most digits a minor-unit amount within MAX_AMOUNT_MINOR has before its units digit
# (MAX_AMOUNT_MINOR is a power of ten: 10**15 has its leading digit at position 15).
MAX_AMOUNT_DIGITS = len(str(MAX_AMOUNT_MINOR)) - 1


class MoneyError(ValueError):
    """An amount that cannot be represented exactly in its currency."""


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    exponent: int

    @property
    def unit(self) -> int:
        """Minor units per major unit (100 for USD)."""
        return int(10**self.exponent)


def currency(code: str) -> Currency:
    """Look up a supported currency by its code; raises MoneyError, saying why, otherwise."""
    exponent = CURRENCY_EXPONENTS.get(code) if len(code) <= MAX_CURRENCY_CODE_CHARS else None
    if exponent is None:
        raise MoneyError(unsupported_reason(code))
    return Currency(code, exponent)


def is_supported(code: str) -> bool:
    return len(code) <= MAX_CURRENCY_CODE_CHARS and code in CURRENCY_EXPONENTS


def unsupported_reason(code: str) -> str:
    """Why `code` is not a currency of play, in one line (the code shown is bounded)."""
    if len(code) > MAX_CURRENCY_CODE_CHARS:
        shown = repr(code[:MAX_CURRENCY_CODE_CHARS] + "...")
        return f"currency {shown} is not supported: longer than any currency code"
    if code in ISO_WITHOUT_MINOR_UNIT:
        # Metals, bond-market units, SDRs, the testing code and "no currency": ISO gives
        # them no minor unit, so no amount of them can be counted in minor units.
        return f"currency {code!r} has no minor unit in ISO 4217 (not money a player holds)"
    if code.upper() in CURRENCY_EXPONENTS:
        return f"currency {code!r} is not supported: codes are upper case ({code.upper()})"
    return (
        f"currency {code!r} is not supported: neither an ISO 4217 code with a minor unit "
        "nor a listed cryptocurrency"
    )


def to_minor(value: Decimal | int | str, cur: Currency) -> int:
    """Exact conversion of a decimal amount to minor units.

    Floats are refused on purpose: a float has already lost the amount it claims to hold.
    """
    if isinstance(value, (bool, float)):
        raise MoneyError("amounts must be decimal text or integers, never floats")
    if isinstance(value, str):
        if len(value) > MAX_DECIMAL_TEXT_CHARS:
            raise MoneyError(f"amount text longer than {MAX_DECIMAL_TEXT_CHARS} characters")
        if plain_decimal_of(value) is None:
            raise MoneyError(f"not a plain decimal amount: {value!r}")
    if isinstance(value, int) and abs(value) > MAX_AMOUNT_MINOR:
        # Minor units are at least as many as major ones: out of range before any work.
        raise MoneyError("amount out of range")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not a decimal amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError("amount is not finite")
    if amount.is_zero():
        return 0
    # The magnitude is checked on the exponent alone, before any arithmetic: scaling and
    # converting `1e999999` builds a million-digit integer (minutes of CPU).
    if amount.adjusted() + cur.exponent > MAX_AMOUNT_DIGITS:
        raise MoneyError("amount out of range")
    scaled = amount.scaleb(cur.exponent)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{value} has more than {cur.exponent} decimals for {cur.code}")
    minor = int(scaled)
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise MoneyError("amount out of range")
    return minor


def to_decimal(amount_minor: int, cur: Currency) -> Decimal:
    """Minor units as a Decimal with exactly the currency's number of decimals."""
    return Decimal(amount_minor).scaleb(-cur.exponent)


def format_fixed(amount_minor: int, cur: Currency) -> str:
    """Text with exactly the currency's decimals: 1230 USD -> '12.30', 5 JPY -> '5'."""
    return f"{to_decimal(amount_minor, cur):.{cur.exponent}f}"


def format_shortest(amount_minor: int, cur: Currency) -> str:
    """Shortest exact decimal text, as JavaScript's String() prints it: '10', '10.5', '0.01'."""
    text = format_fixed(amount_minor, cur)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text != "-0" else "0"
