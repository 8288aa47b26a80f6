"""Numbers written as text by someone outside (URL paths, query strings, forms, JSON strings),
read only after their length is bounded.

`str.isdigit()` is not enough: it accepts digits `int()` refuses (`"²"`), and `int()` on
5,000 digits raises, and on 4,000 costs time. Each reader here answers None for anything it
does not accept, so callers turn that into their own documented refusal.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reelhouse.domain.limits import MAX_DECIMAL_TEXT_CHARS

INT64_MAX = 2**63 - 1
# 9223372036854775807 has 19 digits: a longer text is beyond 63 bits whatever it says.
INT64_MAX_DIGITS = len(str(INT64_MAX))

# Plain decimal notation only: no exponent, "+", spaces, NaN or infinities, so that what a
# person reads is exactly the number.
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


def id_of(text: str) -> int | None:
    """A positive 63-bit id written in ASCII digits (database ids, user codes, pages), or
    None."""
    text = text.strip()
    if not (0 < len(text) <= INT64_MAX_DIGITS and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= INT64_MAX else None


def plain_decimal_of(text: str) -> Decimal | None:
    """Plain decimal text of at most MAX_DECIMAL_TEXT_CHARS characters as a Decimal, or
    None."""
    if len(text) > MAX_DECIMAL_TEXT_CHARS or not PLAIN_DECIMAL.fullmatch(text):
        return None
    return Decimal(text)
