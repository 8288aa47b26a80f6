"""Tuning tool: fits each RTP variant's reel weights to its nominal RTP and writes the data files.

    python -m reelhouse.games.tune [GAME_CODE ...]

Input per game: `game.json` (paytable, lines, feature; shared by all variants) and
`tuning.json` (the strip layouts, a starting weight per symbol, and the "knob" symbols whose
weights the tuner may change). Output: `rtpNN.json` for every variant in `game.json`.

How: every knob stop's weight is its starting weight times exp(t); a bisection on t over the
game's `knob_range` (where the RTP must be monotone enough to cross the target once) brings the
exact RTP next to the target, then a greedy search moves single knob weights by one unit until
the error is below TOLERANCE. Weights are integers and large (thousands per stop), so a unit
step moves the RTP by well under 0.01 percentage points.

A hold-and-win game with a bonus buy first fits each variant's respin weights (`hold`: cash
and blank out of HOLD_TOTAL) so that the buy returns the variant's nominal RTP, by bisection
on the cash weight; the base strips are then fitted with the feature as it now pays. A
free-spin game with a bonus buy likewise first fits its free strips (their knob over
`free_knob_range`, by default `knob_range`, then single steps) so that the buy returns the
nominal RTP, then the base strips alone.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from reelhouse.games.catalogue import DATA_ROOT
from reelhouse.games.exact import free_spin_buy_rtp, strips_rtp
from reelhouse.games.hold_exact import buy_rtp
from reelhouse.games.hold_model import HoldWeights
from reelhouse.games.model import Game, build_strips, parse_game

# Aim well inside the 0.01 pp the variants promise: 0.0005 pp.
TOLERANCE = 0.000005
BISECTION_STEPS = 60
MAX_GREEDY_ROUNDS = 200
KNOB_RANGE = (-3.0, 5.0)
# The respin draw of a hold-and-win variant is below this total: one unit of the cash weight
# moves a bonus buy's RTP by about 1e-7 percentage points.
HOLD_TOTAL = 1_000_000_000

Layout = dict[str, Any]  # {"strips": [[code, ...], ...], "symbol_weights": {code: weight}}


def _stop(entry: str, start: dict[str, int], knob: set[str]) -> tuple[str, int, str]:
    """(code, starting weight, role) of a layout stop. "CODE" takes the symbol's starting
    weight, role "knob" if the symbol is a knob else "fixed"; "CODE@WEIGHT" is "pinned"."""
    code, _, weight = entry.partition("@")
    if weight:
        return code, int(weight), "pinned"
    return code, int(start[code]), "knob" if code in knob else "fixed"


def _codes(layout: Layout) -> list[list[str]]:
    return [[entry.partition("@")[0] for entry in strip] for strip in layout["strips"]]


def _weights(layout: Layout, knob: set[str], t: float) -> list[list[int]]:
    """Knob stops scale by exp(t); pinned stops keep their share of the reel's total weight,
    so the designer's placement (say, how often a scatter shows) survives the tuning."""
    start = layout["symbol_weights"]
    scale = math.exp(t)
    weights = []
    for strip in layout["strips"]:
        stops = [_stop(entry, start, knob) for entry in strip]
        row = [max(1, round(w * scale)) if role == "knob" else w for _, w, role in stops]
        before = sum(w for _, w, role in stops if role != "pinned")
        after = sum(w for w, (_, _, role) in zip(row, stops, strict=True) if role != "pinned")
        weights.append(
            [
                max(1, round(w * after / before)) if role == "pinned" else w
                for w, (_, _, role) in zip(row, stops, strict=True)
            ]
        )
    return weights


class _Candidate:
    """Weights for the base and free strips, and the RTP they give."""

    def __init__(
        self,
        game: Game,
        tuning: Any,
        t: float,
        hold: HoldWeights | None = None,
        free: list[list[int]] | None = None,
    ) -> None:
        self.game = game
        self.tuning = tuning
        knob = set(tuning["knob"])
        self.base = _weights(tuning["base"], knob, t)
        # The free strips follow the base knob, unless a bonus buy fixed them (`_fit_free`).
        if free is None and "free" in tuning:
            free = _weights(tuning["free"], knob, t)
        self.free = free
        self.hold = hold

    def rtp(self) -> float:
        document = self.document(0)
        base = build_strips(self.game, document["base"])
        free = build_strips(self.game, document["free"]) if "free" in document else None
        return strips_rtp(self.game, base, free, self.hold).rtp

    def buy_rtp(self) -> float:
        """The return of a free-spin game's bonus buy on these free strips."""
        return free_spin_buy_rtp(self.game, build_strips(self.game, self.document(0)["free"]))

    def document(self, rtp_percent: int) -> dict[str, Any]:
        document: dict[str, Any] = {
            "rtp_percent": rtp_percent,
            "base": {"strips": _codes(self.tuning["base"]), "weights": self.base},
        }
        if self.free is not None:
            document["free"] = {"strips": _codes(self.tuning["free"]), "weights": self.free}
        if self.hold is not None:
            document["hold"] = {"cash": self.hold.cash, "blank": self.hold.blank}
        return document


def _fit_hold(game: Game, tuning: Any, target: float) -> HoldWeights | None:
    """The respin weights of one variant: fitted to the target through the bonus buy's RTP
    (which rises with the cash weight), or the designer's (`tuning.json` "hold") without one."""
    if game.hold_and_win is None:
        return None
    if game.bonus_buy is None:
        return HoldWeights(int(tuning["hold"]["cash"]), int(tuning["hold"]["blank"]))

    def weights(cash: int) -> HoldWeights:
        return HoldWeights(cash, HOLD_TOTAL - cash)

    low, high = 1, HOLD_TOTAL - 1
    assert buy_rtp(game, weights(low)) < target < buy_rtp(game, weights(high))
    while high - low > 1:  # invariant: the buy returns less than the target at low, more at high
        middle = (low + high) // 2
        if buy_rtp(game, weights(middle)) < target:
            low = middle
        else:
            high = middle
    return min(weights(low), weights(high), key=lambda w: abs(buy_rtp(game, w) - target))


def _fit_free(game: Game, tuning: Any, target: float) -> list[list[int]] | None:
    """The free strips' weights of one variant of a free-spin game with a bonus buy: fitted
    so that the buy returns the target, by bisection on their knob, then single steps (None
    without such a buy: the free strips follow the base knob)."""
    if game.bonus_buy is None or game.free_spins is None:
        return None

    def buy(t: float) -> float:
        return _Candidate(game, tuning, t).buy_rtp()

    low, high = tuning.get("free_knob_range", tuning.get("knob_range", KNOB_RANGE))
    candidate = _Candidate(
        game, tuning, _bisection(buy, low, high, target, f"{game.game_code} buy")
    )
    _greedy(candidate, target, "free")
    assert candidate.free is not None
    return candidate.free


def _bisection(
    rtp: Callable[[float], float], low: float, high: float, target: float, what: str
) -> float:
    """The t in [low, high] whose RTP is nearest the target, by bisection."""
    low_above = rtp(low) > target
    assert low_above != (rtp(high) > target), f"{what}: the knob range does not reach {target}"
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        if (rtp(middle) > target) == low_above:
            low = middle
        else:
            high = middle
    return min((low, high), key=lambda t: abs(rtp(t) - target))


def _bisect(game: Game, tuning: Any, target: float) -> _Candidate:
    """Bisection on t over the game's knob range; the RTP must cross the target inside it."""
    low, high = tuning.get("knob_range", KNOB_RANGE)
    hold = _fit_hold(game, tuning, target)
    free = _fit_free(game, tuning, target)

    def rtp(t: float) -> float:
        return _Candidate(game, tuning, t, hold, free).rtp()

    t = _bisection(rtp, low, high, target, game.game_code)
    return _Candidate(game, tuning, t, hold, free)


def _greedy(candidate: _Candidate, target: float, key: str = "base") -> float:
    """Move single knob weights of the base strips by one unit while the RTP gets closer (of
    the free strips, `key` "free", while the bonus buy's RTP does)."""
    layout = candidate.tuning[key]
    knob = set(candidate.tuning["knob"])
    weights = candidate.base if key == "base" else candidate.free
    assert weights is not None
    measure = candidate.rtp if key == "base" else candidate.buy_rtp
    moves = [
        (reel, stop)
        for reel, strip in enumerate(layout["strips"])
        for stop, entry in enumerate(strip)
        if _stop(entry, layout["symbol_weights"], knob)[2] == "knob"
    ]
    error = abs(measure() - target)
    for _ in range(MAX_GREEDY_ROUNDS):
        if error < TOLERANCE:
            break
        best: tuple[float, int, int, int] | None = None
        for reel, stop in moves:
            for step in (-1, 1):
                if weights[reel][stop] + step < 1:
                    continue
                weights[reel][stop] += step
                trial = abs(measure() - target)
                weights[reel][stop] -= step
                if trial < error and (best is None or trial < best[0]):
                    best = (trial, reel, stop, step)
        if best is None:
            break
        error, reel, stop, step = best
        weights[reel][stop] += step
    return error


def tune_game(directory: Traversable) -> dict[int, dict[str, Any]]:
    """Fit every variant of the game in `directory`; returns the rtpNN.json documents."""
    document = json.loads((directory / "game.json").read_text(encoding="utf-8"))
    tuning = json.loads((directory / "tuning.json").read_text(encoding="utf-8"))
    game = _placeholder_game(document, tuning)
    results = {}
    for rtp in game.rtp_variants:
        target = rtp / 100
        candidate = _bisect(game, tuning, target)
        error = _greedy(candidate, target)
        buy = ""
        if game.bonus_buy is not None and game.free_spins is not None:
            buy = f", bonus buy {candidate.buy_rtp() * 100:.6f} %"
        print(
            f"{game.game_code} rtp{rtp}: {candidate.rtp() * 100:.6f} %"
            f" (error {error * 100:.6f} pp){buy}"
        )
        results[rtp] = candidate.document(rtp)
    return results


def _placeholder_game(document: Any, tuning: Any) -> Game:
    """A Game whose variants all use the starting weights: enough to evaluate candidates."""
    layouts = {"base": tuning["base"], **({"free": tuning["free"]} if "free" in tuning else {})}
    starting: dict[str, Any] = {
        key: {"strips": _codes(layout), "weights": _weights(layout, set(), 0.0)}
        for key, layout in layouts.items()
    }
    if "hold_and_win" in document:
        starting["hold"] = {"cash": 1, "blank": 1}  # each candidate brings its own
    return parse_game(
        document, {rtp: {"rtp_percent": rtp, **starting} for rtp in document["rtp_variants"]}
    )


def format_variant(document: dict[str, Any]) -> str:
    """JSON with one reel per line: readable in review, stable for the math hash."""
    lines = ["{", f'  "rtp_percent": {document["rtp_percent"]},']
    sets = [key for key in ("base", "free") if key in document]
    for position, key in enumerate(sets):
        lines.append(f'  "{key}": {{')
        for field in ("strips", "weights"):
            rows = [json.dumps(row) for row in document[key][field]]
            body = ",\n      ".join(rows)
            comma = "," if field == "strips" else ""
            lines.append(f'    "{field}": [\n      {body}\n    ]{comma}')
        last = position == len(sets) - 1 and "hold" not in document
        lines.append("  }" + ("" if last else ","))
    if "hold" in document:
        lines.append(f'  "hold": {json.dumps(document["hold"])}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    root = Path(str(DATA_ROOT))
    codes = argv or sorted(d.name for d in root.iterdir() if (d / "tuning.json").is_file())
    for code in codes:
        for rtp, document in tune_game(root / code).items():
            (root / code / f"rtp{rtp}.json").write_text(format_variant(document), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
