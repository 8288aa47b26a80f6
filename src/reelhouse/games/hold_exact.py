"""The exact math of hold-and-win respins (rules: hold_and_win.py), by two independent methods.

Every empty cell lands cash with the same probability p in every respin, independently, so
the number of cash symbols landing in one respin is Binomial(empty cells, p) and only the
count of locked cells matters, not where they are. The feature is a Markov chain:

1. `chain_by_respins`: over (locked cells n, respins left r), solved backwards. From (n, r)
   a respin lands j cash with probability b(j); j > 0 moves to (n + j, R), j = 0 to
   (n, r - 1); (n, 0) and (N, r) end the feature.
2. `chain_by_jumps`: only the locked count, one step per landing. At n (m = N - n empty) one
   respin lands nothing with probability f = q^m, so the feature stops at n with probability
   f^R (R empty respins in a row), and otherwise jumps to n + j with probability
   (1 - f^R) b(j) / (1 - f); the respins of that phase number (1 - f^R) / (1 - f) on average
   (a geometric series). No respin counter, no shared code with method 1.

Both give, for every starting count k, the distribution of the final count and the mean
number of respins; the tests hold them to agree to 1e-12. Values are drawn independently of
the count, so the feature's total T = V_1 + ... + V_n (+ the grand prize when n = N) has
E[T] = E[n] E[V] + G P(N) (linear), E[T^2] from E[n] and E[n^2], and its distribution is a
mixture over n of n-fold convolutions of the value table (`feature_distribution`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reelhouse.games.bet_modes import BUY, price_x
from reelhouse.games.hold_model import HoldAndWin, HoldWeights
from reelhouse.games.model import Game, StripSet

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FeatureChain:
    """For each starting count k = 0..N: the final count's distribution and mean respins."""

    final: FloatArray  # final[k, n] = P(the board ends with n cash | it started with k)
    respins: FloatArray  # respins[k] = E[respins played | started with k]


def binomial(m: int, p: float) -> FloatArray:
    """b[j] = P(j of m empty cells land cash in one respin), j = 0..m."""
    q = 1.0 - p
    return np.array([math.comb(m, j) * p**j * q ** (m - j) for j in range(m + 1)])


def chain_by_respins(cells: int, respins: int, p: float) -> FeatureChain:
    """Method 1: backward dynamic programming over (locked count, respins left)."""
    size = cells + 1
    final = np.zeros((size, respins + 1, size))  # [n, r, final n]
    played = np.zeros((size, respins + 1))
    final[cells, :, cells] = 1.0
    for n in range(cells - 1, -1, -1):
        b = binomial(cells - n, p)
        final[n, 0, n] = 1.0
        for r in range(1, respins + 1):
            # j = 0 uses a respin up; j > 0 resets the count at a higher n (computed already).
            final[n, r] = b[0] * final[n, r - 1] + b[1:] @ final[n + 1 :, respins]
            played[n, r] = 1.0 + b[0] * played[n, r - 1] + b[1:] @ played[n + 1 :, respins]
    return FeatureChain(final[:, respins, :].copy(), played[:, respins].copy())


def chain_by_jumps(cells: int, respins: int, p: float) -> FeatureChain:
    """Method 2: the embedded chain of landings, with the empty respins summed in closed form."""
    size = cells + 1
    final = np.zeros((size, size))
    played = np.zeros(size)
    final[cells, cells] = 1.0
    q = 1.0 - p
    for n in range(cells - 1, -1, -1):
        m = cells - n
        f = q**m  # P(a respin lands nothing)
        stop = f**respins
        phase = (1.0 - stop) / (1.0 - f)  # sum of f^i for i < R: respins until one lands
        landing = np.array([math.comb(m, j) * p**j * q ** (m - j) for j in range(1, m + 1)])
        jump = (1.0 - stop) * landing / (1.0 - f)
        final[n] = jump @ final[n + 1 :]
        final[n, n] += stop
        played[n] = phase + jump @ played[n + 1 :]
    return FeatureChain(final, played)


def respin_counts(cells: int, respins: int, p: float) -> FloatArray:
    """counts[k, m] = P(the feature plays exactly m respins | it started with k cash), by the
    same backward recursion as method 1 with the respins played as a distribution: from
    (n, r) one respin is played, then j = 0 moves to (n, r - 1) and j > 0 to (n + j, R). Every
    landing locks a cell, so at most `cells` phases of at most R respins: m <= (cells + 1) R."""
    size, longest = cells + 1, (cells + 1) * respins + 1
    counts = np.zeros((size, respins + 1, longest))  # [n, r, m]
    counts[cells, :, 0] = 1.0  # a full board plays no more respins
    for n in range(cells - 1, -1, -1):
        b = binomial(cells - n, p)
        counts[n, 0, 0] = 1.0
        for r in range(1, respins + 1):
            after = b[0] * counts[n, r - 1] + b[1:] @ counts[n + 1 :, respins]
            counts[n, r, 1:] = after[:-1]  # one respin more than what follows
    return counts[:, respins, :].copy()


def respin_probability(weights: HoldWeights) -> float:
    return weights.cash / weights.total


def value_probabilities(hold: HoldAndWin) -> FloatArray:
    return np.asarray(hold.value_weights, dtype=np.float64) / hold.value_total


@dataclass(frozen=True, slots=True)
class FeatureMoments:
    """For each starting count k: moments of the feature's total (credits) and its odds."""

    mean: FloatArray  # E[T | k]
    second: FloatArray  # E[T^2 | k]
    full: FloatArray  # P(the board fills | k)
    respins: FloatArray  # E[respins played | k]


def feature_moments(hold: HoldAndWin, chain: FeatureChain) -> FeatureMoments:
    cells = chain.final.shape[1] - 1
    v = value_probabilities(hold)
    credits = np.asarray(hold.value_credits, dtype=np.float64)
    mu, variance = float(v @ credits), float(v @ credits**2) - float(v @ credits) ** 2
    n = np.arange(cells + 1, dtype=np.float64)
    grand = float(hold.grand_credits)
    full = chain.final[:, cells]
    mean = chain.final @ n * mu + grand * full
    # T = S_n + G 1{n = N}, S_n a sum of n independent values: E[S_n^2] = n var + n^2 mu^2.
    second = chain.final @ (n * variance + n * n * mu * mu)
    second = second + full * (2 * grand * mu * cells + grand * grand)
    return FeatureMoments(mean, second, full.copy(), chain.respins)


def feature_distribution(hold: HoldAndWin, final: FloatArray) -> FloatArray:
    """dist[x] = P(the feature pays x credits), for one row of final-count probabilities."""
    cells = len(final) - 1
    top = cells * max(hold.value_credits) + hold.grand_credits
    dist = np.zeros(top + 1)
    v = value_probabilities(hold)
    sums = np.zeros(top + 1)
    sums[0] = 1.0  # the distribution of the sum of 0 values
    for n in range(cells + 1):
        if n:
            # One more value: a sparse convolution, one shifted copy per value of the table.
            following = np.zeros(top + 1)
            for credits, probability in zip(hold.value_credits, v, strict=True):
                following[credits:] += probability * sums[: top + 1 - credits]
            sums = following
        shift = hold.grand_credits if n == cells else 0
        dist[shift:] += final[n] * sums[: top + 1 - shift]
    return dist


def cash_count_distribution(game: Game, strips: StripSet) -> FloatArray:
    """dist[k] = P(a base spin shows k cash symbols), k = 0..cells: reels are independent,
    so the per-reel counts (0..rows, correlated within a window) convolve."""
    hold = game.hold_and_win
    assert hold is not None
    dist = np.zeros(game.reels * game.rows + 1)
    dist[0] = 1.0
    for reel in strips.reels:
        per_reel = np.zeros(game.rows + 1)
        for stop, weight in enumerate(reel.weights):
            per_reel[reel.window(stop, game.rows).count(hold.cash)] += weight / reel.total_weight
        dist = np.convolve(dist, per_reel)[: len(dist)]
    return dist


def chain_of(game: Game, weights: HoldWeights) -> FeatureChain:
    hold = game.hold_and_win
    assert hold is not None
    return chain_by_respins(game.reels * game.rows, hold.respins, respin_probability(weights))


def feature_per_spin(game: Game, strips: StripSet, weights: HoldWeights) -> tuple[float, float]:
    """(E[feature win] per base spin in credits, P(a base spin triggers the feature))."""
    hold = game.hold_and_win
    assert hold is not None
    counts = cash_count_distribution(game, strips)
    moments = feature_moments(hold, chain_of(game, weights))
    triggering = np.arange(len(counts)) >= hold.trigger
    return float(counts[triggering] @ moments.mean[triggering]), float(counts[triggering].sum())


def buy_rtp(game: Game, weights: HoldWeights) -> float:
    """The bonus buy's return: E[feature win from its start] / its price (fraction)."""
    hold, buy = game.hold_and_win, game.bonus_buy
    assert hold is not None and buy is not None
    mean = feature_moments(hold, chain_of(game, weights)).mean[buy.start_cash]
    return float(mean) / (price_x(game, BUY) * game.credits)
