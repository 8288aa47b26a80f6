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
from bisect import bisect_left
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from reelhouse.games import cascade, catalogue
from reelhouse.games.capbound import cap_table
from reelhouse.games.exact import buy_rtp
from reelhouse.games.model import Game
from reelhouse.games.stats import Sheet

FACTS_FILE = "facts.json"
# The figures as text with fixed decimals: exact JSON numbers for the API (a float never
# reaches an answer) and the same digits as the sheets in docs/games/.
PERCENT_DECIMALS = 2
MULTIPLE_DECIMALS = 1
ONE_IN_DIGITS = 4
# The effective RTP table: interpolation between its caps is within this many bets of the exact
# value (0.00001 percentage points), and its percentages carry this many decimals.
CAP_TABLE_TOLERANCE_X = 1e-7
CAP_TABLE_DIGITS = 6


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.{PERCENT_DECIMALS}f}"


def _one_in(probability: float) -> str:
    """ "1 in N" as N (one decimal; to ONE_IN_DIGITS significant digits past 10^15, where
    more digits would only repeat rounding), or "" for an event that never happens."""
    if probability <= 0:
        return ""
    odds = 1 / probability
    if odds < 1e15:
        return f"{odds:.{MULTIPLE_DECIMALS}f}"
    return f"{Decimal(f'{odds:.{ONE_IN_DIGITS - 1}e}'):f}"


def facts_of(sheet: Sheet) -> dict[str, Any]:
    """One variant's entry of `facts.json` (with `buy_rtp` for a game with a bonus buy). The
    max win is what a round can really pay (its largest possible win, or the cap when some
    round would win more), with its exact odds. `cap_rtp` is the effective RTP under any cap:
    (cap in credits, percent) at whole-credit caps, linear in between to within
    CAP_TABLE_TOLERANCE_X of the bet (games/capbound.py)."""
    game = sheet.game
    buy = {}
    if game.bonus_buy is not None:
        buy["buy_rtp"] = _percent(buy_rtp(game, sheet.variant))
    credits = game.credits
    table = cap_table(sheet.distribution, CAP_TABLE_TOLERANCE_X * credits)
    return buy | {
        "math_hash": sheet.game.variant(sheet.variant).math_hash,
        "rtp": _percent(sheet.rtp),
        "paid_rtp": _percent(sheet.paid_rtp),
        "hit_rate": _percent(sheet.hit_frequency),
        "volatility_index": f"{sheet.volatility_index:.2f}",
        "max_win_x": f"{sheet.max_win_x:.{MULTIPLE_DECIMALS}f}",
        "max_win_one_in": _one_in(sheet.max_win_probability),
        "top_base_win_x": f"{sheet.top_base_win_x:.{MULTIPLE_DECIMALS}f}",
        "top_base_win_one_in": _one_in(sheet.top_base_win_probability),
        "feature_one_in": _one_in(sheet.feature_frequency),
        "cap_rtp": [[cap, f"{mean / credits * 100:.{CAP_TABLE_DIGITS}f}"] for cap, mean in table],
    }


def facts_document(sheets: list[Sheet]) -> str:
    """The text of a game's `facts.json` (stable: sorted keys, one variant per key)."""
    variants = {str(sheet.variant): facts_of(sheet) for sheet in sheets}
    tables = {}
    for key, entry in variants.items():
        # One line per table: a figure per key stays readable, a thousand rows do not need to.
        tables[key] = json.dumps(entry["cap_rtp"], separators=(",", ":"))
        entry["cap_rtp"] = f"@table {key}@"
    text = json.dumps({"variants": variants}, indent=2, sort_keys=True) + "\n"
    for key, table in tables.items():
        text = text.replace(f'"@table {key}@"', table)
    return text


@cache
def _stored(game_code: str) -> dict[str, Any]:
    path = catalogue.DATA_ROOT / game_code / FACTS_FILE
    if not path.is_file():
        return {}
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _entry(game: Game, variant: int) -> dict[str, Any] | None:
    entry = _stored(game.game_code).get("variants", {}).get(str(variant))
    if not isinstance(entry, dict) or variant not in game.rtp_variants:
        return None
    if entry.get("math_hash") != catalogue.math_hash(game, variant):
        return None
    return entry


def variant_facts(game: Game, variant: int) -> dict[str, str] | None:
    """The figures of one variant, or None when none were written for its current math."""
    entry = _entry(game, variant)
    if entry is None:
        return None
    return {str(key): str(value) for key, value in entry.items() if key != "cap_rtp"}


def effective_rtp(game: Game, variant: int, cap_x: Fraction | None) -> Decimal | None:
    """The RTP (percent) a player gets when a round pays at most `cap_x` bets (None: no cap
    but the game's own), from the stored table; None when no figures match the math."""
    table = _cap_table(game.game_code, variant, catalogue.math_hash(game, variant))
    if table is None:
        return None
    cap = table[-1][0] if cap_x is None else min(cap_x * game.credits, table[-1][0])
    above = bisect_left(table, cap, key=lambda row: row[0])
    if table[above][0] == cap:
        return _decimal(table[above][1])
    (low, low_rtp), (high, high_rtp) = table[above - 1], table[above]
    return _decimal(low_rtp + (high_rtp - low_rtp) * (cap - low) / (high - low))


@cache
def _cap_table(
    game_code: str, variant: int, math_hash: str
) -> tuple[tuple[Fraction, Fraction], ...] | None:
    """The stored table as exact numbers, read once per math version (the hash is the key):
    the game client's state asks for it at every bet level."""
    game = catalogue.get_game(game_code)
    entry = None if game is None else _entry(game, variant)
    if entry is None or "cap_rtp" not in entry or entry.get("math_hash") != math_hash:
        return None
    return tuple((Fraction(cap), Fraction(percent)) for cap, percent in entry["cap_rtp"])


def _decimal(percent: Fraction) -> Decimal:
    return (Decimal(percent.numerator) / Decimal(percent.denominator)).quantize(
        Decimal(1).scaleb(-PERCENT_DECIMALS)
    )


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
