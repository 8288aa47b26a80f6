"""ISO 4217 currencies and their minor units, read from the official list.

The list is not ours to keep: the `iso4217` package ships the maintenance agency's table
(list one, "current currency and funds") as published, and a new release of the package
follows each new edition of the list. Reelhouse reads it once, at import, from the installed
package (no network), and splits it in two:

- codes with a minor unit (0 to 4 decimals today): playable, with that exponent;
- codes whose minor unit is "N.A." (precious metals XAU, XAG, XPD, XPT; the bond-market units
  XBA..XBD; XDR, XSU, XUA; the testing code XTS and "no currency" XXX): not money a player can
  hold, so they are refused by name (domain/money.py says why).

Why this package and not CLDR (babel) or pycountry: docs/operator-guide.md, "Currencies".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

import iso4217

from reelhouse.domain.limits import MAX_CURRENCY_DECIMALS

# The edition of the list the installed package carries (shown in docs and diagnostics).
ISO_LIST_PUBLISHED: dt.date = iso4217.__published__


def _split() -> tuple[dict[str, int], dict[str, int], frozenset[str]]:
    exponents: dict[str, int] = {}
    numbers: dict[str, int] = {}
    without_minor_unit: set[str] = set()
    for entry in iso4217.Currency:
        numbers[entry.code] = entry.number
        minor_units = entry.exponent
        # A minor unit finer than Reelhouse carries would be a new edition's surprise: the
        # code is then not playable rather than rounded (none is, as of this writing).
        if minor_units is None or minor_units > MAX_CURRENCY_DECIMALS:
            without_minor_unit.add(entry.code)
        else:
            exponents[entry.code] = minor_units
    return exponents, numbers, frozenset(without_minor_unit)


_exponents, _numbers, _without = _split()

# Playable ISO codes -> decimals (USD 2, JPY 0, KWD 3, CLF 4).
ISO_EXPONENTS: Mapping[str, int] = MappingProxyType(_exponents)
# Every ISO code on the list -> its ISO number (USD 840), playable or not.
ISO_NUMBERS: Mapping[str, int] = MappingProxyType(_numbers)
# ISO codes that have no minor unit: known, and refused as currencies of play.
ISO_WITHOUT_MINOR_UNIT: frozenset[str] = _without
