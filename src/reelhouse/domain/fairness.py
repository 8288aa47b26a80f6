"""Does a wallet refuse winning rounds more often than losing ones?

An operator that opted in to single-call rounds (iGamingAce `betwin`) sees each round's win
before it accepts the bet, so a wallet could refuse the winning rounds and keep the losing
ones: compensated play, which the UKGC's RTS 7A forbids. An honest wallet refuses for reasons
that do not depend on the win (funds, limits, a blocked player), so its refusal rate is the
same for winning and losing rounds.

The test is Fisher's exact test, one-sided: given how many rounds were refused in all, how
likely is it that at least as many of them fell on winning rounds by chance alone? Exact, so
it stays right for the small counts where a normal approximation does not. Counts only, no
I/O: services/fairness.py reads them from the stored rounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reelhouse.domain.limits import (
    COMPENSATED_PLAY_MIN_REFUSALS,
    COMPENSATED_PLAY_P_VALUE_BELOW,
)

# Terms of the tail smaller than this share of the sum so far no longer change a double.
_NEGLIGIBLE_SHARE = 1e-17


@dataclass(frozen=True, slots=True)
class RefusalCounts:
    """Rounds opened with a bet-and-win call whose fate is known, split by whether the round
    won (paid win > 0) and whether the wallet refused it (or left it unknown, which cancels
    the round just the same)."""

    winning: int
    winning_refused: int
    losing: int
    losing_refused: int

    def __post_init__(self) -> None:
        assert 0 <= self.winning_refused <= self.winning
        assert 0 <= self.losing_refused <= self.losing

    @property
    def refused(self) -> int:
        return self.winning_refused + self.losing_refused

    @property
    def rounds(self) -> int:
        return self.winning + self.losing


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def winning_refusal_p_value(counts: RefusalCounts) -> float:
    """P(at least `winning_refused` of the refusals fall on winning rounds) when refusals
    ignore the win: the upper tail of the hypergeometric law (Fisher's exact test, one
    sided). 1.0 when there is nothing to compare (no refusal, or no round of one kind)."""
    total, refused, winning = counts.rounds, counts.refused, counts.winning
    if refused == 0 or winning == 0 or counts.losing == 0:
        return 1.0
    highest = min(winning, refused)
    mode = (winning + 1) * (refused + 1) // (total + 2)  # the law's most likely value
    log_all = _log_choose(total, winning)
    tail = 0.0
    for k in range(counts.winning_refused, highest + 1):
        term = math.exp(
            _log_choose(refused, k) + _log_choose(total - refused, winning - k) - log_all
        )
        tail += term
        # Past the mode the terms only shrink: stop once they no longer count.
        if k > mode and term <= tail * _NEGLIGIBLE_SHARE:
            break
    return min(tail, 1.0)


def compensated_play_suspected(counts: RefusalCounts) -> bool:
    """Enough refusals to judge, and winning rounds refused more often than chance allows."""
    if counts.refused < COMPENSATED_PLAY_MIN_REFUSALS:
        return False
    return winning_refusal_p_value(counts) < COMPENSATED_PLAY_P_VALUE_BELOW
