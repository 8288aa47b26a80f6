"""Numeric game ids, for protocols that name a game by an integer (iGamingAce A `gameId` /
`gameCode`).

Reelhouse names games by text codes (`lucky-sevens`). A number is derived from the code
instead of being assigned, so it is the same on every deployment and never changes while the
code does not: 31 bits of SHA-256 of the code, kept in 1..2^31-1 so that it fits a signed
32-bit integer and a JavaScript number. The catalogue is small (games.catalogue.MAX_GAMES),
so a clash is a one-in-ten-million event; the facade that lists games refuses to start
serving a catalogue with one (`numeric_ids`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

NUMERIC_GAME_ID_MAX = 2**31 - 1


def numeric_game_id(game_code: str) -> int:
    digest = hashlib.sha256(game_code.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % NUMERIC_GAME_ID_MAX + 1


class GameIdClash(AssertionError):
    """Two game codes derive the same number: rename one (a packaging error)."""


def numeric_ids(game_codes: Iterable[str]) -> dict[int, str]:
    """Number -> code for a whole catalogue; raises if two codes share a number."""
    found: dict[int, str] = {}
    for code in game_codes:
        number = numeric_game_id(code)
        if number in found and found[number] != code:
            raise GameIdClash(f"{code!r} and {found[number]!r} share game id {number}")
        found[number] = code
    return found
