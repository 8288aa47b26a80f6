"""Each game's published figures: the RTP, hit rate, volatility index, max win and its odds of
every variant, and the features its data describes.

The figures come from the exact math sheet (games/stats.py), the same one docs/games/ shows.
A sheet takes seconds to compute, so `reelhouse rtp docs --facts DIR` writes them once, as
`facts.json` beside the game's data, and the catalogue and the APIs read that file. Each
variant's entry carries its math hash: an entry written for other math is not shown (the
figures would describe another game) until the file is written again, and a test fails
meanwhile.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from reelhouse.games import cascade, catalogue
from reelhouse.games.exact import buy_rtp
from reelhouse.games.model import Game
from reelhouse.games.stats import Sheet

FACTS_FILE = "facts.json"
# The figures as text with fixed decimals: exact JSON numbers for the API (a float never
# reaches an answer) and the same digits as the sheets in docs/games/.
PERCENT_DECIMALS = 2
MULTIPLE_DECIMALS = 1


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.{PERCENT_DECIMALS}f}"


def _one_in(probability: float) -> str:
    """ "1 in N" as N (one decimal), or "" for an event that never happens."""
    return f"{1 / probability:.{MULTIPLE_DECIMALS}f}" if probability > 0 else ""


def _max_win_one_in(sheet: Sheet) -> str:
    """The odds of a round paying the max win. A cap that some round can reach: the sheet's
    upper bound on that probability (so the real odds are at most this likely). No such
    cap: the max win is the top base win, whose odds the sheet has exactly. Otherwise ""
    (the sheet bounds the cap's odds at 0 at its precision: not shown as a number). A sheet
    that knows the max win's exact odds (hold_stats.py) gives them."""
    if sheet.max_win_probability is not None:
        return _one_in(sheet.max_win_probability)
    if sheet.cap_probability_bound > 0:
        return _one_in(sheet.cap_probability_bound)
    if sheet.top_base_win_x >= sheet.max_win_x:
        return _one_in(sheet.top_base_win_probability)
    return ""


def facts_of(sheet: Sheet) -> dict[str, str]:
    """One variant's entry of `facts.json` (with `buy_rtp` for a game with a bonus buy)."""
    game = sheet.game
    buy = {}
    if game.bonus_buy is not None:
        buy["buy_rtp"] = _percent(buy_rtp(game, sheet.variant))
    return buy | {
        "math_hash": sheet.game.variant(sheet.variant).math_hash,
        "rtp": _percent(sheet.rtp),
        "hit_rate": _percent(sheet.hit_frequency),
        "volatility_index": f"{sheet.volatility_index:.2f}",
        "max_win_x": f"{sheet.max_win_x:.{MULTIPLE_DECIMALS}f}",
        "max_win_one_in": _max_win_one_in(sheet),
        "top_base_win_x": f"{sheet.top_base_win_x:.{MULTIPLE_DECIMALS}f}",
        "top_base_win_one_in": _one_in(sheet.top_base_win_probability),
        "feature_one_in": _one_in(sheet.feature_frequency),
    }


def facts_document(sheets: list[Sheet]) -> str:
    """The text of a game's `facts.json` (stable: sorted keys, one variant per key)."""
    variants = {str(sheet.variant): facts_of(sheet) for sheet in sheets}
    return json.dumps({"variants": variants}, indent=2, sort_keys=True) + "\n"


@cache
def _stored(game_code: str) -> dict[str, Any]:
    path = catalogue.DATA_ROOT / game_code / FACTS_FILE
    if not path.is_file():
        return {}
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def variant_facts(game: Game, variant: int) -> dict[str, str] | None:
    """The figures of one variant, or None when none were written for its current math."""
    entry = _stored(game.game_code).get("variants", {}).get(str(variant))
    if not isinstance(entry, dict) or variant not in game.rtp_variants:
        return None
    if entry.get("math_hash") != catalogue.math_hash(game, variant):
        return None
    return {str(key): str(value) for key, value in entry.items()}


def features(game: Game) -> list[str]:
    """What a player finds in the game, in words, from its data."""
    found = [
        f"{len(game.lines)} lines" if game.mode == "lines" else f"{game.rows**game.reels} ways"
    ]
    if game.mode == "cluster":
        assert game.cascade is not None
        times = "/".join(f"x{m}" for m in game.cascade.multipliers)
        cascades = "cascades" if times == "x1" else f"cascades paying {times}"
        found = [f"cluster pays ({cascade.smallest_cluster(game.symbols)}+ touching)", cascades]
    for symbol in game.symbols:
        if symbol.kind == "wild":
            times = f" x{symbol.multiplier}" if symbol.multiplier > 1 else ""
            # Its name may say so already ("Silver Flame x2").
            times = "" if symbol.name.endswith(times) else times
            expanding = "expanding " if symbol.expanding else ""
            found.append(f"{expanding}wild {symbol.name}{times}")
        elif symbol.kind == "scatter":
            found.append(f"scatter {symbol.name} pays anywhere")
    hold = game.hold_and_win
    if hold is not None:
        cash = game.symbols[hold.cash].name
        grand = f", full board {hold.grand_credits // game.credits}x" if hold.grand_credits else ""
        found.append(f"hold and win: {hold.trigger}+ {cash} for {hold.respins} respins{grand}")
    if game.bonus_buy is not None:
        found.append(f"bonus buy: {game.bonus_buy.price_x}x bet")
    spins = game.free_spins
    if spins is not None:
        counts = "/".join(str(n) for n in spins.awards if n)
        lowest = next(k for k, n in enumerate(spins.awards, start=1) if n)
        again = ", retriggers" if spins.retrigger else ""
        found.append(
            f"free spins: {counts} for {lowest}+ scatters, wins x{spins.multiplier}{again}"
        )
    return found
