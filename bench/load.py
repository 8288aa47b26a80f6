"""Load: Reelhouse's rounds per second and latency under an open-loop offered rate, as a
ratio of a floor server measured in the same run.

    .venv/bin/python -m bench.load [--quick] [--database URL] [--also-postgresql URL]
                                   [--step-seconds S] [--start-rate R] [--max-rate R]
                                   [--parts scenarios sessions drain scale_out]

Full rounds through the public game API (`POST /api/game/spin` with the session bearer), the
sessions opened through the Main API and the launch URL; every round is a SlotCity v4 bet and
win to the demo casino's wallet over loopback. Reelhouse (`reelhouse serve`), the wallet and
the floor (bench/load_floor.py: the same request in, the same two callbacks out, nothing
else) each run in their own process; the generator (asyncio, a lean keep-alive HTTP client) in this
one. Arrivals follow a timetable fixed in advance (bench/load_schedule.py), so overload shows
as latency and errors, not as a slower client.

Scenarios: two traffic shapes (bench/load_shapes.py: `even`, `skewed`) x two wallet speeds
(instant, and every callback answered after 150 ms). In each, the floor and Reelhouse are
stepped through offered rates (doubling from `--start-rate`, then one step between the last
good and the first bad rate) until a step breaks: more than 1 % errors, fewer than 95 % of
the offered rounds played in time, or p99 above the wallet's own time per round plus
`--p99-budget-ms`. The last good step is the maximum sustainable rate. Then both are played
at 70 % of Reelhouse's maximum (moderate load) to compare latency, and at 30 % (light load)
to compare the latency each adds to a round beyond the wallet's own time (which the wallet
records per call).

Three more parts on the same database kind (each on a fresh database): many sessions
(bench/load_sessions.py: 2,000 sessions spinning every 4 s against the 150 ms wallet), the
dispatcher's drain rate (bench/drain.py) and, on PostgreSQL, scale-out (bench/scale_out.py:
one API process against two, and two dispatchers). Every goal is printed last and written
under `goals` (bench/load_goals.py). `--quick`: a smoke run of every part in seconds.

SQLite by default (a fresh file); `--database postgresql://...` plays on a fresh database on
that server; `--also-postgresql URL` plays SQLite, then PostgreSQL if that server answers.
Prints a table and writes bench/results/load.json (`--results` elsewhere). Numbers only:
nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg

from bench.drain import DEFAULT_CALLS, drain
from bench.load_fresh import FreshDatabases
from bench.load_goals import goals_of, print_goals
from bench.load_sessions import (
    CADENCE_S,
    SESSIONS,
    WALLET_DELAY_MS,
    cadence_for,
    many_sessions,
    players_per_operator,
)
from bench.load_shapes import OPERATORS, SHAPES, weights
from bench.load_stack import Stack
from bench.load_steps import SearchRange, StepPlan, measure, ms, ratio, search
from bench.scale_out import scale_out

RESULTS = Path(__file__).parent / "results" / "load.json"
WALLET_DELAYS_MS = (0, 150)
MODERATE_SHARE = 0.7  # of Reelhouse's maximum rate: the p99 comparison
LIGHT_SHARE = 0.3  # of Reelhouse's maximum rate: the added-latency comparison
PARTS = ("scenarios", "sessions", "drain", "scale_out")
# --quick: every part, small and short (seconds), for a smoke run and its test.
QUICK = {
    "step_seconds": 0.5,
    "start_rate": 8.0,
    "max_rate": 8.0,
    "players_per_operator": 10,
    # A smoke run checks that every part runs, not where Reelhouse breaks: a step taken on a
    # busy machine still counts as good, so the search takes one step, not a halving series.
    "p99_budget_ms": 5000.0,
    "shapes": ["even"],
    "wallet_delays_ms": [0],
    "sessions": 40,
    "session_cadence_s": 2.0,
    "sessions_step_seconds": 1.0,
    "drain_calls": 50,
}


def _plan(shape: str, delay_ms: int, args: argparse.Namespace) -> StepPlan:
    return StepPlan(
        shape,
        weights(shape, args.players_per_operator),
        delay_ms,
        args.step_seconds,
        args.p99_budget_ms,
    )


def _rates(args: argparse.Namespace) -> SearchRange:
    return SearchRange(args.start_rate, args.max_rate)


def _both_at(stack: Stack, plan: StepPlan, rate: float) -> dict[str, Any]:
    at_floor = measure(stack, stack.floor, plan, rate)
    at_reelhouse = measure(stack, stack.reelhouse, plan, rate)
    return {
        "offered_per_s": rate,
        "floor": at_floor,
        "reelhouse": at_reelhouse,
        "latency_ratio": {
            key: ratio(at_reelhouse["latency_ms"][key], at_floor["latency_ms"][key])
            for key in ("p50", "p99")
        },
    }


def _scenario(stack: Stack, shape: str, delay_ms: int, args: argparse.Namespace) -> dict[str, Any]:
    stack.set_wallet_delay(delay_ms)
    plan = _plan(shape, delay_ms, args)
    floor = search(stack, stack.floor, plan, _rates(args))
    reelhouse = search(stack, stack.reelhouse, plan, _rates(args))
    result: dict[str, Any] = {
        "shape": shape,
        "wallet_delay_ms": delay_ms,
        "floor": floor,
        "reelhouse": reelhouse,
        "max_rate_ratio": ratio(reelhouse["max_sustainable_per_s"], floor["max_sustainable_per_s"]),
    }
    if most := reelhouse["max_offered_per_s"]:
        result["moderate"] = _both_at(stack, plan, max(1.0, round(MODERATE_SHARE * most)))
        result["light"] = _both_at(stack, plan, max(1.0, round(LIGHT_SHARE * most)))
    return result


def _print_table(database: str, scenarios: list[dict[str, Any]]) -> None:
    print(f"\n{database}: maximum sustainable rounds/s, and latency at 70 % of Reelhouse's max")
    head = (
        f"{'shape':<8}{'wallet':>7}{'floor/s':>9}{'rh/s':>8}{'ratio':>7}{'at/s':>7}"
        f"{'floor p50':>10}{'rh p50':>8}{'floor p99':>10}{'rh p99':>8}{'rh added p50/p99':>18}"
    )
    print(head)
    for s in scenarios:
        moderate = s.get("moderate")
        cells = ["-"] * 6
        if moderate:
            fl, rh = moderate["floor"]["latency_ms"], moderate["reelhouse"]["latency_ms"]
            added = moderate["reelhouse"]["added_ms"]
            cells = [
                f"{moderate['offered_per_s']:g}",
                ms(fl["p50"]),
                ms(rh["p50"]),
                ms(fl["p99"]),
                ms(rh["p99"]),
                f"{ms(added['p50']).strip()}/{ms(added['p99']).strip()}",
            ]
        rate_ratio = s["max_rate_ratio"]
        print(
            f"{s['shape']:<8}{s['wallet_delay_ms']:>5}ms"
            f"{_rate(s['floor']):>9}{_rate(s['reelhouse']):>8}"
            f"{(f'{rate_ratio:.2f}' if rate_ratio is not None else '-'):>7}{cells[0]:>7}"
            f"{cells[1]:>10}{cells[2]:>8}{cells[3]:>10}{cells[4]:>8}{cells[5]:>18}"
        )


def _rate(found: dict[str, Any]) -> str:
    value = found["max_sustainable_per_s"]
    if value is None:
        return "-"
    return f"{value:g}{'+' if found['capped_by_max_rate'] else ''}"


def _floor_max_with_slow_wallet(run: dict[str, Any]) -> float | None:
    """The floor's best maximum over the scenarios with the 150 ms wallet, if any ran (the
    best: the floor does the same work in every shape, so a lower one is the machine's
    noise)."""
    found = [
        scenario["floor"]["max_sustainable_per_s"]
        for scenario in run.get("scenarios", [])
        if scenario["wallet_delay_ms"] == WALLET_DELAY_MS
        and scenario["floor"]["max_sustainable_per_s"]
    ]
    return max(found) if found else None


def _many_sessions(stack: Stack, args: argparse.Namespace, run: dict[str, Any]) -> None:
    """The crowd at the cadence the floor can carry; then, if that had to be longer than a
    player on autoplay's, at the autoplay cadence too (last: its overload leaves a backlog)."""
    cadence_s = args.session_cadence_s or cadence_for(
        len(stack.reelhouse.tokens), _floor_max_with_slow_wallet(run)
    )
    run["many_sessions"] = _crowd(stack, args, cadence_s)
    if cadence_s > CADENCE_S:
        run["many_sessions_at_autoplay_cadence"] = _crowd(stack, args, CADENCE_S)


def _crowd(stack: Stack, args: argparse.Namespace, cadence_s: float) -> dict[str, Any]:
    # Every session spins at least once in the step (twice at the 4 s cadence).
    step_s = args.sessions_step_seconds or max(2 * CADENCE_S, cadence_s)
    return many_sessions(stack, cadence_s, step_s, args.p99_budget_ms)


def _run_on(database: str, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as context:
        # On the repository's disk, as bench.durability: a tmpfs would make SQLite's syncs free.
        args.dir = args.dir.resolve()
        args.dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(
            context.enter_context(tempfile.TemporaryDirectory(prefix="load-", dir=args.dir))
        )
        fresh = FreshDatabases(database, scratch)
        name = "postgresql" if fresh.is_postgresql else "sqlite"
        run: dict[str, Any] = {"database": name}
        # The crowd plays on the scenarios' stack when it has as many sessions (--quick).
        crowd_on_scenarios = args.sessions == OPERATORS * args.players_per_operator
        if "scenarios" in args.parts:
            with fresh.stack(args.players_per_operator) as stack:
                run["scenarios"] = [
                    _scenario(stack, shape, delay, args)
                    for delay in args.wallet_delays_ms
                    for shape in args.shapes
                ]
                _print_table(name, run["scenarios"])
                if "sessions" in args.parts and crowd_on_scenarios:
                    _many_sessions(stack, args, run)
        if "sessions" in args.parts and "many_sessions" not in run:
            with fresh.stack(players_per_operator(args.sessions)) as stack:
                _many_sessions(stack, args, run)
        if "drain" in args.parts:
            with fresh.database_url() as (url, workdir):
                run["dispatcher_drain"] = drain(url, workdir, args.drain_calls)
        if "scale_out" in args.parts:
            if fresh.is_postgresql:
                plan = _plan("even", 0, args)
                run["scale_out"] = scale_out(
                    lambda topology: fresh.stack(args.players_per_operator, topology),
                    plan,
                    _rates(args),
                )
            else:
                # Several dispatchers share the outbox only where rows can be claimed with
                # SKIP LOCKED: one worker on SQLite (dispatch/worker.py).
                run["scale_out"] = {"skipped": "PostgreSQL only: SQLite runs one dispatcher"}
        run["load_average_at_end"] = os.getloadavg()  # others' work on a shared machine
        run["goals"] = goals_of(run)
        print_goals(name, run["goals"])
        return run


def _postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, or a postgresql:// server URL"
    )
    parser.add_argument(
        "--also-postgresql",
        metavar="URL",
        help="after SQLite, the same on a fresh database of this server if it answers",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of every part")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--step-seconds", type=float, default=2.0)
    parser.add_argument("--start-rate", type=float, default=20.0, help="first offered rounds/s")
    parser.add_argument("--max-rate", type=float, default=1280.0, help="stop doubling past this")
    parser.add_argument("--p99-budget-ms", type=float, default=200.0)
    parser.add_argument("--players-per-operator", type=int, default=100)
    parser.add_argument("--wallet-delays-ms", type=int, nargs="+", default=list(WALLET_DELAYS_MS))
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--sessions", type=int, default=SESSIONS, help="many-sessions crowd")
    parser.add_argument(
        "--session-cadence-s",
        type=float,
        help=f"seconds between a session's spins (default {CADENCE_S:g}, longer if the floor "
        "cannot carry it with the 150 ms wallet)",
    )
    parser.add_argument(
        "--sessions-step-seconds", type=float, help="default: two spins per session, at least"
    )
    parser.add_argument("--drain-calls", type=int, default=DEFAULT_CALLS)
    parser.add_argument("--dir", type=Path, default=Path("var/bench"), help="scratch files")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the JSON written")
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The arguments; with --quick, QUICK's values wherever no flag says otherwise."""
    parser = _parser()
    if parser.parse_args(argv).quick:
        parser.set_defaults(**QUICK)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_at_start = os.getloadavg()
    runs = [_run_on(args.database, args)]
    if args.also_postgresql:
        if _postgres_answers(args.also_postgresql):
            runs.append(_run_on(args.also_postgresql, args))
        else:
            print(f"\nPostgreSQL not reachable at {args.also_postgresql}: its run is skipped")
    document = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
        },
        "settings": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(args).items()
            if k != "also_postgresql"
        },
        "goals": {run["database"]: run["goals"] for run in runs},
        "runs": runs,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
