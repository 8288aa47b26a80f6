"""Re-evaluate a stored round from its recorded draws and confirm the same outcome.

A replay first checks that the math is still the math the round was played on (its hash): if
a data file or the engine rules changed, it says so instead of silently disagreeing.

`verify_round` checks a whole stored round: its RNG version is the current one, its outcome
replays, and every money field agrees with the replay and with the others: the bet, the win
the game awarded, the cap in force when it was played, the win it paid (min(awarded, cap))
and its "capped" mark, and what the wallet was asked to debit and credit. A field that
differs is named (`ReplayResult.fields`): a round whose record was edited is never VERIFIED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reelhouse.games.bet_modes import BASE, bet_of_stake, mode_of
from reelhouse.games.catalogue import CATALOGUE, Catalogue
from reelhouse.games.engine import is_valid_bet, play
from reelhouse.games.model import canonical_bytes
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.rng import RNG_VERSION, ReplayError, ReplayRng


@dataclass(frozen=True, slots=True)
class ReplayResult:
    verified: bool
    # "ok", "math changed: hash X != Y", "outcome differs", or why the replay could not run.
    reason: str
    outcome: SpinOutcome | None = None  # the re-evaluated outcome, when evaluation ran
    # The stored fields that disagree with the replay (verify_round): "rng_version", "bet",
    # "outcome", "awarded_win", "win_cap", "paid_win", "win_capped"; empty when none does.
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredRound:
    """A round as stored: what was played, and every money field recorded with it."""

    game_code: str
    variant: int
    math_hash: str
    rng_version: str
    bet_minor: int
    draws: Sequence[int]
    outcome_json: dict[str, Any]
    awarded_win_minor: int | None  # None on rounds before it was recorded: = the paid win
    win_cap_minor: int | None  # None: no cap applied
    paid_win_minor: int
    win_capped: bool
    debited_minor: int | None = None  # the bet call's amount; None: no bet call (free round)
    credited_minor: int | None = None  # the win call's amount; None: no win call (yet)


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
    # The bet mode is read from the stored outcome: a changed mode replays as another round
    # (its draws, its stake and its outcome all have to fit), so it cannot pass unseen.
    stored_mode = str(stored_outcome_json.get("bet_mode", BASE))
    mode = mode_of(game, stored_mode)
    if mode is None:
        return ReplayResult(False, f"bet mode not found: {game_code} {stored_mode[:16]!r}")
    bet = bet_of_stake(game, mode, bet_minor)  # the stake is what the round cost
    if bet is None or not is_valid_bet(game, bet):
        return ReplayResult(False, f"bet {bet_minor} is not a multiple of {game.bet_step_minor}")
    rng = ReplayRng(draws)
    try:
        outcome = play(game, variant, bet, rng, mode)
    except ReplayError as exc:
        return ReplayResult(False, f"draws do not fit: {exc}")
    if rng.remaining:
        return ReplayResult(False, f"draws do not fit: {rng.remaining} left over", outcome)
    if canonical_bytes(outcome.to_json()) != canonical_bytes(stored_outcome_json):
        return ReplayResult(False, "outcome differs", outcome)
    return ReplayResult(True, "ok", outcome)


def verify_round(stored: StoredRound, *, catalogue: Catalogue = CATALOGUE) -> ReplayResult:
    """The whole record checked (module docstring). Structural faults (RNG, math, draws, the
    outcome) stop the check; the money fields are then all compared, and each one that
    differs is named."""
    if stored.rng_version != RNG_VERSION:
        reason = f"rng version differs: stored {stored.rng_version!r}, current {RNG_VERSION!r}"
        return ReplayResult(False, reason, fields=("rng_version",))
    outcome_bet = stored.outcome_json.get("bet_minor")
    if outcome_bet != stored.bet_minor or stored.debited_minor not in (None, stored.bet_minor):
        reason = (
            f"bet differs: stored {stored.bet_minor}, outcome {outcome_bet},"
            f" debited {stored.debited_minor}"
        )
        return ReplayResult(False, reason, fields=("bet",))
    result = replay(
        stored.game_code,
        stored.variant,
        stored.math_hash,
        stored.bet_minor,
        stored.draws,
        stored.outcome_json,
        catalogue=catalogue,
    )
    if not result.verified or result.outcome is None:
        return replace(result, fields=("outcome",) if result.outcome is not None else ())
    differences = _money_differences(stored, result.outcome.win_minor)
    if differences:
        names = tuple(name for name, _ in differences)
        return ReplayResult(
            False, "; ".join(text for _, text in differences), result.outcome, names
        )
    return result


def _money_differences(stored: StoredRound, awarded: int) -> list[tuple[str, str]]:
    """Each money field against the replayed award and the others. The wallet's record of
    the win (the win call's amount) decides between the paid win and the cap when they
    disagree; a round with no win call is judged on its own fields."""
    found: list[tuple[str, str]] = []
    recorded_award = stored.awarded_win_minor
    if recorded_award is None:  # before awards were recorded no cap existed: award = paid
        recorded_award = stored.paid_win_minor
    if recorded_award != awarded:
        found.append(
            ("awarded_win", f"awarded win differs: stored {recorded_award}, replay {awarded}")
        )
    cap = stored.win_cap_minor
    expected_paid = awarded if cap is None else min(awarded, cap)
    paid = stored.paid_win_minor
    credited = stored.credited_minor
    paid_is_credited = credited is None or credited == paid
    if not paid_is_credited:
        found.append(("paid_win", f"paid win differs: stored {paid}, credited {credited}"))
    elif paid != expected_paid:
        # The paid win is what the wallet credited: the cap it was cut to must be wrong (a
        # round with no win call names the paid win, the field a tamperer would change).
        field = "win_cap" if credited is not None else "paid_win"
        expected = f"min(awarded {awarded}, cap {cap}) = {expected_paid}"
        found.append((field, f"{field.replace('_', ' ')} differs: paid {paid}, {expected}"))
    trusted_paid = credited if credited is not None else paid
    if stored.win_capped != (trusted_paid < awarded):
        found.append(
            (
                "win_capped",
                f"win capped differs: stored {stored.win_capped}, paid {trusted_paid} of {awarded}",
            )
        )
    return found
