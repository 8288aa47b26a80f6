"""How much the max-win cap can take away: a rigorous upper bound, tight in practice.

The exact RTP (`exact.py`, `stats.py`) is computed without the cap. A round pays
min(W, c) where W = B + X_1 + ... + X_N (base win, then the free spins), so the cap removes
E[(W - c)+] from the RTP and triggers with probability P(W >= c).

Round every spin's win *up* to a multiple of a unit u = c / GRID (B' >= B, X' >= X, hence
W' >= W): E[(W - c)+] <= E[(W' - c)+] = E[W'] - E[min(W', c)], and P(W >= c) <= P(W' >= c).
E[W'] follows from the moment recursion; min(W', c) from the distribution of W' clipped at c,
which is exact on the grid: clipping after every spin changes nothing because wins are >= 0.
The distribution comes from a forward recursion over (spins played, spins awarded) whose
transitions convolve with the per-spin distribution of X' (by FFT).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Grid cells below the cap. Each spin's win is overstated by less than one cell, so a round is
# overstated by less than (spins + 1) cells: a fine grid keeps the bound close to the truth.
GRID = 4096


@dataclass(frozen=True, slots=True)
class RoundedSpins:
    """Per scatter count k: the distribution of one spin's win rounded up to the grid."""

    histogram: FloatArray  # [k, cell]: P(win' = cell * unit and k), cells >= GRID lumped at GRID
    mean: FloatArray  # [k]: E[win' 1{k}] in cells, not clipped


def _clip(distribution: FloatArray) -> FloatArray:
    clipped = distribution[: GRID + 1].copy()
    clipped[GRID] += distribution[GRID + 1 :].sum()
    return np.maximum(clipped, 0.0)  # FFT noise is +-1e-17; probabilities are not negative


def _convolve(
    spectrum: npt.NDArray[np.complex128], kernel: npt.NDArray[np.complex128]
) -> FloatArray:
    size = 2 * (GRID + 1)
    return _clip(np.fft.irfft(spectrum * kernel, size))


def feature_distributions(
    free: RoundedSpins, adds: list[int], max_spins: int, starts: set[int]
) -> dict[int, FloatArray]:
    """For each start n: the distribution of the feature's total (rounded, clipped at GRID)."""
    size = 2 * (GRID + 1)
    kernels = [np.fft.rfft(free.histogram[k], size) for k in range(len(adds))]
    results = {}
    for start in sorted(starts):
        # live[awarded] = distribution of the total so far, for features still running
        live = {start: np.eye(1, GRID + 1, 0)[0]}
        done = np.zeros(GRID + 1)
        for played in range(max_spins):
            following: dict[int, FloatArray] = {}
            for awarded, distribution in live.items():
                spectrum = np.fft.rfft(distribution, size)
                for k, add in enumerate(adds):
                    if free.histogram[k].sum() == 0:
                        continue
                    after = awarded + min(add, max_spins - awarded)
                    step = _convolve(spectrum, kernels[k])
                    if after == played + 1:
                        done += step
                    else:
                        following[after] = following.get(after, 0) + step
            live = following
            if not live:
                break
        assert not live, "a feature outlived max_spins"
        results[start] = done
    return results


def cap_effect(
    base: RoundedSpins,
    starts_by_k: list[int],
    features: dict[int, FloatArray],
    feature_means: dict[int, float],
    unit: float,
) -> tuple[float, float]:
    """(upper bound on P(W >= cap), upper bound on E[(W - cap)+] in credits)."""
    cells = np.arange(GRID + 1, dtype=np.float64)
    mean_rounded = 0.0
    mean_clipped = 0.0
    at_cap = 0.0
    for k, start in enumerate(starts_by_k):
        distribution = base.histogram[k]
        mean_rounded += base.mean[k]
        if start:
            mean_rounded += distribution.sum() * feature_means[start]
            size = 2 * (GRID + 1)
            spectrum = np.fft.rfft(distribution, size) * np.fft.rfft(features[start], size)
            distribution = _clip(np.fft.irfft(spectrum, size))
        mean_clipped += float(distribution @ cells)
        at_cap += float(distribution[GRID])
    excess_cells = max(mean_rounded - mean_clipped, 0.0)
    return min(at_cap, 1.0), excess_cells * unit
