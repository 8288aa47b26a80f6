"""Exact expected values by combinatorics: fast enough to tune on, exact to double precision.

Reels stop independently, so the expectation of anything that is a sum of per-line (or
per-symbol) terms factorises over reels:

- a line's win depends on one cell per reel; E[line] = sum over symbol tuples of the line's pay
  table times the product of each reel's probability of showing that symbol at that row;
- a ways win for symbol s over k reels is pay(s, k) * prod m_i(s) * [m_{k+1}(s) = 0], where
  m_i(s) counts matching cells on reel i; independence makes its expectation a product;
- the scatter count is a sum of per-reel counts (at most one per window): a convolution.

The free-spin feature enters by Wald's identity: E[feature win] = E[spins played] x E[win of
one free spin], where spins played follows a Markov chain over (spins left, spins awarded) that
retriggers and stops at the limit on spins (`feature_moments`, which `stats.py` also uses for
the second moment). A cluster game's spin (a whole cascade) depends on all reels at once:
its mean is the full enumeration of `cascade_exact.py`. A hold-and-win feature has its own exact
math in `hold_exact.py`. Everything here ignores the max-win cap; `capbound.py` computes what
the cap takes. A bonus buy of free spins
returns E[feature win from the trigger's award] / price, from the same chain (`buy_rtp`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from reelhouse.games import cascade_exact, hold_exact
from reelhouse.games.hold_model import HoldWeights
from reelhouse.games.model import Game, StripSet, Symbol

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def row_probabilities(strips: StripSet, symbol_count: int, rows: int) -> FloatArray:
    """p[reel, row, symbol]: probability that the reel shows the symbol at that row."""
    p = np.zeros((len(strips.reels), rows, symbol_count))
    for i, reel in enumerate(strips.reels):
        n = len(reel.symbols)
        weights = np.asarray(reel.weights, dtype=np.float64) / reel.total_weight
        # windows[row, j]: what stop j shows at this row (expanding wilds expanded).
        windows = np.array([reel.window(stop, rows) for stop in range(n)]).T
        for row in range(rows):
            np.add.at(p[i, row], windows[row], weights)
    return p


def line_table(symbols: tuple[Symbol, ...], reels: int) -> IntArray:
    """table[s_1, ..., s_n] = credits paid by one line showing those symbols (best reading).

    A second, vectorised statement of `engine.line_pay`; the tests check they agree.
    """
    count = len(symbols)
    cells = np.indices((count,) * reels).reshape(reels, -1)  # cells[reel, tuple]
    kinds = np.array([s.kind for s in symbols])
    wild = kinds == "wild"
    multipliers = np.array([s.multiplier for s in symbols], dtype=np.int64)
    best = np.zeros(cells.shape[1], dtype=np.int64)
    for index, symbol in enumerate(symbols):
        if symbol.kind == "scatter" or not any(symbol.pays):
            continue
        if symbol.kind == "regular":
            matches = (cells == index) | wild[cells]
            factor = np.where(wild[cells], multipliers[cells], 1)
        else:
            matches = cells == index
            factor = np.ones_like(cells)
        in_run = np.cumprod(matches, axis=0).astype(bool)
        run = in_run.sum(axis=0)
        multiplier = np.prod(np.where(in_run, factor, 1), axis=0)
        pays = np.array((0, *symbol.pays), dtype=np.int64)
        best = np.maximum(best, pays[run] * multiplier)
    return best.reshape((count,) * reels)


@cache
def _line_table_cached(symbols: tuple[Symbol, ...], reels: int) -> IntArray:
    table = line_table(symbols, reels)
    table.setflags(write=False)
    return table


def expected_line_credits(game: Game, strips: StripSet) -> float:
    """E[sum of line wins] of one spin, in credits, before any spin multiplier."""
    table = _line_table_cached(game.symbols, game.reels).astype(np.float64)
    p = row_probabilities(strips, len(game.symbols), game.rows)
    total = 0.0
    for rows in game.lines:
        value: FloatArray = table
        for reel in reversed(range(game.reels)):
            value = value @ p[reel, rows[reel]]
        total += float(value)
    return total


def match_counts(game: Game, strips: StripSet, reel: int) -> IntArray:
    """m[stop, symbol]: matching cells of each regular symbol in the window at each stop.

    A wild in the window counts as its multiplier for every regular symbol.
    """
    symbols = game.symbols
    strip = strips.reels[reel]
    n = len(strip.symbols)
    counts = np.zeros((n, len(symbols)), dtype=np.int64)
    for stop in range(n):
        for cell in strip.window(stop, game.rows):
            if symbols[cell].kind == "wild":
                for index, symbol in enumerate(symbols):
                    if symbol.kind == "regular":
                        counts[stop, index] += symbols[cell].multiplier
            elif symbols[cell].kind == "regular":
                counts[stop, cell] += 1
    return counts


def expected_ways_credits(game: Game, strips: StripSet) -> float:
    """E[sum of ways wins] of one spin, in credits, before any spin multiplier."""
    mean_m = []  # E[m_i(s)] per reel
    p_zero = []  # P(m_i(s) = 0) per reel
    for reel, strip in enumerate(strips.reels):
        m = match_counts(game, strips, reel).astype(np.float64)
        w = np.asarray(strip.weights, dtype=np.float64) / strip.total_weight
        mean_m.append(w @ m)
        p_zero.append(w @ (m == 0))
    total = 0.0
    for index, symbol in enumerate(game.symbols):
        if symbol.kind != "regular":
            continue
        product = 1.0
        for k in range(1, game.reels + 1):
            product *= mean_m[k - 1][index]
            stops_here = p_zero[k][index] if k < game.reels else 1.0
            total += symbol.pays[k - 1] * product * stops_here
    return total


def scatter_count_distribution(game: Game, strips: StripSet) -> FloatArray:
    """dist[k] = P(k scatters on the grid), k = 0..reels (at most one per reel window)."""
    dist = np.zeros(game.reels + 1)
    dist[0] = 1.0
    scatter = game.scatter
    if scatter is None:
        return dist
    for strip in strips.reels:
        n = len(strip.symbols)
        shows = [scatter in strip.window(stop, game.rows) for stop in range(n)]
        p = sum(w for w, s in zip(strip.weights, shows, strict=True) if s) / strip.total_weight
        dist = dist * (1 - p) + np.concatenate(([0.0], dist[:-1])) * p
    return dist


@dataclass(frozen=True, slots=True)
class SpinMeans:
    """Expectations for one spin on one strip set, in credits, multiplier applied."""

    pays_credits: float  # lines or ways
    scatter_credits: float
    scatter_counts: tuple[float, ...]  # P(k scatters), k = 0..reels

    @property
    def total_credits(self) -> float:
        return self.pays_credits + self.scatter_credits


def spin_means(game: Game, strips: StripSet, multiplier: int) -> SpinMeans:
    if game.mode == "lines":
        pays = expected_line_credits(game, strips)
    elif game.mode == "cluster":
        pays = cascade_exact.expected_credits(game, strips)
    else:
        pays = expected_ways_credits(game, strips)
    dist = scatter_count_distribution(game, strips)
    scatter_pay = 0.0
    if game.scatter is not None:
        scatter_pays = game.symbols[game.scatter].pays
        scatter_pay = sum(dist[k] * scatter_pays[k - 1] for k in range(1, game.reels + 1))
    return SpinMeans(pays * multiplier, scatter_pay * multiplier, tuple(float(x) for x in dist))


@dataclass(frozen=True, slots=True)
class FeatureMoments:
    """For a feature started with n spins, n = 0..max_spins: moments of its total win T."""

    mean: FloatArray  # E[T]
    second: FloatArray  # E[T^2]
    spins: FloatArray  # E[spins played]


def feature_moments(
    adds: list[int], max_spins: int, q: FloatArray, x1: FloatArray, x2: FloatArray
) -> FeatureMoments:
    """Dynamic programming over (spins left, spins awarded), awarded descending.

    A free spin with k scatters (probability q[k]) pays X with E[X 1{k}] = x1[k] and
    E[X^2 1{k}] = x2[k], and adds min(adds[k], max_spins - awarded) spins. Spins are
    independent, so from state (l, a): T = X + T', T' the total from the next state,
    independent of X given k.
    """
    size = max_spins + 1
    m1, m2, spins = np.zeros((size, size)), np.zeros((size, size)), np.zeros((size, size))
    for awarded in range(max_spins, -1, -1):
        for left in range(1, awarded + 1):
            one, two, count = 0.0, 0.0, 1.0
            for k, add in enumerate(adds):
                granted = min(add, max_spins - awarded)
                after = (left - 1 + granted, awarded + granted)
                one += x1[k] + q[k] * m1[after]
                two += x2[k] + 2 * x1[k] * m1[after] + q[k] * m2[after]
                count += q[k] * spins[after]
            m1[left, awarded], m2[left, awarded], spins[left, awarded] = one, two, count
    diagonal = np.arange(size)
    return FeatureMoments(m1[diagonal, diagonal], m2[diagonal, diagonal], spins[diagonal, diagonal])


@dataclass(frozen=True, slots=True)
class RtpBreakdown:
    base_credits: float  # E[base spin win]
    feature_credits: float  # E[feature win] per base spin
    feature_probability: float  # P(a base spin triggers the feature)
    credits: int  # credits per bet

    @property
    def rtp(self) -> float:
        """Return to player as a fraction of the bet (0.96 = 96 %)."""
        return (self.base_credits + self.feature_credits) / self.credits


def rtp_breakdown(game: Game, variant: int) -> RtpBreakdown:
    math = game.variant(variant)
    return strips_rtp(game, math.base, math.free, math.hold)


def strips_rtp(
    game: Game,
    base_strips: StripSet,
    free_strips: StripSet | None,
    hold: HoldWeights | None = None,
) -> RtpBreakdown:
    """The RTP of the game played on these strips (the tuner tries candidates through this)."""
    base = spin_means(game, base_strips, 1)
    feature_credits = 0.0
    trigger = 0.0
    if game.hold_and_win is not None:
        assert hold is not None
        feature_credits, trigger = hold_exact.feature_per_spin(game, base_strips, hold)
    if game.free_spins is not None:
        assert free_strips is not None
        feature = game.free_spins
        played, free = spins_played(game, free_strips)
        for k in range(1, game.reels + 1):
            start = min(feature.awards[k - 1], feature.max_spins)
            if start:
                trigger += base.scatter_counts[k]
                feature_credits += base.scatter_counts[k] * played[start] * free.total_credits
    return RtpBreakdown(base.total_credits, feature_credits, trigger, game.credits)


def spins_played(game: Game, free_strips: StripSet) -> tuple[FloatArray, SpinMeans]:
    """E[free spins played] of a feature started with n spins (n = 0..max_spins), and the
    means of one free spin. By Wald, a feature started with n spins wins on average
    played[n] x (one free spin's mean)."""
    feature = game.free_spins
    assert feature is not None
    free = spin_means(game, free_strips, feature.multiplier)
    classes = range(game.reels + 1)
    adds = [feature.awards[k - 1] if (k and feature.retrigger) else 0 for k in classes]
    q = np.asarray(free.scatter_counts)
    nothing = np.zeros(len(q))
    return feature_moments(adds, feature.max_spins, q, nothing, nothing).spins, free


def free_spin_buy_rtp(game: Game, free_strips: StripSet) -> float:
    """A free-spin game's bonus buy: E[win of a feature started with the trigger's award] /
    its price (fraction; the cap ignored, as everywhere here)."""
    buy = game.bonus_buy
    assert buy is not None and buy.start_spins > 0
    played, free = spins_played(game, free_strips)
    return float(played[buy.start_spins]) * free.total_credits / (buy.price_x * game.credits)


def buy_rtp(game: Game, variant: int) -> float:
    """The bonus buy's RTP of a variant (fraction), whichever feature the game buys."""
    math = game.variant(variant)
    if game.hold_and_win is not None:
        assert math.hold is not None
        return hold_exact.buy_rtp(game, math.hold)
    assert math.free is not None
    return free_spin_buy_rtp(game, math.free)
