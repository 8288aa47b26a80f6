"""Cryptocurrencies Reelhouse accepts, and their display units: data only.

ISO 4217 has no cryptocurrencies, so this small table is ours. It lists the coins crypto
casinos' cashiers most commonly hold (the large coins and the two dollar stablecoins), each
with the decimals Reelhouse accounts it in: the coin's own smallest unit where that is at
most 8 decimals (BTC's satoshi, TRX's sun, XRP's drop, USDT/USDC's 6 decimals on their main
chains), else 8 (ETH's wei is 10^-18 and SOL's lamport 10^-9: amounts finer than 10^-8 are
refused, never rounded). 8 is domain/limits.py's MAX_CURRENCY_DECIMALS: at 8 decimals an
amount of up to 10 million coins stays within MAX_AMOUNT_MINOR.

A code here must not be an ISO 4217 code (checked in domain/money.py): the two lists are one
namespace in the operator's settings and on the wire.
"""

from __future__ import annotations

from typing import NamedTuple

# Ticker -> decimals.
CRYPTO_EXPONENTS: dict[str, int] = {
    "BTC": 8,
    "BCH": 8,
    "LTC": 8,
    "DOGE": 8,
    "ETH": 8,  # native 18 decimals (wei): capped
    "SOL": 8,  # native 9 decimals (lamports): capped
    "USDT": 6,
    "USDC": 6,
    "TRX": 6,
    "XRP": 6,
}


class DisplayUnitRow(NamedTuple):
    """A named scale of a base currency: one `code` is 10^-`shift_digits` of `base`."""

    code: str  # ASCII, as typed and stored: "uBTC"
    symbol: str  # as shown to a player: "μBTC"
    base: str
    shift_digits: int


# The scales players of crypto casinos are shown. Each is coarser than its base's minor unit
# or equal to it (`sat`), so every ledger amount has an exact display; a scale finer than the
# ledger (gwei) is not offered: it could show amounts the ledger cannot hold.
DISPLAY_UNIT_ROWS: tuple[DisplayUnitRow, ...] = (
    DisplayUnitRow("mBTC", "mBTC", "BTC", 3),
    DisplayUnitRow("uBTC", "μBTC", "BTC", 6),
    DisplayUnitRow("sat", "sat", "BTC", 8),
    DisplayUnitRow("mBCH", "mBCH", "BCH", 3),
    DisplayUnitRow("mLTC", "mLTC", "LTC", 3),
    DisplayUnitRow("mETH", "mETH", "ETH", 3),
)
