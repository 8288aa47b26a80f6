"""The RNG: uniform without modulo bias, recorded draws replay, bad replays are refused."""

from __future__ import annotations

import secrets

import pytest

from reelhouse.games import rng
from reelhouse.games.rng import (
    DrawOutOfRange,
    DrawsExhausted,
    RecordingRng,
    ReplayRng,
    SecretsRng,
    SeededRng,
)


def chi_square(counts: list[int]) -> float:
    expected = sum(counts) / len(counts)
    return sum((c - expected) ** 2 / expected for c in counts)


# Upper 0.1 % points of chi-square: a correct generator fails one of these 1 time in 1000.
CHI2_999 = {2: 13.816, 5: 20.515, 6: 22.458, 9: 27.877}


@pytest.mark.parametrize("n", [3, 6, 7, 10])
def test_secrets_below_is_uniform(n: int) -> None:
    source = SecretsRng()
    counts = [0] * n
    for _ in range(30_000):
        counts[source.below(n)] += 1
    assert chi_square(counts) < CHI2_999[n - 1]


def test_below_rejects_instead_of_folding(monkeypatch: pytest.MonkeyPatch) -> None:
    """n = 3 needs 2 bits; the value 3 must be redrawn, never folded onto 0 (3 % 3)."""
    bits = iter([3, 3, 2])
    monkeypatch.setattr(secrets, "randbits", lambda k: next(bits))
    assert SecretsRng().below(3) == 2


def test_below_one_is_zero() -> None:
    assert SecretsRng().below(1) == 0


@pytest.mark.parametrize("bad", [0, -1, rng.MAX_DRAW_BOUND + 1])
def test_bounds_are_checked(bad: int) -> None:
    with pytest.raises(AssertionError):
        SecretsRng().below(bad)


def test_recording_then_replay_gives_the_same_draws() -> None:
    recorder = RecordingRng(SeededRng(7))
    first = [recorder.below(n) for n in (5, 100, 2, 7)]
    assert recorder.draws == tuple(first)
    replayer = ReplayRng(recorder.draws)
    assert [replayer.below(n) for n in (5, 100, 2, 7)] == first
    assert replayer.remaining == 0


def test_replay_refuses_to_run_out_or_bend() -> None:
    with pytest.raises(DrawsExhausted):
        ReplayRng([]).below(3)
    with pytest.raises(DrawOutOfRange):
        ReplayRng([5]).below(5)
    with pytest.raises(DrawOutOfRange):
        ReplayRng([-1]).below(5)
