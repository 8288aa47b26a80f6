"""Simulation speed: the vectorised simulator against a plain Python loop over `engine.play`.

    .venv/bin/python -m bench.simulation [--quick]

Both run in this process on the same games and variant, so the loop is the baseline measured in
the same run. The vectorised simulator is timed on one process (a like-for-like ratio) and on
every core. Prints a table and writes bench/results/simulation.json. Numbers only: nothing here
asserts on time.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from reelhouse.games import catalogue
from reelhouse.games.engine import play
from reelhouse.games.rng import SeededRng
from reelhouse.games.simulate import simulate

RESULTS = Path(__file__).parent / "results" / "simulation.json"
VARIANT = 96
GOAL_RATIO = 100


def _loop_rate(code: str, seconds: float) -> tuple[float, int]:
    """Spins per second of `play` called in a plain loop (SeededRng: no OS calls)."""
    game = catalogue.get_game(code)
    assert game is not None
    source = SeededRng(1)
    bet = game.bet_step_minor
    spins, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(500):
            play(game, VARIANT, bet, source)
        spins += 500
    return spins / (time.perf_counter() - started), spins


def _vector_rate(code: str, spins: int, workers: int) -> float:
    game = catalogue.get_game(code)
    assert game is not None
    simulate(game, VARIANT, 10_000, seed=0, workers=1)  # build tables outside the timing
    started = time.perf_counter()
    simulate(game, VARIANT, spins, seed=1, workers=workers)
    return spins / (time.perf_counter() - started)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    loop_seconds = 1.0 if quick else 3.0
    vector_spins = 2_000_000 if quick else 10_000_000
    cores = os.cpu_count() or 1
    rows: list[dict[str, Any]] = []
    for info in catalogue.list_games():
        loop, loop_spins = _loop_rate(info.game_code, loop_seconds)
        single = _vector_rate(info.game_code, vector_spins, workers=1)
        pooled = _vector_rate(info.game_code, vector_spins, workers=cores)
        rows.append(
            {
                "game": info.game_code,
                "variant": VARIANT,
                "loop_spins": loop_spins,
                "loop_spins_per_second": round(loop),
                "vector_spins": vector_spins,
                "vector_spins_per_second_one_core": round(single),
                "vector_spins_per_second_all_cores": round(pooled),
                "ratio_one_core": round(single / loop, 1),
                "ratio_all_cores": round(pooled / loop, 1),
            }
        )
    header = f"{'game':16} {'loop/s':>9} {'vector/s 1 core':>16} {'all cores':>12} {'x 1 core':>9}"
    print(header + f" {'x all':>8}")
    for row in rows:
        print(
            f"{row['game']:16} {row['loop_spins_per_second']:>9,}"
            f" {row['vector_spins_per_second_one_core']:>16,}"
            f" {row['vector_spins_per_second_all_cores']:>12,}"
            f" {row['ratio_one_core']:>9.1f} {row['ratio_all_cores']:>8.1f}"
        )
    worst = min(row["ratio_one_core"] for row in rows)
    print(f"goal >= {GOAL_RATIO}x per core; lowest per-core ratio {worst:.1f}x on {cores} cores")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "simulation",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cores": cores,
        "quick": quick,
        "goal_ratio": GOAL_RATIO,
        "lowest_ratio_one_core": worst,
        "games": rows,
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
