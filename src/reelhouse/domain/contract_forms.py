"""Reelhouse's values in the SlotCity contract's own spellings, where they differ.

Games name their category in lower case (`slots`); the contract's clients switch on
`Slots` / `Live`. Currencies are ISO 4217 codes inside; the contract's `agent/info` shows
an integer code, and Reelhouse sends the ISO 4217 number (the public standard's, so an
operator can look it up) with the text code beside it.
"""

from __future__ import annotations

# Game category -> the contract's spelling. A category not listed is capitalised.
CATEGORY_SPELLING: dict[str, str] = {"slots": "Slots", "live": "Live"}

# ISO 4217 numeric codes of the supported currencies. Crypto units have none: 0, and the
# text code (`currency_code`) says which.
NO_NUMERIC_CODE = 0
CURRENCY_NUMBERS: dict[str, int] = {
    "USD": 840,
    "EUR": 978,
    "GBP": 826,
    "CAD": 124,
    "AUD": 36,
    "BRL": 986,
    "INR": 356,
    "TRY": 949,
    "PHP": 608,
    "MXN": 484,
    "THB": 764,
    "JPY": 392,
    "KRW": 410,
    "VND": 704,
    "CLP": 152,
    "KWD": 414,
    "BHD": 48,
    "TND": 788,
    "USDT": NO_NUMERIC_CODE,
    "BTC": NO_NUMERIC_CODE,
}


def category_spelling(category: str) -> str:
    return CATEGORY_SPELLING.get(category, category[:1].upper() + category[1:])


def currency_number(code: str) -> int:
    return CURRENCY_NUMBERS.get(code, NO_NUMERIC_CODE)
