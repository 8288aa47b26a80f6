"""The round's win, exactly: its distribution, its real maximum, and the RTP any cap leaves.

Interface (what a game supplies). `stats.py` builds a `RoundLaw` from the enumeration of every
stop combination; a game with another mechanic gets every figure below (sheets, facts, the
effective RTP under an operator's cap) by supplying the same five things:

- `base[k]`: a dense array over w in credits: P(base spin wins w and falls in class k). A
  class is whatever decides what follows the base spin (here: the number of scatters).
- `starts[k]`: the free spins a base spin of class k starts (0: no feature).
- `free[k]`, `adds[k]`: the same for one free spin (its win with the feature's multiplier
  applied) and the spins it adds; spins added past `max_spins` are not played.
- `credits` (credits per bet) and `cap_credits` (the game's own cap on a round's win).

Every feature here ends by `max_spins`, so every figure is exact (no truncated tail). A
mechanic whose feature could run without bound must supply a chain cut at some length, and
bound what lies past it, before these figures can be called exact.

Spins are independent given their strips, so a feature is a Markov chain over (spins played,
spins awarded); its total is a sum of spin wins along the path. Everything here is exact up to
double precision rounding (no sampling, no grid coarser than one credit):

- the feature's total T for each start: convolutions along the chain, done in the frequency
  domain over the whole support (max_spins x the largest spin win), so nothing aliases;
- the round's win W = B + T (`round_win`) and what a round pays (`round_distribution`);
- E[min(W, c)] for every cap c (`capped_mean`): the effective RTP an operator's cap leaves;
- the true maximum of W and its probability, by the same chain in the (max, +) semiring
  (`top_win`): exact, with no rounding error to speak of however small the probability;
- the probability of reaching the cap when it is astronomically small: the distribution is
  computed under an exponential tilt (each weight p(w) scaled by e^(theta w), theta chosen so
  the tilted mean is the cap) and untilted afterwards; the tilt commutes with convolution, and
  it moves the rounding error of the FFT away from the tail (`tail`, which also gives what
  the cap takes, E[(W - cap)+], without subtracting two nearly equal means).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]

# Below this, a probability read from an untilted FFT is rounding noise (errors are ~1e-16 of
# the total mass); such tails are computed under a tilt instead.
RELIABLE_TAIL = 1e-9
# exp() overflows past ~709: tilts keep theta x w below this.
MAX_EXPONENT = 600.0
# Bisection steps for the tilt: any tilt near the saddle point moves the error away from the
# tail, so it need not be found precisely.
TILT_STEPS = 16


@dataclass(frozen=True, slots=True)
class RoundLaw:
    base: tuple[FloatArray, ...]  # [k][w]: P(base win w credits and class k)
    starts: tuple[int, ...]  # [k]: free spins started by a base spin of class k
    free: tuple[FloatArray, ...]  # [k][w]: P(free spin win w credits and class k); () if none
    adds: tuple[int, ...]  # [k]: spins a free spin of class k adds
    max_spins: int
    credits: int  # credits per bet
    cap_credits: int  # the game's own cap on a round's win

    @property
    def has_feature(self) -> bool:
        return bool(self.free) and any(self.starts)


# --- the chain -----------------------------------------------------------------------------

Step = list[tuple[int, int, tuple[int, ...]]]  # (awarded, awarded after, classes) per spin


def _steps(law: RoundLaw, start: int) -> list[Step]:
    """The feature's transitions, spin by spin: from a live state (awarded so far) to the next,
    grouped by the free-spin classes that lead there. A next state whose awarded equals the
    spins played so far is the feature's end."""
    steps: list[Step] = []
    live = {start}
    played = 0
    while live:
        step: Step = []
        following: set[int] = set()
        for awarded in sorted(live):
            targets: dict[int, list[int]] = {}
            for k, add in enumerate(law.adds):
                if law.free[k].sum() == 0:
                    continue
                after = min(awarded + add, law.max_spins)
                targets.setdefault(after, []).append(k)
            for after, classes in sorted(targets.items()):
                step.append((awarded, after, tuple(classes)))
                if after > played + 1:
                    following.add(after)
        steps.append(step)
        live = following
        played += 1
        assert played <= law.max_spins, "a feature outlived max_spins"
    return steps


def _starts(law: RoundLaw) -> list[int]:
    return sorted({n for n in law.starts if n})


def spin_counts(law: RoundLaw) -> dict[int, FloatArray]:
    """For each start n: P(the feature plays exactly m spins), m = 0..max_spins."""
    q = [float(h.sum()) for h in law.free]
    result = {}
    for start in _starts(law):
        counts = np.zeros(law.max_spins + 1)
        live = {start: 1.0}
        for played, step in enumerate(_steps(law, start)):
            following: dict[int, float] = {}
            for awarded, after, classes in step:
                mass = live.get(awarded, 0.0) * sum(q[k] for k in classes)
                if after == played + 1:
                    counts[played + 1] += mass
                else:
                    following[after] = following.get(after, 0.0) + mass
            live = following
        result[start] = counts
    return result


# --- the true maximum ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Top:
    """The largest value something can take, and the probability it takes it."""

    credits: int
    probability: float


def _top_of(histogram: FloatArray) -> Top:
    nonzero = np.flatnonzero(histogram)
    if len(nonzero) == 0:
        return Top(-1, 0.0)  # impossible
    return Top(int(nonzero[-1]), float(histogram[nonzero[-1]]))


def _better(a: Top, b: Top) -> Top:
    if a.credits != b.credits:
        return a if a.credits > b.credits else b
    return Top(a.credits, a.probability + b.probability)


def _plus(a: Top, b: Top) -> Top:
    if a.credits < 0 or b.credits < 0:
        return Top(-1, 0.0)
    return Top(a.credits + b.credits, a.probability * b.probability)


def top_feature(law: RoundLaw, start: int) -> Top:
    """The feature's largest total and its probability, by the chain in the (max, +) semiring."""
    spin_tops = [_top_of(h) for h in law.free]
    live = {start: Top(0, 1.0)}
    best = Top(-1, 0.0)
    for played, step in enumerate(_steps(law, start)):
        following: dict[int, Top] = {}
        for awarded, after, classes in step:
            if awarded not in live:
                continue
            spin = reduce(_better, (spin_tops[k] for k in classes))
            reached = _plus(live[awarded], spin)
            if after == played + 1:
                best = _better(best, reached)
            else:
                following[after] = _better(following.get(after, Top(-1, 0.0)), reached)
        live = following
    return best


def top_win(law: RoundLaw) -> Top:
    """The round's largest win before any cap, and its exact probability."""
    features = {n: top_feature(law, n) for n in _starts(law)}
    best = Top(-1, 0.0)
    for k, histogram in enumerate(law.base):
        spin = _top_of(histogram)
        start = law.starts[k]
        best = _better(best, _plus(spin, features[start]) if start else spin)
    return best


# --- distributions -------------------------------------------------------------------------


def _fast_length(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: FFTs of such lengths are fast."""
    best = 1 << max(n - 1, 0).bit_length()
    five = 1
    while five < 2 * n:
        three = five
        while three < 2 * n:
            candidate = three
            while candidate < n:
                candidate *= 2
            best = min(best, candidate)
            three *= 3
        five *= 5
    return best


def _tilted(histogram: FloatArray, theta: float, step: int = 1) -> FloatArray:
    """p(w) e^(theta w) (w = index x step), computed in logs so that neither factor overflows."""
    if theta == 0:
        return histogram
    w = np.arange(len(histogram), dtype=np.float64) * step
    with np.errstate(divide="ignore"):
        return np.where(histogram > 0, np.exp(np.log(histogram) + theta * w), 0.0)


def _grid(law: RoundLaw) -> int:
    """The largest step every free-spin win is a multiple of (a coarser grid is cheaper)."""
    wins = [np.flatnonzero(h) for h in law.free]
    values = np.concatenate([w[w > 0] for w in wins]) if wins else np.zeros(0, dtype=np.int64)
    return int(np.gcd.reduce(values)) if len(values) else 1


def feature_distributions(law: RoundLaw, theta: float = 0.0) -> tuple[int, dict[int, FloatArray]]:
    """(step, {start: dist}) with dist[i] = P(feature total = i x step) e^(theta i step), over
    the whole support (uncapped). The chain runs in the frequency domain: one FFT per kernel,
    one inverse per start."""
    step = _grid(law)
    largest = max(len(h) - 1 for h in law.free) // step
    length = _fast_length(law.max_spins * largest + 1)
    kernels = [np.fft.rfft(_tilted(h[::step], theta, step), length) for h in law.free]
    result = {}
    for start in _starts(law):
        live: dict[int, ComplexArray] = {start: np.ones(length // 2 + 1, dtype=np.complex128)}
        done = np.zeros(length // 2 + 1, dtype=np.complex128)
        for played, transitions in enumerate(_steps(law, start)):
            following: dict[int, ComplexArray] = {}
            for awarded, after, classes in transitions:
                if awarded not in live:
                    continue
                spectrum = live[awarded] * reduce(np.add, (kernels[k] for k in classes))
                if after == played + 1:
                    done += spectrum
                else:
                    previous = following.get(after)
                    following[after] = spectrum if previous is None else previous + spectrum
            live = following
        total = np.fft.irfft(done, length)
        result[start] = np.maximum(total, 0.0)  # rounding leaves +-1e-17; no mass is negative
    return step, result


def convolve(a: FloatArray, b: FloatArray) -> FloatArray:
    """The distribution of the sum of two independent wins (by FFT; rounding clipped at 0)."""
    length = _fast_length(len(a) + len(b) - 1)
    out = np.fft.irfft(np.fft.rfft(a, length) * np.fft.rfft(b, length), length)
    return np.maximum(out[: len(a) + len(b) - 1], 0.0)


def _tilted_round(law: RoundLaw, theta: float) -> FloatArray:
    """P(W = w) e^(theta w) over the whole support of W (uncapped)."""
    step, features = feature_distributions(law, theta) if law.has_feature else (1, {})
    total = np.zeros(1)
    for k, histogram in enumerate(law.base):
        if histogram.sum() == 0:
            continue
        part = _tilted(histogram, theta)
        start = law.starts[k]
        if start:
            expanded = np.zeros(len(features[start]) * step)
            expanded[::step] = features[start]
            part = convolve(part, expanded)
        if len(part) > len(total):
            total = np.concatenate((total, np.zeros(len(part) - len(total))))
        total[: len(part)] += part
    return total


def clip(distribution: FloatArray, level: int) -> FloatArray:
    """dist[w] for w < level, and P(W >= level) at index level."""
    clipped = np.zeros(level + 1)
    head = distribution[: level + 1]
    clipped[: len(head)] = head
    clipped[level] = distribution[level:].sum()
    return clipped


def round_distribution(law: RoundLaw, whole: FloatArray | None = None) -> FloatArray:
    """P(W = w) for w below the game's cap and P(W >= cap) at index cap: the distribution of
    what a round pays. `whole`: `round_win(law)` if already computed."""
    return clip(round_win(law) if whole is None else whole, law.cap_credits)


def capped_mean(distribution: FloatArray, cap_credits: float) -> float:
    """E[min(W, cap)] in credits, for any real cap up to the distribution's clip level.

    Wins are whole credits: every win below the cap is below its ceiling n, every other win is
    at least n, so E[min(W, cap)] = sum of w p(w) for w < n, plus cap x P(W >= n); between two
    whole numbers the capped mean is therefore linear in the cap."""
    level = len(distribution) - 1
    cap = min(max(cap_credits, 0.0), float(level))
    whole = math.ceil(cap)
    below = float(np.arange(whole, dtype=np.float64) @ distribution[:whole])
    return below + cap * float(distribution[whole:].sum())


def _log_mgf(law: RoundLaw) -> Callable[[float], float]:
    """theta -> log E[e^(theta W)], by the chain with scalars (cheap), for choosing a tilt."""

    def value(theta: float) -> float:
        def mgf(histogram: FloatArray) -> float:
            return float(_tilted(histogram, theta).sum())

        free = [mgf(h) for h in law.free]
        features: dict[int, float] = {}
        for start in _starts(law):
            live = {start: 1.0}
            done = 0.0
            for played, step in enumerate(_steps(law, start)):
                following: dict[int, float] = {}
                for awarded, after, classes in step:
                    mass = live.get(awarded, 0.0) * sum(free[k] for k in classes)
                    if after == played + 1:
                        done += mass
                    else:
                        following[after] = following.get(after, 0.0) + mass
                live = following
            features[start] = done
        total = sum(
            mgf(h) * (features[law.starts[k]] if law.starts[k] else 1.0)
            for k, h in enumerate(law.base)
        )
        return math.log(total)

    return value


@dataclass(frozen=True, slots=True)
class Tail:
    """What lies at or above a level: P(W >= level) and E[(W - level)+] in credits."""

    probability: float
    excess_credits: float


def _tail_of(weights: FloatArray, level: int, theta: float) -> Tail:
    """The tail of P(W = w) e^(theta w), untilted entry by entry."""
    w = np.arange(level, len(weights), dtype=np.float64)
    mass = weights[level:] * np.exp(-theta * w) if theta else weights[level:]
    return Tail(float(mass.sum()), float(mass @ (w - level)))


def round_win(law: RoundLaw) -> FloatArray:
    """P(W = w) over the whole support of W, before any cap."""
    return _tilted_round(law, 0.0)


def tail(law: RoundLaw, level: int, whole: FloatArray | None = None) -> Tail:
    """P(W >= level) and E[(W - level)+], each accurate relative to itself however small (see
    the docstring). `whole`: `round_win(law)` if already computed."""
    plain = _tail_of(round_win(law) if whole is None else whole, level, 0.0)
    if plain.probability >= RELIABLE_TAIL:
        return plain
    top = top_win(law)
    if top.credits < level:
        return Tail(0.0, 0.0)
    if top.credits == level:
        return Tail(top.probability, 0.0)
    log_mgf = _log_mgf(law)
    ceiling = MAX_EXPONENT / max(top.credits, 1)
    low, high = 0.0, ceiling

    def tilted_mean(theta: float) -> float:
        # d/dtheta log E[e^(theta W)]; a step far above log_mgf's rounding (1e-16 of ~600).
        h = ceiling * 1e-5
        return (log_mgf(theta + h) - log_mgf(theta)) / h

    for _ in range(TILT_STEPS):  # bisection: the tilted mean grows with theta
        middle = (low + high) / 2
        low, high = (middle, high) if tilted_mean(middle) < level else (low, middle)
    theta = (low + high) / 2
    return _tail_of(_tilted_round(law, theta), level, theta)


# --- figures for the sheet and the catalogue -----------------------------------------------


@dataclass(frozen=True, slots=True)
class MaxWin:
    """What a round can really pay, and how often it pays that much."""

    credits: int  # min(the largest win, the game's cap)
    probability: float  # P(a round pays exactly this): P(W >= cap) when the cap binds
    capped: bool  # whether the cap binds (some round would win more)


def max_win(law: RoundLaw, cap_tail: Tail) -> MaxWin:
    """`cap_tail`: `tail(law, law.cap_credits)`."""
    top = top_win(law)
    if top.credits < law.cap_credits:
        return MaxWin(top.credits, top.probability, capped=False)
    return MaxWin(law.cap_credits, cap_tail.probability, capped=True)


def bucket(distribution: FloatArray, edges_credits: FloatArray) -> FloatArray:
    """P(W = 0), then P(lo < W <= hi) for each consecutive pair of edges, then P(W > last)."""
    w = np.arange(len(distribution))
    index = np.searchsorted(edges_credits, w, side="left")  # w in (edges[i-1], edges[i]]
    out = np.bincount(index, weights=distribution, minlength=len(edges_credits) + 1)
    out[0] -= distribution[0]
    return np.concatenate(([distribution[0]], out))


def cap_table(distribution: FloatArray, tolerance_credits: float) -> list[tuple[int, float]]:
    """(cap, E[min(W, cap)]) at whole-credit caps chosen so that linear interpolation between
    neighbours is within `tolerance_credits` of the exact value at every cap in between.

    E[min(W, c)] is concave in c with slope P(W > c) just right of c; between table caps a < b
    the chord is below the curve by at most (b - a)(P(W > a) - P(W >= b)) / 4."""
    level = len(distribution) - 1
    survival = np.concatenate((np.cumsum(distribution[::-1])[::-1], [0.0]))  # P(W >= c)
    means = np.concatenate(([0.0], np.cumsum(survival[1 : level + 1])))  # E[min(W, c)]
    table = [(0, 0.0)]
    a = 0
    while a < level:
        b = a + 1
        while (
            b < level and (b + 1 - a) * (survival[a + 1] - survival[b + 1]) / 4 <= tolerance_credits
        ):
            b += 1
        table.append((b, float(means[b])))
        a = b
    return table
