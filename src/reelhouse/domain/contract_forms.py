"""Reelhouse's values in the SlotCity contract's own spellings, where they differ.

Games name their category in lower case (`slots`); the contract's clients switch on
`Slots` / `Live`. Currencies are ISO 4217 codes inside; the contract's `agent/info` shows
an integer code, and Reelhouse sends the ISO 4217 number (the public standard's, so an
operator can look it up) with the text code beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from reelhouse.domain.iso_currencies import ISO_NUMBERS
from reelhouse.domain.money import CURRENCY_EXPONENTS

# Game category -> the contract's spelling. A category not listed is capitalised.
CATEGORY_SPELLING: dict[str, str] = {"slots": "Slots", "live": "Live"}

# ISO 4217 numbers of the supported currencies, from the official list as every supported
# currency is (domain/iso_currencies.py). Cryptocurrencies have none: 0, and the text code
# (`currency_code`) says which.
NO_NUMERIC_CODE = 0
CURRENCY_NUMBERS: Mapping[str, int] = MappingProxyType(
    {code: ISO_NUMBERS.get(code, NO_NUMERIC_CODE) for code in CURRENCY_EXPONENTS}
)


def category_spelling(category: str) -> str:
    return CATEGORY_SPELLING.get(category, category[:1].upper() + category[1:])


def currency_number(code: str) -> int:
    return CURRENCY_NUMBERS.get(code, NO_NUMERIC_CODE)
