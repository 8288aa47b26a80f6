"""What the hold-and-win feature produced, as data the client draws and an auditor replays.

Amounts are credits inside; the JSON adds them in minor units (as outcome.py does for wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A cash symbol on the board: (reel, row, value in credits).
Coin = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Respin:
    landed: tuple[Coin, ...]  # the cash symbols this respin landed (they stay to the end)
    respins_left: int  # after this respin (back to the full count when something landed)


@dataclass(frozen=True, slots=True)
class HoldResult:
    start: tuple[Coin, ...]  # the cash symbols the feature started with
    respins: tuple[Respin, ...]
    full: bool  # every cell holds cash: the grand prize is paid
    grand_credits: int  # paid for the full board (0 when not full)
    win_credits: int  # every value on the board, plus the grand prize

    @property
    def coins(self) -> tuple[Coin, ...]:
        """Every cash symbol on the final board."""
        return self.start + tuple(coin for respin in self.respins for coin in respin.landed)


def _coins_json(coins: tuple[Coin, ...], credit_minor: int) -> list[list[int]]:
    return [[reel, row, value * credit_minor] for reel, row, value in coins]


def _coins(raw: list[list[int]], credit_minor: int) -> tuple[Coin, ...]:
    coins = []
    for reel, row, value_minor in raw:
        assert int(value_minor) % credit_minor == 0, "stored value is not whole credits"
        coins.append((int(reel), int(row), int(value_minor) // credit_minor))
    return tuple(coins)


def hold_json(result: HoldResult, credit_minor: int) -> dict[str, Any]:
    return {
        "coins": _coins_json(result.start, credit_minor),
        "respins": [
            {"landed": _coins_json(r.landed, credit_minor), "respins_left": r.respins_left}
            for r in result.respins
        ],
        "full": result.full,
        "grand_minor": result.grand_credits * credit_minor,
        "win_minor": result.win_credits * credit_minor,
    }


def hold_from_json(raw: dict[str, Any], credit_minor: int) -> HoldResult:
    grand_minor, win_minor = int(raw["grand_minor"]), int(raw["win_minor"])
    assert grand_minor % credit_minor == 0 and win_minor % credit_minor == 0
    return HoldResult(
        start=_coins(raw["coins"], credit_minor),
        respins=tuple(
            Respin(_coins(r["landed"], credit_minor), int(r["respins_left"]))
            for r in raw["respins"]
        ),
        full=bool(raw["full"]),
        grand_credits=grand_minor // credit_minor,
        win_credits=win_minor // credit_minor,
    )
