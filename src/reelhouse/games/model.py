"""A game as data: identity, symbols, paytable, lines or ways, feature, cap, and its RTP variants.

Each game is a directory of JSON files (see `games/data/README.md`): `game.json` for what every
variant shares and one `rtpNN.json` per variant with its weighted reel strips. Loading
validates everything the engine relies on, so the engine itself can assert instead of check.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Literal

from reelhouse.games.expanding_wilds import expand
from reelhouse.games.hold_model import (
    BonusBuy,
    HoldAndWin,
    HoldWeights,
    parse_bonus_buy,
    parse_hold_and_win,
    parse_hold_weights,
)
from reelhouse.games.rng import MAX_DRAW_BOUND

PROVIDER_ID = 1
PROVIDER_NAME = "Reelhouse Originals"

# Part of every math hash: a change to the evaluation rules in code changes the math version
# just as a change to a data file does, so replay never silently uses new rules on old rounds.
ENGINE_VERSION = "reelhouse-engine-1"

# "cash" and "blank" belong to the hold-and-win feature (hold_model.py); they never pay.
SymbolKind = Literal["regular", "wild", "scatter", "cash", "blank"]
# "cluster": cluster pays with cascades (games/cascade.py).
Mode = Literal["lines", "ways", "cluster"]

# Bounds on what a data file may ask for: beyond them evaluation cost or the win cap's integer
# arithmetic would stop being obviously safe.
MAX_REELS = 6
MAX_ROWS = 5
MAX_SYMBOLS = 16
MAX_LINES = 100
MAX_STOPS_PER_REEL = 256
MAX_FREE_SPINS = 200
MAX_PAY_CREDITS = 100_000
MAX_MULTIPLIER = 10
MAX_WIN_X = 100_000
MAX_CREDITS = 10_000
MAX_CASCADES = 50


@dataclass(frozen=True, slots=True)
class Symbol:
    code: str
    name: str
    kind: SymbolKind
    # pays[k - 1]: credits for k in a row (per line or per way), or for k scatters anywhere.
    pays: tuple[int, ...]
    # A wild multiplies the win of every line or way it takes part in.
    multiplier: int
    # An expanding wild fills its reel's window when it lands (games/expanding_wilds.py).
    expanding: bool = False


@dataclass(frozen=True, slots=True)
class FreeSpins:
    # awards[k - 1]: free spins for k scatters; the same table retriggers during the feature.
    awards: tuple[int, ...]
    multiplier: int
    retrigger: bool
    # One feature never plays more spins than this, whatever the retriggers.
    max_spins: int


@dataclass(frozen=True, slots=True)
class Reel:
    """One weighted reel strip: the stop drawn is `stop` with probability weights[stop]/total."""

    symbols: tuple[int, ...]
    weights: tuple[int, ...]
    cumulative: tuple[int, ...]
    # The game's expanding wilds (symbol ids): a window showing one shows it in every row.
    expanding: tuple[int, ...] = ()

    @property
    def total_weight(self) -> int:
        return self.cumulative[-1]

    def stop_for(self, draw: int) -> int:
        assert 0 <= draw < self.total_weight
        return bisect_right(self.cumulative, draw)

    def landed(self, stop: int, rows: int) -> tuple[int, ...]:
        """The symbols the reel stops on, from `stop` downwards; strips wrap around."""
        n = len(self.symbols)
        return tuple(self.symbols[(stop + row) % n] for row in range(rows))

    def window(self, stop: int, rows: int) -> tuple[int, ...]:
        """The symbols the reel shows and the wins are counted on: as landed, with any
        expanding wild filling the window. A function of this reel's stop alone, so reels
        stay independent and every exact method applies unchanged."""
        return expand(self.landed(stop, rows), self.expanding)


@dataclass(frozen=True, slots=True)
class StripSet:
    reels: tuple[Reel, ...]


@dataclass(frozen=True, slots=True)
class Variant:
    rtp_percent: int
    base: StripSet
    free: StripSet | None
    math_hash: str
    hold: HoldWeights | None = None  # the respin draw, for a hold-and-win game


@dataclass(frozen=True, slots=True)
class CascadeRules:
    """Cluster games (games/cascade.py): how long a cascade may run."""

    # Refills after which the wins of the grid are still paid but nothing more falls.
    max_cascades: int
    # multipliers[i]: what the wins of the grid after i refills are multiplied by; the last
    # one holds for every later grid.
    multipliers: tuple[int, ...] = (1,)

    def multiplier(self, refills: int) -> int:
        return self.multipliers[min(refills, len(self.multipliers) - 1)]


@dataclass(frozen=True, slots=True)
class GameInfo:
    game_code: str
    name: str
    category: str
    provider_id: int
    rtp_variants: tuple[int, ...]
    # A bet must be a positive multiple of this: the bet is split into this many credits and
    # every pay is a whole number of credits, so every win is a whole number of minor units.
    bet_step_minor: int
    symbols: tuple[Symbol, ...]
    rows: int
    reels: int
    mode: Mode
    volatility: str
    description: str


@dataclass(frozen=True, slots=True)
class Game(GameInfo):
    # lines[i][reel] = row of line i on that reel (lines mode only).
    lines: tuple[tuple[int, ...], ...]
    free_spins: FreeSpins | None
    # No round pays more than max_win_x times its bet.
    max_win_x: int
    variants: tuple[Variant, ...]
    hold_and_win: HoldAndWin | None = None
    bonus_buy: BonusBuy | None = None
    cascade: CascadeRules | None = None

    @property
    def credits(self) -> int:
        return self.bet_step_minor

    @property
    def max_win_credits(self) -> int:
        return self.max_win_x * self.bet_step_minor

    @property
    def scatter(self) -> int | None:
        for index, symbol in enumerate(self.symbols):
            if symbol.kind == "scatter":
                return index
        return None

    def variant(self, rtp_percent: int) -> Variant:
        for variant in self.variants:
            if variant.rtp_percent == rtp_percent:
                return variant
        raise KeyError(f"{self.game_code} has no RTP variant {rtp_percent}")


class GameDataError(ValueError):
    """A game data file breaks a rule the engine relies on (hold-and-win entries raise its
    sibling HoldDataError, from hold_model.py)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise GameDataError(message)


def canonical_bytes(document: Any) -> bytes:
    """One byte string per JSON value: sorted keys, no spaces, ASCII only."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def compute_math_hash(game_document: Any, variant_document: Any) -> str:
    material = {"engine": ENGINE_VERSION, "game": game_document, "variant": variant_document}
    return hashlib.sha256(canonical_bytes(material)).hexdigest()


def _positive_int(value: Any, limit: int, what: str) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool), f"{what} must be an int")
    _require(0 < value <= limit, f"{what} = {value} is outside 1..{limit}")
    return int(value)


def _symbols(document: Any, reels: int, pay_counts: int) -> tuple[Symbol, ...]:
    raw = document["symbols"]
    _require(0 < len(raw) <= MAX_SYMBOLS, "symbol count out of range")
    symbols = []
    for item in raw:
        kind = item["kind"]
        known = ("regular", "wild", "scatter", "cash", "blank")
        _require(kind in known, f"unknown symbol kind {kind!r}")
        pays = tuple(int(p) for p in item.get("pays", [0] * pay_counts))
        _require(len(pays) == pay_counts, f"{item['code']}: one pay per count 1..{pay_counts}")
        _require(all(0 <= p <= MAX_PAY_CREDITS for p in pays), f"{item['code']}: pay range")
        multiplier = _positive_int(item.get("multiplier", 1), MAX_MULTIPLIER, "multiplier")
        _require(kind == "wild" or multiplier == 1, "only wilds carry multipliers")
        expanding = item.get("expanding", False)
        _require(expanding in (False, True), "expanding is true or false")
        _require(kind == "wild" or not expanding, "only wilds expand")
        symbols.append(Symbol(item["code"], item["name"], kind, pays, multiplier, expanding))
    codes = [s.code for s in symbols]
    _require(len(set(codes)) == len(codes), "symbol codes must be unique")
    _require(sum(s.kind == "scatter" for s in symbols) <= 1, "at most one scatter symbol")
    return tuple(symbols)


def _free_spins(document: Any, reels: int, has_scatter: bool) -> FreeSpins | None:
    raw = document.get("free_spins")
    if raw is None:
        return None
    _require(has_scatter, "free spins need a scatter to trigger them")
    awards = tuple(int(a) for a in raw["awards"])
    _require(len(awards) == reels, "one free-spin award per scatter count 1..reels")
    max_spins = _positive_int(raw["max_spins"], MAX_FREE_SPINS, "max_spins")
    _require(all(0 <= a <= max_spins for a in awards), "awards must fit max_spins")
    _require(any(awards), "free spins that nothing triggers")
    multiplier = _positive_int(raw["multiplier"], MAX_MULTIPLIER, "free-spin multiplier")
    return FreeSpins(awards, multiplier, bool(raw["retrigger"]), max_spins)


def _lines(document: Any, mode: Mode, reels: int, rows: int) -> tuple[tuple[int, ...], ...]:
    if mode != "lines":
        _require("lines" not in document, f"a {mode} game has no lines")
        return ()
    lines = tuple(tuple(int(r) for r in line) for line in document["lines"])
    _require(0 < len(lines) <= MAX_LINES, "line count out of range")
    for line in lines:
        _require(len(line) == reels and all(0 <= r < rows for r in line), f"bad line {line}")
    _require(len(set(lines)) == len(lines), "duplicate lines")
    return lines


def parse_game(document: Any, variant_documents: dict[int, Any]) -> Game:
    """Build and validate a Game from its parsed `game.json` and `rtpNN.json` documents."""
    reels = _positive_int(document["reels"], MAX_REELS, "reels")
    _require(reels >= 2, "a slot needs at least two reels")
    rows = _positive_int(document["rows"], MAX_ROWS, "rows")
    mode = document["mode"]
    _require(mode in ("lines", "ways", "cluster"), f"unknown mode {mode!r}")
    # A cluster symbol pays by cluster size, 1..every cell; others by count, 1..reels.
    symbols = _symbols(document, reels, reels * rows if mode == "cluster" else reels)
    if mode != "lines":
        _require(all(s.kind != "wild" or not any(s.pays) for s in symbols), f"{mode} wilds pay 0")
    cascade = _cascade(document, mode, symbols)
    lines = _lines(document, mode, reels, rows)
    scatter = next((i for i, s in enumerate(symbols) if s.kind == "scatter"), None)
    free_spins = _free_spins(document, reels, scatter is not None)
    hold = parse_hold_and_win(document, [s.kind for s in symbols], reels * rows)
    # The engine plays one feature per round: respins take the place of free spins.
    _require(hold is None or free_spins is None, "hold and win and free spins in one game")
    trigger_spins = None
    if free_spins is not None:
        # The fewest scatters that trigger the feature: their award, as the feature starts.
        fewest = next(award for award in free_spins.awards if award)
        trigger_spins = min(fewest, free_spins.max_spins)
    bonus_buy = parse_bonus_buy(document, hold, reels * rows, trigger_spins)
    rtps = tuple(sorted(int(r) for r in document["rtp_variants"]))
    _require(rtps == tuple(sorted(variant_documents)), "rtp_variants must match the files")
    code_index = {s.code: i for i, s in enumerate(symbols)}
    for rtp, variant_document in variant_documents.items():
        _require(int(variant_document["rtp_percent"]) == rtp, f"rtp{rtp}.json says another RTP")
        _require(("free" in variant_document) == (free_spins is not None), "free strips mismatch")
    expanding = tuple(i for i, s in enumerate(symbols) if s.expanding)
    variants = tuple(
        Variant(
            rtp_percent=rtp,
            base=_strip_set(
                variant_documents[rtp]["base"], code_index, rows, reels, scatter, expanding
            ),
            free=_strip_set(
                variant_documents[rtp]["free"], code_index, rows, reels, scatter, expanding
            )
            if free_spins is not None
            else None,
            math_hash=compute_math_hash(document, variant_documents[rtp]),
            hold=parse_hold_weights(variant_documents[rtp], hold),
        )
        for rtp in rtps
    )
    return Game(
        game_code=document["game_code"],
        name=document["name"],
        category=document.get("category", "slots"),
        provider_id=PROVIDER_ID,
        rtp_variants=rtps,
        bet_step_minor=_positive_int(document["credits"], MAX_CREDITS, "credits"),
        symbols=symbols,
        rows=rows,
        reels=reels,
        mode=mode,
        volatility=document["volatility"],
        description=document.get("description", ""),
        lines=lines,
        free_spins=free_spins,
        max_win_x=_positive_int(document["max_win_x"], MAX_WIN_X, "max_win_x"),
        variants=variants,
        hold_and_win=hold,
        bonus_buy=bonus_buy,
        cascade=cascade,
    )


def _cascade(document: Any, mode: Mode, symbols: tuple[Symbol, ...]) -> CascadeRules | None:
    raw = document.get("cascade")
    _require((raw is not None) == (mode == "cluster"), "a cascade exactly in cluster games")
    if raw is None:
        return None
    # The cascade's exact math (games/cascade.py) covers regular symbols and plain wilds only.
    _require("free_spins" not in document, "a cluster game has no free spins")
    _require(all(s.kind != "scatter" for s in symbols), "a cluster game has no scatters")
    _require(all(s.multiplier == 1 and not s.expanding for s in symbols), "plain wilds only")
    multipliers = tuple(
        _positive_int(m, MAX_MULTIPLIER, "cascade multiplier") for m in raw.get("multipliers", [1])
    )
    _require(0 < len(multipliers) <= MAX_CASCADES + 1, "one multiplier per grid at most")
    return CascadeRules(
        _positive_int(raw["max_cascades"], MAX_CASCADES, "max_cascades"), multipliers
    )


def build_strips(game: Game, document: Any) -> StripSet:
    """A validated strip set for `game` from {"strips": [[code, ...]], "weights": [[int]]}."""
    code_index = {s.code: i for i, s in enumerate(game.symbols)}
    expanding = tuple(i for i, s in enumerate(game.symbols) if s.expanding)
    return _strip_set(document, code_index, game.rows, game.reels, game.scatter, expanding)


def _strip_set(
    document: Any,
    code_index: dict[str, int],
    rows: int,
    reels: int,
    scatter: int | None,
    expanding: tuple[int, ...] = (),
) -> StripSet:
    strips, weights = document["strips"], document["weights"]
    _require(len(strips) == reels and len(weights) == reels, "one strip per reel")
    built = []
    for reel_index, (strip, reel_weights) in enumerate(zip(strips, weights, strict=True)):
        _require(rows <= len(strip) <= MAX_STOPS_PER_REEL, "strip length out of range")
        _require(len(strip) == len(reel_weights), "one weight per stop")
        _require(all(code in code_index for code in strip), f"unknown symbol on reel {reel_index}")
        _require(all(isinstance(w, int) and w > 0 for w in reel_weights), "weights must be > 0")
        symbols = tuple(code_index[code] for code in strip)
        cumulative = tuple(accumulate(int(w) for w in reel_weights))
        _require(cumulative[-1] <= MAX_DRAW_BOUND, "reel weight total too large")
        reel = Reel(symbols, tuple(int(w) for w in reel_weights), cumulative, expanding)
        # At most one scatter per window keeps "k scatters" at most one per reel, which the
        # exact math (a convolution over reels) and the pay tables (k <= reels) rely on.
        for stop in range(len(symbols) if scatter is not None else 0):
            window = reel.window(stop, rows)
            _require(window.count(scatter) <= 1, f"reel {reel_index} shows 2 scatters at once")
        built.append(reel)
    return StripSet(tuple(built))
