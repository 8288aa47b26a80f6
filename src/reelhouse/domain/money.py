"""Money as integer minor units with an explicit currency exponent.

Decimals exist only at the edge where a protocol reads or writes text. An amount that
would need rounding is refused, never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reelhouse.domain.limits import MAX_AMOUNT_MINOR, MAX_DECIMAL_TEXT_CHARS
from reelhouse.domain.numbers import plain_decimal_of

# ISO 4217 exponents (plus a few crypto units). A currency not listed is not supported.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "AUD": 2,
    "BRL": 2,
    "INR": 2,
    "TRY": 2,
    "PHP": 2,
    "MXN": 2,
    "THB": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "KWD": 3,
    "BHD": 3,
    "TND": 3,
    "USDT": 6,
    "BTC": 8,
}


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
    """Look up a supported currency by its code; raises MoneyError for an unknown one."""
    exponent = CURRENCY_EXPONENTS.get(code)
    if exponent is None:
        raise MoneyError(f"currency {code!r} is not supported")
    return Currency(code, exponent)


def is_supported(code: str) -> bool:
    return code in CURRENCY_EXPONENTS


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
