"""The full math sheet of a hold-and-win variant, exactly (stats.py calls it for such games).

Every stop combination of the base strips is evaluated (its line wins and its count k of cash
symbols) and summarised by k. Given k, the feature is independent of the line wins, so with
its moments from hold_exact.py the round's mean and second moment are exact:
E[W] = E[L] + sum_k P(k) E[T | k] and E[W^2] = E[L^2] + sum_k (2 E[L 1{k}] E[T | k]
+ P(k) E[T^2 | k]) over the triggering k. The top round win is the top line win of a
triggering grid plus a full board of top values and the grand prize; its probability is exact
too. The bonus buy's RTP is E[T | start] / price.

The round's whole win distribution is exact as well: the base spins are tabled by (k, line
win), and for a triggering k the line win's distribution is convolved with the feature's
(`hold_exact.feature_distribution` from the final count's distribution given k); a spin that
does not trigger pays its line win alone. From it: the round and feature win bands, and the
effective RTP under any cap (`capbound.capped_mean`). The number of respins played has its
exact distribution too (`hold_exact.respin_counts`).

Such a game's cap must lie above every possible win (checked here): the cap then takes
nothing, and the RTP the sheet shows is what players are paid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reelhouse.games import capbound
from reelhouse.games.bet_modes import BUY, price_x
from reelhouse.games.exact import rtp_breakdown
from reelhouse.games.hold_exact import (
    FeatureChain,
    buy_rtp,
    chain_of,
    feature_distribution,
    feature_moments,
    respin_counts,
    respin_probability,
    value_probabilities,
)
from reelhouse.games.hold_model import HoldWeights
from reelhouse.games.model import Game
from reelhouse.games.stats import (
    AGREEMENT,
    WIN_BANDS_X,
    Sheet,
    _add_into,
    _combinations,
)
from reelhouse.games.vector import vector_game

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The round's distribution comes from FFT convolutions: its mean agrees with the moments to
# rounding (~1e-16 of the mass per entry, over tens of thousands of entries), in bets.
DISTRIBUTION_AGREEMENT = 1e-8


def _cash_tables(game: Game, variant: int) -> list[IntArray]:
    hold = game.hold_and_win
    assert hold is not None
    return [
        np.array(
            [reel.window(stop, game.rows).count(hold.cash) for stop in range(len(reel.symbols))],
            dtype=np.int64,
        )
        for reel in game.variant(variant).base.reels
    ]


@dataclass(slots=True)
class BaseSummary:
    """Every base spin, summarised by its count k of cash symbols (k = 0..cells)."""

    probability: FloatArray  # P(k)
    win: FloatArray  # E[line win 1{k}] (credits)
    win_squared: FloatArray  # E[line win^2 1{k}]
    hit: FloatArray  # P(line win > 0 and k)
    top_line: IntArray  # the largest line win with k cash (-1: none seen)
    top_line_probability: FloatArray  # P(line win = top_line[k] and k)
    top_win: int  # the largest line win of any spin
    top_win_probability: float
    bands: FloatArray  # P(line win / bet in each WIN_BANDS_X band); band 0 is "no win"
    histogram: FloatArray  # [k, w]: P(line win = w credits and k cash), exact


def _note_top_lines(
    summary: BaseSummary, k: IntArray, line: IntArray, p: FloatArray, trigger: int
) -> None:
    """Keep, per triggering count, the best line win and its probability: the top round is
    a triggering grid's best lines plus a full board of top values."""
    started = np.flatnonzero(k >= trigger)
    if not started.size:
        return
    block_top = np.full(len(summary.top_line), -1, dtype=np.int64)
    np.maximum.at(block_top, k[started], line[started])
    # A count below the best seen so far can never hold the top round: skipped.
    for count in np.flatnonzero(block_top >= max(int(summary.top_line.max()), 0)):
        if block_top[count] > summary.top_line[count]:
            summary.top_line[count], summary.top_line_probability[count] = block_top[count], 0.0
        chosen = started[(k[started] == count) & (line[started] == summary.top_line[count])]
        summary.top_line_probability[count] += float(p[chosen].sum())


def summarise_base(game: Game, variant: int) -> BaseSummary:
    """Evaluate every stop combination of the base strips (one block per first-reel stop)."""
    hold = game.hold_and_win
    assert hold is not None
    vg = vector_game(game, variant)
    classes = game.reels * game.rows + 1
    cash = _cash_tables(game, variant)
    edges = np.array((*WIN_BANDS_X, np.inf)) * game.credits
    summary = BaseSummary(
        probability=np.zeros(classes),
        win=np.zeros(classes),
        win_squared=np.zeros(classes),
        hit=np.zeros(classes),
        top_line=np.full(classes, -1, dtype=np.int64),
        top_line_probability=np.zeros(classes),
        top_win=0,
        top_win_probability=0.0,
        bands=np.zeros(len(edges)),
        histogram=np.zeros((classes, 1)),
    )
    for first in range(len(vg.base.weights[0])):
        stops, p = _combinations(vg.base, first)
        line, _ = vg.evaluate(vg.base, stops)
        k = sum(table.take(stops[reel]) for reel, table in enumerate(cash))
        win = line.astype(np.float64)
        summary.probability += np.bincount(k, weights=p, minlength=classes)
        summary.win += np.bincount(k, weights=p * win, minlength=classes)
        summary.win_squared += np.bincount(k, weights=p * win * win, minlength=classes)
        summary.hit += np.bincount(k, weights=p * (win > 0), minlength=classes)
        _note_top_lines(summary, k, line, p, hold.trigger)
        width = int(line.max()) + 1
        flat = np.bincount(k * width + line, weights=p, minlength=classes * width)
        table = np.asarray(flat, dtype=np.float64).reshape(classes, width)
        summary.histogram = _add_into(summary.histogram, table)
        block_max = int(line.max())
        if block_max > summary.top_win:
            summary.top_win, summary.top_win_probability = block_max, 0.0
        if block_max == summary.top_win:
            summary.top_win_probability += float(p[line == summary.top_win].sum())
        paying = win > 0
        summary.bands[0] += float(p[~paying].sum())
        band = np.searchsorted(edges, win[paying], side="left") - 1
        summary.bands[1:] += np.bincount(band, weights=p[paying], minlength=len(edges))[:-1]
    return summary


def _top_round(game: Game, base: BaseSummary, full: FloatArray) -> tuple[int, float]:
    """(the largest round win in credits, its exact probability)."""
    hold = game.hold_and_win
    assert hold is not None
    cells = game.reels * game.rows
    triggering = np.arange(cells + 1) >= hold.trigger
    top_value = max(hold.value_credits)
    all_top = float(value_probabilities(hold)[hold.value_credits.index(top_value)]) ** cells
    best_line = int(base.top_line[triggering].max())
    bound = best_line + cells * top_value + hold.grand_credits
    reaching = triggering & (base.top_line == best_line)
    probability = float((base.top_line_probability * full)[reaching].sum()) * all_top
    if base.top_win > bound:  # a base spin alone pays more than any feature
        return base.top_win, base.top_win_probability
    return bound, probability


def _buy_rows(game: Game, weights: HoldWeights, chain: FeatureChain) -> list[tuple[str, str]]:
    hold, buy = game.hold_and_win, game.bonus_buy
    if hold is None or buy is None:
        return []
    moments = feature_moments(hold, chain)
    distribution = feature_distribution(hold, chain.final[buy.start_cash])
    price_credits = price_x(game, BUY) * game.credits
    return [
        ("bonus buy price (x bet)", f"{price_x(game, BUY)}"),
        ("bonus buy RTP %", f"{buy_rtp(game, weights) * 100:.6f}"),
        ("bought: full board", _one_in(float(moments.full[buy.start_cash]))),
        ("bought: mean win (x bet)", f"{moments.mean[buy.start_cash] / game.credits:.2f}"),
        ("bought: P(win < price)", f"{distribution[:price_credits].sum() * 100:.2f} %"),
        ("bought: top win", _one_in(float(distribution[-1]))),
    ]


@dataclass(frozen=True, slots=True)
class RoundFigures:
    """The round's distribution and what follows from it (see the module's docstring)."""

    whole: FloatArray  # P(round win = w credits), uncapped
    feature_bands: tuple[float, ...]  # P(feature win / bet in each band | triggered)
    spin_counts: tuple[float, ...]  # P(respins played = m | triggered)


def round_figures(
    game: Game, weights: HoldWeights, base: BaseSummary, chain: FeatureChain
) -> RoundFigures:
    """A spin below the trigger pays its line win alone; a triggering spin with k cash pays
    its line win plus the feature started with k (independent given k): a convolution."""
    hold = game.hold_and_win
    assert hold is not None
    p = base.probability
    triggering = np.flatnonzero(np.arange(len(p)) >= hold.trigger)
    trigger = float(p[triggering].sum())
    edges = np.asarray(WIN_BANDS_X[1:], dtype=np.float64) * game.credits
    cells = game.reels * game.rows
    counts = respin_counts(cells, hold.respins, respin_probability(weights))
    whole = base.histogram[: hold.trigger].sum(axis=0)
    feature_bands = np.zeros(len(edges) + 2)
    spins = np.zeros(counts.shape[1])
    for k in triggering:
        if p[k] == 0:
            continue
        feature = feature_distribution(hold, chain.final[k])
        part = capbound.convolve(base.histogram[k], feature)
        if len(part) > len(whole):
            whole = np.concatenate((whole, np.zeros(len(part) - len(whole))))
        whole[: len(part)] += part
        feature_bands += float(p[k]) / trigger * capbound.bucket(feature, edges)
        spins += float(p[k]) / trigger * counts[k]
    return RoundFigures(
        whole, tuple(float(b) for b in feature_bands), tuple(float(c) for c in spins)
    )


def compute_hold_sheet(game: Game, variant: int) -> Sheet:
    hold, weights = game.hold_and_win, game.variant(variant).hold
    assert hold is not None and weights is not None
    credits = game.credits
    base = summarise_base(game, variant)
    chain = chain_of(game, weights)
    moments = feature_moments(hold, chain)
    triggering = np.arange(len(base.probability)) >= hold.trigger
    p = base.probability
    trigger = float(p[triggering].sum())
    feature_credits = float(p[triggering] @ moments.mean[triggering])
    mean = float(base.win.sum()) + feature_credits
    second = float(base.win_squared.sum()) + float(
        (2 * base.win * moments.mean + p * moments.second)[triggering].sum()
    )
    fast = rtp_breakdown(game, variant).rtp
    assert abs(fast - mean / credits) < AGREEMENT, f"exact RTPs disagree: {fast} vs {mean}"
    top, top_probability = _top_round(game, base, moments.full)
    assert top < game.max_win_credits, f"{game.game_code}: a round can reach the cap"
    figures = round_figures(game, weights, base, chain)
    # The distribution is a third derivation of the mean: FFT rounding stays far below this.
    whole_mean = float(np.arange(len(figures.whole)) @ figures.whole)
    assert abs(whole_mean - mean) / credits < DISTRIBUTION_AGREEMENT, f"{whole_mean} vs {mean}"
    distribution = capbound.clip(figures.whole, game.max_win_credits)
    full_given_trigger = float(p[triggering] @ moments.full[triggering]) / trigger
    extra = [
        ("full board (triggered)", _one_in(full_given_trigger)),
        *_buy_rows(game, weights, chain),
    ]
    return Sheet(
        game=game,
        variant=variant,
        rtp=mean / credits,
        base_rtp=float(base.win.sum()) / credits,
        feature_rtp=feature_credits / credits,
        std=math.sqrt(max(second - mean * mean, 0.0)) / credits,
        hit_frequency=float(base.hit[~triggering].sum()) + trigger,
        feature_frequency=trigger,
        feature_mean_x=feature_credits / trigger / credits,
        feature_mean_spins=float(p[triggering] @ moments.respins[triggering]) / trigger,
        top_base_win_x=base.top_win / credits,
        top_base_win_probability=base.top_win_probability,
        max_win_x=top / credits,
        max_win_probability=top_probability,
        max_win_capped=False,  # the cap is above every win (asserted above): it takes nothing
        cap_probability=0.0,
        cap_rtp_removed=0.0,
        base_bands=tuple(float(b) for b in base.bands),
        law=None,
        distribution=distribution,
        round_bands=tuple(
            float(b) for b in capbound.bucket(distribution, np.asarray(WIN_BANDS_X[1:]) * credits)
        ),
        feature_bands=figures.feature_bands,
        spin_counts=figures.spin_counts,
        extra=tuple(extra),
    )


def _one_in(probability: float) -> str:
    if probability <= 0:
        return "never"
    odds = 1 / probability
    return f"1 in {odds:,.1f}" if odds < 1e9 else f"1 in {odds:.3g}"
