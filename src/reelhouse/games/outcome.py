"""What a spin produced, as data the game client can draw and an auditor can replay.

Wins are held in credits (the bet split into `bet_step_minor` parts); the JSON adds the same
amounts in minor units so the client never has to multiply. Amounts are exact integers
throughout: a credit is a whole number of minor units because bets are multiples of the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reelhouse.games.hold_outcome import HoldResult, hold_from_json, hold_json

Position = tuple[int, int]  # (reel, row), row 0 at the top


@dataclass(frozen=True, slots=True)
class LineWin:
    line: int  # index into the game's lines
    symbol: int
    count: int
    multiplier: int  # product of the multipliers of the wilds that substituted
    positions: tuple[Position, ...]
    win_credits: int  # pay x multiplier, before the spin's multiplier


@dataclass(frozen=True, slots=True)
class WaysWin:
    symbol: int
    count: int  # reels from the left, each showing the symbol or a wild
    ways: int  # product over those reels of matching cells (a wild counts its multiplier)
    positions: tuple[Position, ...]
    win_credits: int  # pay x ways, before the spin's multiplier


@dataclass(frozen=True, slots=True)
class ScatterWin:
    symbol: int
    count: int
    positions: tuple[Position, ...]
    win_credits: int  # before the spin's multiplier
    free_spins: int  # spins this scatter awards (0 when it does not trigger)


@dataclass(frozen=True, slots=True)
class ClusterWin:
    symbol: int
    size: int  # cells in the cluster, wilds included
    positions: tuple[Position, ...]
    win_credits: int  # the symbol's pay for this size, before the spin's multiplier


@dataclass(frozen=True, slots=True)
class CascadeStep:
    """One grid of a cascade (games/cascade.py): what it showed and the clusters it paid."""

    grid: tuple[tuple[int, ...], ...]  # grid[reel][row], as SpinResult.grid
    clusters: tuple[ClusterWin, ...]
    multiplier: int  # this grid's cascade multiplier: its clusters' pays are multiplied by it
    win_credits: int  # the clusters' pays, multiplied


@dataclass(frozen=True, slots=True)
class SpinResult:
    stops: tuple[int, ...]
    grid: tuple[tuple[int, ...], ...]  # grid[reel][row] = symbol id (index into game symbols)
    multiplier: int  # applies to every win of this spin (the free-spin multiplier)
    line_wins: tuple[LineWin, ...]
    ways_wins: tuple[WaysWin, ...]
    scatter: ScatterWin | None
    win_credits: int  # everything above, multiplied
    # Cluster games: every grid of the cascade in order, the first one being `grid` (the
    # wins are the clusters of its steps). Empty for other games.
    cascades: tuple[CascadeStep, ...] = ()
    # Reels whose expanding wild filled them (games/expanding_wilds.py); `grid` shows them
    # expanded, `landed` as they stopped. Empty when no wild expanded.
    expanded: tuple[int, ...] = ()
    landed: tuple[tuple[int, ...], ...] = ()

    @property
    def free_spins_awarded(self) -> int:
        return self.scatter.free_spins if self.scatter is not None else 0


@dataclass(frozen=True, slots=True)
class SpinOutcome:
    game_code: str
    rtp_variant: int
    # The stake: what the round costs. A bonus buy's is its price (games/bet_modes.py).
    bet_minor: int
    credit_minor: int  # the bet (not the price) / bet_step_minor
    base: SpinResult
    free_spins: tuple[SpinResult, ...]
    uncapped_win_credits: int
    win_minor: int  # what the round pays: the wins, capped at the game's maximum
    capped: bool
    draws: tuple[int, ...]
    # A hold-and-win game's feature, when it was played; the bet mode, when not "base".
    # Both enter the JSON only when present, so older outcomes keep their bytes.
    hold: HoldResult | None = None
    bet_mode: str = "base"

    def to_json(self) -> dict[str, Any]:
        document = {
            "game_code": self.game_code,
            "rtp_variant": self.rtp_variant,
            "bet_minor": self.bet_minor,
            "credit_minor": self.credit_minor,
            "win_minor": self.win_minor,
            "uncapped_win_minor": self.uncapped_win_credits * self.credit_minor,
            "capped": self.capped,
            "draws": list(self.draws),
            "base": _spin_json(self.base, self.credit_minor),
            "free_spins": [_spin_json(spin, self.credit_minor) for spin in self.free_spins],
        }
        if self.hold is not None:
            document["hold"] = hold_json(self.hold, self.credit_minor)
        if self.bet_mode != "base":
            document["bet_mode"] = self.bet_mode
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> SpinOutcome:
        credit_minor = int(document["credit_minor"])
        base = _spin_from_json(document["base"], credit_minor)
        free_spins = tuple(_spin_from_json(spin, credit_minor) for spin in document["free_spins"])
        uncapped_minor = int(document["uncapped_win_minor"])
        assert uncapped_minor % credit_minor == 0, "stored uncapped win is not whole credits"
        return cls(
            game_code=str(document["game_code"]),
            rtp_variant=int(document["rtp_variant"]),
            bet_minor=int(document["bet_minor"]),
            credit_minor=credit_minor,
            base=base,
            free_spins=free_spins,
            uncapped_win_credits=uncapped_minor // credit_minor,
            win_minor=int(document["win_minor"]),
            capped=bool(document["capped"]),
            draws=tuple(int(d) for d in document["draws"]),
            hold=hold_from_json(document["hold"], credit_minor) if "hold" in document else None,
            bet_mode=str(document.get("bet_mode", "base")),
        )


def _positions_json(positions: tuple[Position, ...]) -> list[list[int]]:
    return [[reel, row] for reel, row in positions]


def _positions(raw: list[list[int]]) -> tuple[Position, ...]:
    return tuple((int(reel), int(row)) for reel, row in raw)


def _spin_json(spin: SpinResult, credit_minor: int) -> dict[str, Any]:
    paid = spin.multiplier * credit_minor  # minor units per credit of a win in this spin
    document = _plain_spin_json(spin, credit_minor, paid)
    # Present only when the mechanic is: the stored outcomes of other games keep their bytes.
    if spin.cascades:
        document["cascades"] = [_step_json(step, paid) for step in spin.cascades]
    if spin.expanded:
        document["expanded"] = list(spin.expanded)
        document["landed"] = [list(column) for column in spin.landed]
    return document


def _step_json(step: CascadeStep, paid: int) -> dict[str, Any]:
    return {
        "grid": [list(column) for column in step.grid],
        "clusters": [
            {
                "symbol": win.symbol,
                "size": win.size,
                "positions": _positions_json(win.positions),
                "win_minor": win.win_credits * paid * step.multiplier,
            }
            for win in step.clusters
        ],
        "multiplier": step.multiplier,
        "win_minor": step.win_credits * paid,
    }


def _step_from_json(raw: dict[str, Any], paid: int) -> CascadeStep:
    multiplier = int(raw["multiplier"])
    return CascadeStep(
        grid=tuple(tuple(int(s) for s in column) for column in raw["grid"]),
        clusters=tuple(
            ClusterWin(
                int(w["symbol"]),
                int(w["size"]),
                _positions(w["positions"]),
                _credits(w["win_minor"], paid * multiplier),
            )
            for w in raw["clusters"]
        ),
        multiplier=multiplier,
        win_credits=_credits(raw["win_minor"], paid),
    )


def _plain_spin_json(spin: SpinResult, credit_minor: int, paid: int) -> dict[str, Any]:
    scatter = spin.scatter
    return {
        "stops": list(spin.stops),
        "grid": [list(column) for column in spin.grid],
        "multiplier": spin.multiplier,
        "win_minor": spin.win_credits * credit_minor,
        "lines": [
            {
                "line": win.line,
                "symbol": win.symbol,
                "count": win.count,
                "multiplier": win.multiplier,
                "positions": _positions_json(win.positions),
                "win_minor": win.win_credits * paid,
            }
            for win in spin.line_wins
        ],
        "ways": [
            {
                "symbol": win.symbol,
                "count": win.count,
                "ways": win.ways,
                "positions": _positions_json(win.positions),
                "win_minor": win.win_credits * paid,
            }
            for win in spin.ways_wins
        ],
        "scatter": None
        if scatter is None
        else {
            "symbol": scatter.symbol,
            "count": scatter.count,
            "positions": _positions_json(scatter.positions),
            "win_minor": scatter.win_credits * paid,
            "free_spins": scatter.free_spins,
        },
    }


def _credits(win_minor: Any, paid: int) -> int:
    assert int(win_minor) % paid == 0, "stored win is not a whole number of credits"
    return int(win_minor) // paid


def _spin_from_json(raw: dict[str, Any], scale: int) -> SpinResult:
    assert scale > 0
    multiplier = int(raw["multiplier"])
    stops = tuple(int(s) for s in raw["stops"])
    grid = tuple(tuple(int(s) for s in column) for column in raw["grid"])
    scatter_raw = raw["scatter"]
    return SpinResult(
        stops=stops,
        grid=grid,
        multiplier=multiplier,
        line_wins=tuple(
            LineWin(
                int(w["line"]),
                int(w["symbol"]),
                int(w["count"]),
                int(w["multiplier"]),
                _positions(w["positions"]),
                _credits(w["win_minor"], scale * multiplier),
            )
            for w in raw["lines"]
        ),
        ways_wins=tuple(
            WaysWin(
                int(w["symbol"]),
                int(w["count"]),
                int(w["ways"]),
                _positions(w["positions"]),
                _credits(w["win_minor"], scale * multiplier),
            )
            for w in raw["ways"]
        ),
        scatter=None
        if scatter_raw is None
        else ScatterWin(
            int(scatter_raw["symbol"]),
            int(scatter_raw["count"]),
            _positions(scatter_raw["positions"]),
            _credits(scatter_raw["win_minor"], scale * multiplier),
            int(scatter_raw["free_spins"]),
        ),
        win_credits=_credits(raw["win_minor"], scale),
        cascades=tuple(
            _step_from_json(step, scale * multiplier) for step in raw.get("cascades", [])
        ),
        expanded=tuple(int(reel) for reel in raw.get("expanded", [])),
        landed=tuple(tuple(int(s) for s in column) for column in raw.get("landed", [])),
    )
