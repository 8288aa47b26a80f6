"""Monte Carlo simulation of a variant: vectorised spins, chunked over all cores.

A chunk of spins is simulated as arrays: every base spin at once, then the free-spin features
that triggered, one spin per active feature per pass. Chunks get their own random streams
spawned from one seed, so a seeded run gives the same totals whatever the number of workers.
The RTP observed is capped (it is what players are paid); the exact RTP it is compared with is
not, and `capbound.py` shows the difference is far below what a simulation can see.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context

import numpy as np
import numpy.typing as npt

from reelhouse.domain.limits import SIMULATION_MAX_SPINS
from reelhouse.games.bet_modes import BASE, BetMode
from reelhouse.games.model import Game
from reelhouse.games.vector import VectorGame, vector_game

IntArray = npt.NDArray[np.int64]

# Spins per chunk: big enough that array overheads vanish, small enough to stay in ~100 MB.
CHUNK_SPINS = 250_000
MAX_SPINS = SIMULATION_MAX_SPINS
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over simulated rounds, in credits; they add up across chunks."""

    spins: int = 0
    paid: int = 0  # sum of round wins after the cap
    paid_squared: float = 0.0
    hits: int = 0  # rounds that paid or triggered the feature
    triggers: int = 0
    feature_paid: int = 0  # feature wins before the cap
    free_spins: int = 0
    capped: int = 0
    max_paid: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            spins=self.spins + other.spins,
            paid=self.paid + other.paid,
            paid_squared=self.paid_squared + other.paid_squared,
            hits=self.hits + other.hits,
            triggers=self.triggers + other.triggers,
            feature_paid=self.feature_paid + other.feature_paid,
            free_spins=self.free_spins + other.free_spins,
            capped=self.capped + other.capped,
            max_paid=max(self.max_paid, other.max_paid),
        )


def simulate_chunk(
    game: Game, variant: int, spins: int, rng: np.random.Generator, mode: BetMode = BASE
) -> Totals:
    """Simulate `spins` rounds (of the bet mode) as arrays; the rules are those of
    `engine.play`. Wins are credits of the bet: a bonus buy's return is paid / (spins x price
    x credits)."""
    if game.hold_and_win is not None:
        # Imported here: hold_simulate builds on this module's Totals.
        from reelhouse.games.hold_simulate import simulate_hold_chunk

        return simulate_hold_chunk(game, variant, spins, rng, mode)
    vg = vector_game(game, variant)
    if mode == BASE:
        stops = vg.draw_stops(vg.base, rng, spins)
        base, scatters = vg.evaluate(vg.base, stops)
        starts = np.minimum(vg.awards[scatters], vg.max_spins)
    else:  # a bought round: no base spin, every round starts the feature with the trigger's award
        assert game.bonus_buy is not None
        base = np.zeros(spins, dtype=np.int64)
        starts = np.full(spins, game.bonus_buy.start_spins, dtype=np.int64)
    triggered = np.flatnonzero(starts)
    feature, played = _features(vg, starts[triggered].copy(), rng)
    return totals_of(game, base, triggered, feature, played)


def totals_of(
    game: Game, base: IntArray, triggered: IntArray, feature: IntArray, played: int
) -> Totals:
    """The Totals of a chunk of rounds: `base[i]` the base spin's win of round i, `feature[j]`
    the feature's win of round `triggered[j]` (a round that starts it counts as a hit, even
    for nothing), `played` the feature's spins (or respins) in all. Each round is paid at most
    the game's cap."""
    total = base.copy()
    total[triggered] += feature
    paid = np.minimum(total, game.max_win_credits)
    hit = total > 0
    hit[triggered] = True
    return Totals(
        spins=len(base),
        paid=int(paid.sum()),
        paid_squared=float(np.square(paid, dtype=np.float64).sum()),
        hits=int(hit.sum()),
        triggers=len(triggered),
        feature_paid=int(feature.sum()),
        free_spins=played,
        capped=int((total > paid).sum()),
        max_paid=int(paid.max(initial=0)),
    )


def _features(
    vg: VectorGame, left: npt.NDArray[np.int64], rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], int]:
    """Play free-spin features started with `left` spins each: (their wins, spins played)."""
    feature = np.zeros(len(left), dtype=np.int64)
    awarded = left.copy()
    played = 0
    # Each pass plays one spin of every running feature; none runs longer than max_spins.
    for _ in range(vg.max_spins):
        active = np.flatnonzero(left > 0)
        if active.size == 0:
            break
        assert vg.free is not None
        free_stops = vg.draw_stops(vg.free, rng, active.size)
        credits, free_scatters = vg.evaluate(vg.free, free_stops)
        feature[active] += credits * vg.multiplier
        left[active] -= 1
        played += active.size
        if vg.retrigger:
            granted = np.minimum(vg.awards[free_scatters], vg.max_spins - awarded[active])
            left[active] += granted
            awarded[active] += granted
    assert not (left > 0).any(), "a feature outlived max_spins"
    return feature, played


def _run_chunk(game: Game, variant: int, spins: int, seed: np.random.SeedSequence) -> Totals:
    return simulate_chunk(game, variant, spins, np.random.default_rng(seed))


@dataclass(frozen=True, slots=True)
class SimulationResult:
    game: Game = field(repr=False)
    variant: int
    seed: int  # the entropy the chunk streams were spawned from: reruns reproduce the totals
    totals: Totals

    @property
    def spins(self) -> int:
        return self.totals.spins

    @property
    def rtp(self) -> float:
        return self.totals.paid / (self.totals.spins * self.game.credits)

    @property
    def std(self) -> float:
        """Sample standard deviation of one round's win, in bets."""
        n, credits = self.totals.spins, self.game.credits
        mean = self.totals.paid / n
        variance = max(self.totals.paid_squared / n - mean * mean, 0.0) * n / max(n - 1, 1)
        return math.sqrt(variance) / credits

    @property
    def hit_frequency(self) -> float:
        return self.totals.hits / self.totals.spins

    @property
    def feature_frequency(self) -> float:
        return self.totals.triggers / self.totals.spins

    def z_score(self, exact_rtp: float, std: float) -> float:
        """(observed - exact) in standard errors of the mean after this many spins."""
        return (self.rtp - exact_rtp) / (std / math.sqrt(self.totals.spins))


def simulate(
    game: Game,
    variant: int,
    spins: int,
    seed: int | None = None,
    workers: int | None = os.cpu_count(),
    progress: Progress | None = None,
) -> SimulationResult:
    """Simulate `spins` rounds of one variant on `workers` processes (1: in this process)."""
    assert 0 < spins <= MAX_SPINS
    entropy = seed if seed is not None else int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    sizes = [CHUNK_SPINS] * (spins // CHUNK_SPINS)
    if spins % CHUNK_SPINS:
        sizes.append(spins % CHUNK_SPINS)
    seeds = np.random.SeedSequence(entropy).spawn(len(sizes))
    results: list[Totals | None] = [None] * len(sizes)
    done = 0
    workers = max(1, min(workers or 1, len(sizes)))
    if workers == 1:
        for index, (size, chunk_seed) in enumerate(zip(sizes, seeds, strict=True)):
            results[index] = _run_chunk(game, variant, size, chunk_seed)
            done += size
            if progress is not None:
                progress(done, spins)
    else:
        # spawn, not fork: a forked child of a threaded parent (a web server, a test runner)
        # can inherit a held lock and hang.
        context = get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                pool.submit(_run_chunk, game, variant, size, chunk_seed): index
                for index, (size, chunk_seed) in enumerate(zip(sizes, seeds, strict=True))
            }
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                done += sizes[index]
                if progress is not None:
                    progress(done, spins)
    total = Totals()
    for chunk in results:  # in chunk order, so float sums are the same for any worker count
        assert chunk is not None
        total = total + chunk
    return SimulationResult(game, variant, entropy, total)
