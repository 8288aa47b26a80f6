"""Re-evaluate a stored round from its recorded draws and confirm the same outcome.

A replay first checks that the math is still the math the round was played on (its hash): if
a data file or the engine rules changed, it says so instead of silently disagreeing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reelhouse.games.catalogue import CATALOGUE, Catalogue
from reelhouse.games.engine import is_valid_bet, play
from reelhouse.games.model import canonical_bytes
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.rng import ReplayError, ReplayRng


@dataclass(frozen=True, slots=True)
class ReplayResult:
    verified: bool
    # "ok", "math changed: hash X != Y", "outcome differs", or why the replay could not run.
    reason: str
    outcome: SpinOutcome | None = None  # the re-evaluated outcome, when evaluation ran


def replay(
    game_code: str,
    variant: int,
    math_hash: str,
    bet_minor: int,
    draws: Sequence[int],
    stored_outcome_json: dict[str, Any],
    *,
    catalogue: Catalogue = CATALOGUE,
) -> ReplayResult:
    game = catalogue.get_game(game_code)
    if game is None:
        return ReplayResult(False, f"game not found: {game_code}")
    if variant not in game.rtp_variants:
        return ReplayResult(False, f"variant not found: {game_code} rtp {variant}")
    current_hash = game.variant(variant).math_hash
    if current_hash != math_hash:
        return ReplayResult(False, f"math changed: hash {math_hash} != {current_hash}")
    if not is_valid_bet(game, bet_minor):
        return ReplayResult(False, f"bet {bet_minor} is not a multiple of {game.bet_step_minor}")
    rng = ReplayRng(draws)
    try:
        outcome = play(game, variant, bet_minor, rng)
    except ReplayError as exc:
        return ReplayResult(False, f"draws do not fit: {exc}")
    if rng.remaining:
        return ReplayResult(False, f"draws do not fit: {rng.remaining} left over", outcome)
    if canonical_bytes(outcome.to_json()) != canonical_bytes(stored_outcome_json):
        return ReplayResult(False, "outcome differs", outcome)
    return ReplayResult(True, "ok", outcome)
