"""Display units: a player sees and bets in mBTC while the ledger stays in satoshis.

A display unit is a named scale of a base currency (one mBTC is 10^-3 BTC). Amounts are
never stored in it: every amount is an integer of the base's minor units, and the display
unit only changes where the decimal point is written and read. So a display unit is a view
of the same minor units with fewer decimals: BTC has 8, mBTC 5, uBTC 2, sat 0. Reading text
in a display unit is `money.to_minor` with that view, so an amount finer than the ledger's
minor unit (0.000001 mBTC, a tenth of a satoshi) is refused, never rounded, by the same code
that refuses 0.005 USD.

Pure: the table is domain/crypto_currencies.py's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from reelhouse.domain.crypto_currencies import DISPLAY_UNIT_ROWS
from reelhouse.domain.limits import MAX_CURRENCY_CODE_CHARS
from reelhouse.domain.money import (
    Currency,
    MoneyError,
    currency,
    format_fixed,
    to_decimal,
    to_minor,
)


@dataclass(frozen=True, slots=True)
class DisplayUnit:
    code: str  # ASCII: "uBTC"
    symbol: str  # as shown: "μBTC"
    base: Currency
    shift_digits: int  # one unit is 10^-shift_digits of the base: 3 for mBTC

    def __post_init__(self) -> None:
        # Coarser than the minor unit, or equal: every ledger amount has an exact display.
        assert 0 < self.shift_digits <= self.base.exponent, self

    @property
    def decimals(self) -> int:
        """Decimals an amount has in this unit: BTC's 8 less the shift (mBTC: 5)."""
        return self.base.exponent - self.shift_digits

    @property
    def view(self) -> Currency:
        """The base's minor units with this unit's decimals, for money's own conversions."""
        return Currency(self.code, self.decimals)

    @property
    def minor_per_unit(self) -> int:
        """Base minor units in one display unit: 100000 satoshis per mBTC."""
        return self.view.unit


def _units() -> dict[str, DisplayUnit]:
    units: dict[str, DisplayUnit] = {}
    for row in DISPLAY_UNIT_ROWS:
        unit = DisplayUnit(row.code, row.symbol, currency(row.base), row.shift_digits)
        for name in {row.code, row.symbol}:
            assert name not in units and len(name) <= MAX_CURRENCY_CODE_CHARS, name
            units[name] = unit
    return units


# Code or symbol -> unit ("uBTC" and "μBTC" name the same one).
DISPLAY_UNITS: Mapping[str, DisplayUnit] = MappingProxyType(_units())


def display_unit(name: str) -> DisplayUnit:
    """A display unit by its code or symbol; MoneyError for an unknown one."""
    unit = DISPLAY_UNITS.get(name) if len(name) <= MAX_CURRENCY_CODE_CHARS else None
    if unit is None:
        shown = repr(name[:MAX_CURRENCY_CODE_CHARS])
        raise MoneyError(f"display unit {shown} is not supported")
    return unit


def units_of(base_code: str) -> tuple[DisplayUnit, ...]:
    """The display units of a currency, coarsest first (none for most currencies)."""
    found = {u.code: u for u in DISPLAY_UNITS.values() if u.base.code == base_code}
    return tuple(sorted(found.values(), key=lambda u: u.shift_digits))


def display_to_minor(value: Decimal | int | str, unit: DisplayUnit) -> int:
    """An amount written in the display unit, as base minor units: '1.5' mBTC -> 150000.
    Refused (MoneyError) when finer than the base's minor unit, out of range, or a float."""
    return to_minor(value, unit.view)


def minor_to_display(amount_minor: int, unit: DisplayUnit) -> Decimal:
    """Base minor units as an exact amount in the display unit: 150000 -> 1.50000 mBTC."""
    return to_decimal(amount_minor, unit.view)


def format_display(amount_minor: int, unit: DisplayUnit) -> str:
    """Text with exactly the unit's decimals: 150000 satoshis -> '1.50000' (mBTC)."""
    return format_fixed(amount_minor, unit.view)
