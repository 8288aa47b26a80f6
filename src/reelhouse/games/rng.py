"""Random draws: the OS CSPRNG for real rounds, and a recorder and a replayer for audits.

The slot engine never reaches for randomness itself. `play` asks an `Rng` for integers below a
bound, one per reel stop, so an outcome is a pure function of its draws and the game's math
record the draws and the round can be re-evaluated bit for bit later.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from typing import Protocol

# Stored on every round beside the math hash: which generator and which sampling method
# produced the draws. Change it whenever either changes.
RNG_VERSION = "secrets-randbits-rejection-v1"

# The largest bound a draw may ask for. Reel weights total far less; a bigger request is a bug.
MAX_DRAW_BOUND = 1 << 32

# Each rejection-sampling attempt succeeds with probability > 1/2, so this many failures in a
# row has probability < 2^-128: if it happens the OS generator is broken, not unlucky.
MAX_REJECTIONS = 128


class Rng(Protocol):
    def below(self, n: int) -> int:
        """A uniformly distributed integer in [0, n)."""
        ...


class ReplayError(ValueError):
    """Recorded draws do not fit the evaluation they are replayed into."""


class DrawsExhausted(ReplayError):
    """The evaluation asked for more draws than were recorded."""


class DrawOutOfRange(ReplayError):
    """A recorded draw is not below the bound the evaluation asks for now."""


def _check_bound(n: int) -> None:
    assert isinstance(n, int) and 0 < n <= MAX_DRAW_BOUND, f"draw bound {n!r} out of range"


class SecretsRng:
    """The certified source: OS entropy via `secrets`, uniform by rejection sampling.

    Taking `randbits(k) % n` would favour small values whenever n is not a power of two;
    instead we draw k = bit_length(n - 1) bits and reject values >= n, which keeps every
    value in [0, n) exactly equally likely.
    """

    def below(self, n: int) -> int:
        _check_bound(n)
        bits = (n - 1).bit_length()
        for _ in range(MAX_REJECTIONS):
            candidate = secrets.randbits(bits)
            if candidate < n:
                return candidate
        raise AssertionError("OS random generator failed rejection sampling 128 times in a row")


class SeededRng:
    """Deterministic draws from a seed, for simulations, tests and benchmarks only.

    Never use it for a real round: it is predictable by design.
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def below(self, n: int) -> int:
        _check_bound(n)
        return self._random.randrange(n)


class RecordingRng:
    """Passes draws through from another Rng and keeps them, in order, for the round record."""

    def __init__(self, inner: Rng) -> None:
        self._inner = inner
        self._draws: list[int] = []

    def below(self, n: int) -> int:
        value = self._inner.below(n)
        assert 0 <= value < n, "inner Rng returned a value out of range"
        self._draws.append(value)
        return value

    @property
    def draws(self) -> tuple[int, ...]:
        return tuple(self._draws)


class ReplayRng:
    """Gives back recorded draws in order; refuses to invent or bend one."""

    def __init__(self, draws: Iterable[int]) -> None:
        self._draws = tuple(draws)
        self._next = 0

    def below(self, n: int) -> int:
        _check_bound(n)
        if self._next >= len(self._draws):
            raise DrawsExhausted(
                f"replay needs draw #{self._next + 1}; {len(self._draws)} recorded"
            )
        value = self._draws[self._next]
        if not (isinstance(value, int) and 0 <= value < n):
            raise DrawOutOfRange(f"recorded draw #{self._next + 1} = {value!r} is not below {n}")
        self._next += 1
        return value

    @property
    def remaining(self) -> int:
        """Draws recorded but not used yet: a complete replay leaves none."""
        return len(self._draws) - self._next
