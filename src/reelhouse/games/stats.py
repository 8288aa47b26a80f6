"""The full math sheet of a variant, exactly: every stop combination of every strip set.

`exact.py` gives the mean fast (for tuning). Here every stop combination of the base strips and
of the free-spin strips is evaluated, weighted by its probability, and summarised by scatter
count, which is what links a spin to the feature. The feature is a Markov chain over
(spins left, spins awarded); the first two moments of its total follow by dynamic programming
from the per-spin summaries. From those: RTP and standard deviation of a round (base spin plus
its feature) exactly, before the cap; hit frequency; the feature's frequency, length and share;
the base game's win distribution; and (`capbound.py`, from the same enumeration) the round's
whole win distribution: the real max win and its odds, what the cap takes, the effective RTP
under any cap, the feature's win and spin count distributions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from reelhouse.games import capbound
from reelhouse.games.capbound import RoundLaw
from reelhouse.games.exact import FeatureMoments, buy_rtp, feature_moments, rtp_breakdown
from reelhouse.games.model import Game
from reelhouse.games.vector import StripTables, VectorGame, vector_game

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Win bands (in bets) for the base game's win distribution.
WIN_BANDS_X = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 500.0, 1000.0)
# Enumeration proceeds one stop of the first reel at a time; the rest must fit in one block.
MAX_BLOCK_COMBINATIONS = 1 << 21
Z_95 = 1.959963984540054
# Double precision sums over millions of terms agree far better than this.
AGREEMENT = 1e-9


@dataclass(frozen=True, slots=True)
class SpinSummary:
    """One spin on one strip set, summarised by the number of scatters k = 0..reels."""

    probability: FloatArray  # P(k)
    win: FloatArray  # E[win 1{k}] (credits, spin multiplier applied)
    win_squared: FloatArray  # E[win^2 1{k}]
    hit: FloatArray  # P(win > 0 and k)
    max_win: IntArray  # largest win with k scatters (credits)
    top_win: int
    top_win_probability: float
    bands: FloatArray  # P(win / bet in each WIN_BANDS_X band); band 0 is "no win"
    histogram: tuple[FloatArray, ...]  # [k][w]: P(win = w credits and k), exact (capbound.py)


def _combinations(tables: StripTables, first: int) -> tuple[IntArray, FloatArray]:
    """stops[reel, i] of every combination with reel 0 at `first`, and their probabilities."""
    lengths = [len(w) for w in tables.weights]
    grids = np.meshgrid(*[np.arange(n) for n in lengths[1:]], indexing="ij")
    rest = [g.reshape(-1) for g in grids]
    stops = np.stack([np.full(len(rest[0]), first), *rest]).astype(np.intp)
    probability = np.full(stops.shape[1], tables.weights[0][first])
    for reel in range(1, len(lengths)):
        probability = probability * tables.weights[reel].take(stops[reel])
    return stops, probability


def _add_into(total: FloatArray, part: FloatArray) -> FloatArray:
    """total + part, padding the shorter on the right (histograms grow with the wins seen)."""
    if part.shape[1] > total.shape[1]:
        total = np.pad(total, ((0, 0), (0, part.shape[1] - total.shape[1])))
    total[:, : part.shape[1]] += part
    return total


def summarise(vg: VectorGame, tables: StripTables, multiplier: int) -> SpinSummary:
    """Evaluate every stop combination of one strip set (one block per first-reel stop)."""
    game = vg.game
    classes = game.reels + 1
    assert math.prod(len(w) for w in tables.weights[1:]) <= MAX_BLOCK_COMBINATIONS
    probability, win1, win2, hit = (np.zeros(classes) for _ in range(4))
    histogram = np.zeros((classes, 1))
    max_win = np.zeros(classes, dtype=np.int64)
    top_win, top_probability = 0, 0.0
    edges = np.array((*WIN_BANDS_X, np.inf)) * game.credits
    bands = np.zeros(len(edges))
    for first in range(len(tables.weights[0])):
        stops, p = _combinations(tables, first)
        credits, scatters = vg.evaluate(tables, stops)
        credits = credits * multiplier
        win = credits.astype(np.float64)
        probability += np.bincount(scatters, weights=p, minlength=classes)
        win1 += np.bincount(scatters, weights=p * win, minlength=classes)
        win2 += np.bincount(scatters, weights=p * win * win, minlength=classes)
        hit += np.bincount(scatters, weights=p * (win > 0), minlength=classes)
        np.maximum.at(max_win, scatters, credits)
        width = int(credits.max()) + 1
        flat = np.bincount(scatters * width + credits, weights=p, minlength=classes * width)
        histogram = _add_into(histogram, np.asarray(flat, dtype=np.float64).reshape(classes, width))
        block_top = int(credits.max())
        if block_top > top_win:
            top_win, top_probability = block_top, 0.0
        if block_top == top_win:
            top_probability += float(p[credits == top_win].sum())
        paying = win > 0
        bands[0] += float(p[~paying].sum())
        band = np.searchsorted(edges, win[paying], side="left") - 1
        bands[1:] += np.bincount(band, weights=p[paying], minlength=len(edges))[:-1]
    return SpinSummary(
        probability=probability,
        win=win1,
        win_squared=win2,
        hit=hit,
        max_win=max_win,
        top_win=top_win,
        top_win_probability=top_probability,
        bands=bands,
        histogram=tuple(histogram),
    )


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
    max_win_x: float  # what a round can really pay: min(its largest win, the cap), in bets
    max_win_probability: float  # P(a round pays exactly that), exact
    max_win_capped: bool  # the game's cap binds: some rounds would win more
    cap_probability: float  # P(round win >= the game's cap), exact
    cap_rtp_removed: float  # E[(win - the game's cap)+] / bet: what the cap takes, exact
    base_bands: tuple[float, ...]
    # The enumeration's chain of spins (None for hold-and-win: hold_stats.py builds its round
    # distribution from the respin chain of hold_exact.py instead).
    law: RoundLaw | None = field(repr=False)
    distribution: FloatArray = field(repr=False)  # P(round win = w credits), clipped at the cap
    round_bands: tuple[float, ...]  # P(round win / bet in each WIN_BANDS_X band)
    feature_bands: tuple[float, ...]  # P(feature win / bet in each band | triggered)
    spin_counts: tuple[float, ...]  # P(free spins played = n | triggered), n = 0..max_spins
    # Further measures of the game's own features, (name, value as text), shown as rows.
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def paid_rtp(self) -> float:
        """E[min(win, the game's cap)] / bet: the RTP a player gets (fraction of the bet)."""
        return self.rtp - self.cap_rtp_removed

    def effective_rtp(self, cap_x: float) -> float:
        """The RTP when a round pays at most `cap_x` bets as well (an operator's cap)."""
        cap_credits = cap_x * self.game.credits
        return capbound.capped_mean(self.distribution, cap_credits) / self.game.credits

    @property
    def volatility_index(self) -> float:
        """1.96 sigma: half the width of the 95 % band of a single round's result."""
        return Z_95 * self.std

    def spread(self, spins: int) -> float:
        """Half-width of the 95 % band of the observed RTP after `spins` rounds (fraction)."""
        return Z_95 * self.std / math.sqrt(spins)


def round_law(game: Game, base: SpinSummary, free: SpinSummary | None) -> RoundLaw:
    """The interface `capbound.py` works from, built from this game's enumeration."""
    feature = game.free_spins
    classes = game.reels + 1
    if feature is None or free is None:
        return RoundLaw(
            base.histogram, (0,) * classes, (), (), 0, game.credits, game.max_win_credits
        )
    awards = (0, *feature.awards)
    starts = tuple(min(awards[k], feature.max_spins) for k in range(classes))
    adds = tuple(awards[k] if feature.retrigger else 0 for k in range(classes))
    return RoundLaw(
        base.histogram,
        starts,
        free.histogram,
        adds,
        feature.max_spins,
        game.credits,
        game.max_win_credits,
    )


def _edges(game: Game) -> FloatArray:
    return np.asarray(WIN_BANDS_X[1:], dtype=np.float64) * game.credits


def compute_sheet(game: Game, variant: int) -> Sheet:
    if game.hold_and_win is not None:
        # Imported here: hold_stats builds on this module's Sheet and enumeration.
        from reelhouse.games.hold_stats import compute_hold_sheet

        return compute_hold_sheet(game, variant)
    vg = vector_game(game, variant)
    credits = game.credits
    classes = game.reels + 1
    base = summarise(vg, vg.base, 1)
    starts = [0] * classes
    mean_t, second_t, spins_t = (np.zeros(classes) for _ in range(3))
    feature = game.free_spins
    free: SpinSummary | None = None
    moments: FeatureMoments | None = None
    if feature is not None:
        assert vg.free is not None
        free = summarise(vg, vg.free, feature.multiplier)
        adds = [feature.awards[k - 1] if (k and feature.retrigger) else 0 for k in range(classes)]
        moments = feature_moments(
            adds, feature.max_spins, free.probability, free.win, free.win_squared
        )
        for k in range(1, classes):
            n = starts[k] = min(feature.awards[k - 1], feature.max_spins)
            mean_t[k], second_t[k], spins_t[k] = (
                moments.mean[n],
                moments.second[n],
                moments.spins[n],
            )
    p = base.probability
    triggered = spins_t > 0
    trigger = float(p[triggered].sum())
    feature_credits = float((p * mean_t).sum())
    mean = float(base.win.sum()) + feature_credits
    second = float(base.win_squared.sum() + (2 * base.win * mean_t + p * second_t).sum())
    # Two independent derivations of the mean (this enumeration with the moment recursion, and
    # per-line expectations with Wald's identity) must agree: if not, one of them is wrong.
    fast = rtp_breakdown(game, variant).rtp
    assert abs(fast - mean / credits) < AGREEMENT, f"exact RTPs disagree: {fast} vs {mean}"
    law = round_law(game, base, free)
    whole = capbound.round_win(law)
    distribution = capbound.round_distribution(law, whole)
    cap_tail = capbound.tail(law, game.max_win_credits, whole)
    top = capbound.max_win(law, cap_tail)
    feature_bands, counts = _feature_figures(law, p, trigger, _edges(game))
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
        feature_mean_spins=float((p * spins_t).sum()) / trigger if trigger else 0.0,
        top_base_win_x=base.top_win / credits,
        top_base_win_probability=base.top_win_probability,
        max_win_x=top.credits / credits,
        max_win_probability=top.probability,
        max_win_capped=top.capped,
        cap_probability=cap_tail.probability,
        cap_rtp_removed=cap_tail.excess_credits / credits,
        base_bands=tuple(float(b) for b in base.bands),
        law=law,
        distribution=distribution,
        round_bands=tuple(float(b) for b in capbound.bucket(distribution, _edges(game))),
        feature_bands=feature_bands,
        spin_counts=counts,
        extra=_buy_rows(game, variant, moments),
    )


def _buy_rows(
    game: Game, variant: int, moments: FeatureMoments | None
) -> tuple[tuple[str, str], ...]:
    """A free-spin bonus buy's figures. Its RTP from this enumeration's moments and from
    `exact.buy_rtp` (per-line expectations with Wald's identity) must agree."""
    buy = game.bonus_buy
    if buy is None or moments is None:
        return ()
    start, price = buy.start_spins, buy.price_x * game.credits
    mean, second = float(moments.mean[start]), float(moments.second[start])
    assert abs(mean / price - buy_rtp(game, variant)) < AGREEMENT, "bonus buy RTPs disagree"
    return (
        ("bonus buy price (x bet)", f"{buy.price_x}"),
        ("bonus buy RTP %", f"{mean / price * 100:.6f}"),
        ("bought: mean win (x bet)", f"{mean / game.credits:.2f}"),
        ("bought: std of the win (x price)", f"{math.sqrt(max(second - mean**2, 0)) / price:.2f}"),
        ("bought: mean free spins", f"{float(moments.spins[start]):.2f}"),
    )


def _feature_figures(
    law: RoundLaw, p: FloatArray, trigger: float, edges: FloatArray
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The feature's win distribution (in bands, uncapped) and its spin count distribution,
    given that it triggered: each start weighted by how often a base spin starts it."""
    if not law.has_feature or trigger == 0:
        return (), ()
    weights: dict[int, float] = {}
    for k, start in enumerate(law.starts):
        if start:
            weights[start] = weights.get(start, 0.0) + float(p[k]) / trigger
    step, totals = capbound.feature_distributions(law)
    counts = capbound.spin_counts(law)
    bands = np.zeros(len(edges) + 2)
    spins = np.zeros(law.max_spins + 1)
    for start, weight in weights.items():
        expanded = np.zeros(len(totals[start]) * step)
        expanded[::step] = totals[start]
        bands += weight * capbound.bucket(expanded, edges)
        spins += weight * counts[start]
    return tuple(float(b) for b in bands), tuple(float(c) for c in spins)
