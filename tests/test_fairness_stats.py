"""The compensated-play test on counts alone: one-sided Fisher exact p-values against values
computed exactly (rational arithmetic over binomial coefficients), and when a flag is raised."""

from __future__ import annotations

import pytest

from reelhouse.domain.fairness import (
    RefusalCounts,
    compensated_play_suspected,
    winning_refusal_p_value,
)
from reelhouse.domain.limits import COMPENSATED_PLAY_MIN_REFUSALS

# (winning rounds, of them refused, losing rounds, of them refused) -> exact p-value, flagged
CASES = [
    # Two winners, two losers, both refusals on winners: 1 / C(4, 2).
    ((2, 2, 2, 0), 1 / 6, False),
    # The same rate on both sides: nothing to see.
    ((10, 5, 10, 5), 0.6718591006516703, False),
    ((1000, 15, 1000, 15), 0.5727799989767253, False),
    ((400, 20, 1600, 80), 0.5418882219512705, False),
    # Winners refused twice as often (10 % against 5 %) over 2000 rounds: flagged.
    ((400, 40, 1600, 60), 1.8718089183417674e-06, True),
    ((5000, 200, 15000, 400), 2.0912118105053228e-06, True),
    # Half the winners refused against a twentieth of the losers.
    ((100, 50, 900, 50), 7.098105277856802e-29, True),
    # Every refusal on a winner, and only 3 winners: rare by chance, and 30 refusals in all.
    ((3, 3, 1000, 27), 2.4214446814908903e-05, True),
    # Very unlikely by chance, but too few refusals to judge a wallet on.
    ((100, 29, 100, 0), 1.7267510767727428e-10, False),
    # Winners refused less often than losers: the one-sided test does not flag it.
    ((200, 0, 800, 40), 1.0, False),
    # Nothing to compare.
    ((0, 0, 50, 40), 1.0, False),
    ((50, 40, 0, 0), 1.0, False),
    ((500, 0, 500, 0), 1.0, False),
]


@pytest.mark.parametrize(("counts", "p_value", "flagged"), CASES)
def test_p_value_and_flag(counts: tuple[int, int, int, int], p_value: float, flagged: bool) -> None:
    refusals = RefusalCounts(*counts)
    assert winning_refusal_p_value(refusals) == pytest.approx(p_value, rel=1e-9)
    assert compensated_play_suspected(refusals) is flagged


def test_the_smallest_flaggable_count_is_the_limit() -> None:
    # Every refusal on one of 100 winners among 10 000 rounds: flagged from the limit on.
    for refused in (COMPENSATED_PLAY_MIN_REFUSALS - 1, COMPENSATED_PLAY_MIN_REFUSALS):
        counts = RefusalCounts(100, refused, 9900, 0)
        assert winning_refusal_p_value(counts) < 1e-9
        assert compensated_play_suspected(counts) is (refused >= COMPENSATED_PLAY_MIN_REFUSALS)


def test_counts_cannot_refuse_more_rounds_than_there_are() -> None:
    with pytest.raises(AssertionError):
        RefusalCounts(winning=1, winning_refused=2, losing=0, losing_refused=0)
