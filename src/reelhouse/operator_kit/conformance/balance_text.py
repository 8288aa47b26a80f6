"""The balance a wallet's answer carries, read by the suite as the number it is written as,
and rounded to the currency for display and comparison.

The dialect's decoder reads answers as Reelhouse does in production, and may drop a balance
it cannot hold exactly (float noise such as 49.30000000000001, or a fraction of a minor unit
such as 979.985 left by a wallet that accepted a too-fine amount). The suite still has to
know the test account's balance to measure a scenario, so it reads that number itself: the
balance is the player's display, never the evidence of what a call did (the answer's status
is), and an unreadable form must not fail every later scenario.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from reelhouse.domain.money import MAX_AMOUNT_DIGITS, Currency

# A residue this far from a whole minor unit (in minor units) is a real fraction, not the
# noise of binary floating point (a double's noise is 1e-16 of the balance: far below this
# for any balance within MAX_AMOUNT_MINOR).
SUB_UNIT_MINOR = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class ReadBalance:
    minor: int  # rounded half-even to the currency's minor unit
    written: Decimal  # as the answer wrote it
    sub_unit: bool  # the written balance holds a real fraction of a minor unit


def _written_balance(body: str) -> Decimal | None:
    """`balance` at the top (iGamingAce) or under `data` (SlotCity), as an exact number."""
    try:
        doc = json.loads(body, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        return None  # not JSON (or cut short in the report's excerpt)
    if not isinstance(doc, dict):
        return None
    data = doc.get("data")
    value = doc.get("balance")
    if value is None and isinstance(data, dict):
        value = data.get("balance")
    return value if isinstance(value, Decimal) and value.is_finite() else None


def read_balance(body: str, cur: Currency) -> ReadBalance | None:
    """The answer's balance rounded to `cur`; None when it has none or it is out of range."""
    written = _written_balance(body)
    if written is None or (
        not written.is_zero() and written.adjusted() + cur.exponent > MAX_AMOUNT_DIGITS
    ):
        return None
    try:
        rounded = written.quantize(Decimal(1).scaleb(-cur.exponent), rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        return None
    residue = abs(written - rounded).scaleb(cur.exponent)
    return ReadBalance(int(rounded.scaleb(cur.exponent)), written, residue >= SUB_UNIT_MINOR)
