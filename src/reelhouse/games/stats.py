"""The full math sheet of a variant, exactly: every stop combination of every strip set.

`exact.py` gives the mean fast (for tuning). Here every stop combination of the base strips and
of the free-spin strips is evaluated, weighted by its probability, and summarised by scatter
count, which is what links a spin to the feature. The feature is a Markov chain over
(spins left, spins awarded); its first two moments and its moment generating function follow
by dynamic programming from the per-spin summaries. From those:

- RTP and standard deviation of a round (base spin plus its feature), exactly, without the cap;
- the cap's effect, bounded: a round W = B + X_1 + ... + X_N (base win, free spins, N <= M)
  can only reach the cap c if B >= c (1 - f) or some X_i >= c f / M, for any split f in [0, 1].
  So P(W >= c) <= P(B >= c(1-f)) + E[N] P(X >= cf/M), and, since
  (B + sum X_i - c)+ <= (B - c(1-f))+ + sum (X_i - cf/M)+, the RTP the cap removes is at most
  E[(B - c(1-f))+] + E[N] E[(X - cf/M)+] (Wald). Both are minimised over a grid of f. Without a
  feature (f = 0) they are exact;
- hit frequency, feature frequency and share, the base game's win distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from reelhouse.games.exact import rtp_breakdown
from reelhouse.games.model import Game
from reelhouse.games.vector import StripTables, VectorGame, vector_game

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Splits f of the cap between the base spin and the free spins (see the module docstring).
CAP_SPLITS = np.array([0, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 3 / 4, 1], dtype=np.float64)
# Win bands (in bets) for the base game's win distribution.
WIN_BANDS_X = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 500.0, 1000.0)
# Enumeration proceeds in blocks of this many stop combinations (memory bound).
MAX_BLOCK_COMBINATIONS = 1 << 21
Z_95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class SpinSummary:
    """One spin on one strip set, summarised by the number of scatters k = 0..reels."""

    probability: FloatArray  # P(k)
    win: FloatArray  # E[win 1{k}] (credits, spin multiplier applied)
    win_squared: FloatArray  # E[win^2 1{k}]
    hit: FloatArray  # P(win > 0 and k)
    tail_probability: FloatArray  # [j]: P(win >= thresholds[j])
    tail_excess: FloatArray  # [j]: E[(win - thresholds[j])+]
    max_win: IntArray  # largest win with k scatters (credits)
    top_win: int
    top_win_probability: float
    bands: FloatArray  # P(win / bet in each WIN_BANDS_X band); band 0 is "no win"


def _combinations(tables: StripTables, first: int) -> tuple[IntArray, FloatArray]:
    """All stops of reels 1.. with reel 0 at `first`, and their probabilities."""
    lengths = [len(w) for w in tables.weights]
    grids = np.meshgrid(*[np.arange(n) for n in lengths[1:]], indexing="ij")
    rest = np.stack([g.reshape(-1) for g in grids], axis=1)
    probability = np.full(len(rest), tables.weights[0][first])
    for reel in range(1, len(lengths)):
        probability = probability * tables.weights[reel][rest[:, reel - 1]]
    stops = np.column_stack([np.full(len(rest), first), rest]).astype(np.int64)
    return stops, probability


def summarise(
    vg: VectorGame, tables: StripTables, multiplier: int, thresholds: FloatArray
) -> SpinSummary:
    game = vg.game
    classes = game.reels + 1
    total_rest = math.prod(len(w) for w in tables.weights[1:])
    assert total_rest <= MAX_BLOCK_COMBINATIONS, "strips too long to enumerate in blocks"
    probability, win1, win2, hit = (np.zeros(classes) for _ in range(4))
    tail_probability, tail_excess = np.zeros(len(thresholds)), np.zeros(len(thresholds))
    max_win = np.zeros(classes, dtype=np.int64)
    top_win, top_probability = 0, 0.0
    edges = np.array((*WIN_BANDS_X, np.inf)) * game.credits
    bands = np.zeros(len(edges))
    for first in range(len(tables.weights[0])):
        stops, p = _combinations(tables, first)
        credits, scatters = vg.evaluate(tables, stops)
        win = (credits * multiplier).astype(np.float64)
        probability += np.bincount(scatters, weights=p, minlength=classes)
        win1 += np.bincount(scatters, weights=p * win, minlength=classes)
        win2 += np.bincount(scatters, weights=p * win * win, minlength=classes)
        hit += np.bincount(scatters, weights=p * (win > 0), minlength=classes)
        for j, threshold in enumerate(thresholds):
            above = win >= threshold
            tail_probability[j] += float(p[above].sum())
            tail_excess[j] += float((p[above] * (win[above] - threshold)).sum())
        np.maximum.at(max_win, scatters, (credits * multiplier).astype(np.int64))
        block_top = int(win.max())
        if block_top > top_win:
            top_win, top_probability = block_top, 0.0
        if block_top == top_win:
            top_probability += float(p[win == top_win].sum())
        bands[0] += float(p[win == 0].sum())
        band_index = np.searchsorted(edges, win[win > 0], side="left") - 1
        bands[1:] += np.bincount(band_index, weights=p[win > 0], minlength=len(edges))[
            : len(edges) - 1
        ]
    return SpinSummary(
        probability,
        win1,
        win2,
        hit,
        tail_probability,
        tail_excess,
        max_win,
        top_win,
        top_probability,
        bands,
    )


@dataclass(frozen=True, slots=True)
class FeatureMoments:
    """For a feature started with n spins, n = 0..max_spins: moments of its total win T."""

    mean: FloatArray  # E[T]
    second: FloatArray  # E[T^2]
    spins: FloatArray  # E[spins played]


def feature_moments(game: Game, free: SpinSummary) -> FeatureMoments:
    """Dynamic programming over (spins left, spins awarded), awarded descending.

    One free spin with k scatters pays X and adds min(award(k), max_spins - awarded) spins;
    (X, k) are independent from spin to spin, so from state (l, a):
    T = X + T', with T' the total from the next state, independent of X given k.
    """
    feature = game.free_spins
    assert feature is not None
    cap = feature.max_spins
    adds = [
        feature.awards[k - 1] if (k and feature.retrigger) else 0 for k in range(game.reels + 1)
    ]
    m1 = np.zeros((cap + 1, cap + 1))
    m2 = np.zeros((cap + 1, cap + 1))
    spins = np.zeros((cap + 1, cap + 1))
    for awarded in range(cap, -1, -1):
        for left in range(1, awarded + 1):
            one, two, count = 0.0, 0.0, 1.0
            for k, add in enumerate(adds):
                granted = min(add, cap - awarded)
                after = (left - 1 + granted, awarded + granted)
                q, x1, x2 = free.probability[k], free.win[k], free.win_squared[k]
                one += x1 + q * m1[after]
                two += x2 + 2 * x1 * m1[after] + q * m2[after]
                count += q * spins[after]
            m1[left, awarded], m2[left, awarded], spins[left, awarded] = one, two, count
    diagonal = np.arange(cap + 1)
    return FeatureMoments(m1[diagonal, diagonal], m2[diagonal, diagonal], spins[diagonal, diagonal])


@dataclass(frozen=True, slots=True)
class Sheet:
    game: Game = field(repr=False)
    variant: int
    rtp: float  # exact, before the cap (fraction of the bet)
    base_rtp: float
    feature_rtp: float
    std: float  # of one round's win, in bets
    hit_frequency: float  # P(a round pays or triggers the feature)
    feature_frequency: float  # P(a base spin triggers the feature)
    feature_mean_x: float  # E[feature win | triggered], in bets
    feature_mean_spins: float  # E[free spins played | triggered]
    top_base_win_x: float
    top_base_win_probability: float
    max_win_bound_x: float  # an upper bound on any round's win before the cap, in bets
    max_win_x: float  # what a round can pay: min(cap, bound)
    cap_probability_bound: float  # P(round win >= cap) <= this
    cap_rtp_bound: float  # the cap removes at most this from the RTP (fraction of the bet)
    base_bands: tuple[float, ...]

    @property
    def volatility_index(self) -> float:
        """1.96 sigma: half the width of the 95 % band of a single round's result."""
        return Z_95 * self.std

    def spread(self, spins: int) -> float:
        """Half-width of the 95 % band of the observed RTP after `spins` rounds (fraction)."""
        return Z_95 * self.std / math.sqrt(spins)


def compute_sheet(game: Game, variant: int) -> Sheet:
    vg = vector_game(game, variant)
    credits = game.credits
    cap = float(game.max_win_credits)
    feature = game.free_spins
    most = feature.max_spins if feature is not None else 1
    base = summarise(vg, vg.base, 1, cap * (1 - CAP_SPLITS))
    classes = game.reels + 1
    mean_t, second_t = np.zeros(classes), np.zeros(classes)
    spins_t, max_t = np.zeros(classes), np.zeros(classes)
    free_tail_probability = free_tail_excess = np.zeros(len(CAP_SPLITS))
    if feature is not None:
        assert vg.free is not None
        free = summarise(vg, vg.free, feature.multiplier, cap * CAP_SPLITS / most)
        free_tail_probability, free_tail_excess = free.tail_probability, free.tail_excess
        moments = feature_moments(game, free)
        longest = feature.max_spins if feature.retrigger else 0
        for k in range(1, classes):
            n = min(feature.awards[k - 1], feature.max_spins)
            mean_t[k], second_t[k], spins_t[k] = (
                moments.mean[n],
                moments.second[n],
                moments.spins[n],
            )
            max_t[k] = max(n, longest) * free.top_win if n else 0.0
    p = base.probability
    triggered = spins_t > 0
    trigger = float(p[triggered].sum())
    free_spins_per_round = float((p * spins_t).sum())
    feature_credits = float((p * mean_t).sum())
    mean = float(base.win.sum()) + feature_credits
    second = float(base.win_squared.sum() + (2 * base.win * mean_t + p * second_t).sum())
    bound = float(np.max(base.max_win + max_t))
    cap_probability, cap_excess = 0.0, 0.0  # a cap above every possible win changes nothing
    if bound >= cap:
        cap_probability = float(
            (base.tail_probability + free_spins_per_round * free_tail_probability).min()
        )
        cap_excess = float((base.tail_excess + free_spins_per_round * free_tail_excess).min())
    return Sheet(
        game=game,
        variant=variant,
        rtp=mean / credits,
        base_rtp=float(base.win.sum()) / credits,
        feature_rtp=feature_credits / credits,
        std=math.sqrt(max(second - mean * mean, 0.0)) / credits,
        hit_frequency=float(base.hit[~triggered].sum()) + trigger,
        feature_frequency=trigger,
        feature_mean_x=(feature_credits / trigger / credits) if trigger else 0.0,
        feature_mean_spins=free_spins_per_round / trigger if trigger else 0.0,
        top_base_win_x=base.top_win / credits,
        top_base_win_probability=base.top_win_probability,
        max_win_bound_x=bound / credits,
        max_win_x=min(bound, cap) / credits,
        cap_probability_bound=min(cap_probability, 1.0),
        cap_rtp_bound=cap_excess / credits,
        base_bands=tuple(float(b) for b in base.bands),
    )


def check_sheet(sheet: Sheet) -> float:
    """The fast mean (Wald) and the enumeration (moment DP) must agree; returns the gap."""
    fast = rtp_breakdown(sheet.game, sheet.variant).rtp
    return abs(fast - sheet.rtp)
