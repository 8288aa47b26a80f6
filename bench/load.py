"""Load: Reelhouse's rounds per second and latency under an open-loop offered rate, as a
ratio of a floor server measured in the same run.

    .venv/bin/python -m bench.load [--database URL] [--also-postgresql URL]
                                   [--step-seconds S] [--start-rate R] [--max-rate R]

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
at 70 % of Reelhouse's maximum (moderate load) to compare latency and the latency Reelhouse
adds to a round beyond the wallet's own time (which the wallet records per call).

SQLite by default (a fresh file); `--database postgresql://...` plays on a fresh database on
that server; `--also-postgresql URL` plays SQLite, then PostgreSQL if that server answers.
Prints a table and writes bench/results/load.json. Numbers only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg

from bench.load_http import HttpFailure, LeanClient
from bench.load_schedule import Arrival, LoopClock, PlayerTurns, play, timetable
from bench.load_shapes import SHAPES, weights
from bench.load_stack import Stack, Target, postgres_database, running_stack
from bench.load_stats import Samples, latency_ms, summary

RESULTS = Path(__file__).parent / "results" / "load.json"
WALLET_DELAYS_MS = (0, 150)
BETS = ("0.10", "0.50", "1.00")
# The share of errors, and of offered rounds not played in time, a good step tolerates.
MAX_ERROR_SHARE = 0.01
MIN_PLAYED_SHARE = 0.95
MODERATE_SHARE = 0.7  # of Reelhouse's maximum rate: the moderate-load comparison
# A spin unanswered this long after its scheduled time counts as "timeout".
SPIN_DEADLINE_S = 10.0


async def _step(
    target: Target, player_weights: list[float], rate: float, duration_s: float
) -> Samples:
    arrivals = timetable(rate, duration_s, player_weights)
    samples = Samples(offered=len(arrivals))
    turns = PlayerTurns(len(player_weights))
    headers = [("Content-Type", "application/json")]
    client = LeanClient(target.url)
    try:
        clock = LoopClock()

        async def spin(arrival: Arrival) -> None:
            async with turns.of(arrival.player):
                bearer = ("Authorization", f"Bearer {target.tokens[arrival.player]}")
                body = json.dumps({"bet": BETS[arrival.player % len(BETS)]}).encode()
                status, answer = await client.post("/api/game/spin", body, [*headers, bearer])
            answered = clock.now()
            if status != 200:
                samples.failed(f"http_{status}", answered)
                return
            envelope = json.loads(answer)
            if envelope["code"] != 0:
                samples.failed(str(envelope["code"]), answered)
                return
            samples.played(answered - arrival.at_s, int(envelope["data"]["round_id"]), answered)

        async def send(arrival: Arrival) -> None:
            # The deadline runs from the scheduled time: waiting for the player's turn counts.
            try:
                async with asyncio.timeout(arrival.at_s + SPIN_DEADLINE_S - clock.now()):
                    await spin(arrival)
            except TimeoutError:
                samples.failed("timeout", None)
            except HttpFailure:
                samples.failed("connection", None)

        cpu_before = time.process_time()
        tasks = await play(arrivals, clock, send)
        await asyncio.gather(*tasks)
        # Its own CPU per second of the step: near 1.0, the generator would be the limit.
        samples.generator_cpu_share = (time.process_time() - cpu_before) / max(clock.now(), 1e-9)
    finally:
        await client.aclose()
    return samples


def _wallet_time_by_round(stack: Stack) -> dict[int, float]:
    by_round: dict[int, float] = defaultdict(float)
    for round_id, seconds in stack.wallet_calls():
        if round_id is not None:
            by_round[int(round_id)] += seconds
    return by_round


def _measure(
    stack: Stack, target: Target, shape: str, delay_ms: int, rate: float, args: argparse.Namespace
) -> dict[str, Any]:
    """One step at one offered rate: its row, with the latency added beyond the wallet."""
    stack.reset_wallet_calls()
    player_weights = weights(shape, args.players_per_operator)
    samples = asyncio.run(_step(target, player_weights, rate, args.step_seconds))
    wallet = _wallet_time_by_round(stack)
    added = [lat - wallet[r] for r, lat in samples.by_round.items() if r in wallet]
    wallet_per_round = [wallet[r] for r in samples.by_round if r in wallet]
    row = summary(samples, rate, args.step_seconds)
    row["wallet_ms_per_round"] = latency_ms(wallet_per_round)
    row["added_ms"] = latency_ms(added)
    row["generator_cpu_share"] = round(samples.generator_cpu_share, 3)
    row["good"] = _good(row, delay_ms, args.p99_budget_ms)
    _print_step(target.name, shape, delay_ms, row)
    stack.wait_quiet()  # what the server still had queued is over before the next step
    return row


def _good(row: dict[str, Any], delay_ms: int, budget_ms: float) -> bool:
    p99 = row["latency_ms"]["p99"]
    return (
        row["error_share"] <= MAX_ERROR_SHARE
        and row["played"] >= MIN_PLAYED_SHARE * row["offered"]
        and p99 is not None
        and p99 <= 2 * delay_ms + budget_ms  # two callbacks per round
    )


def _search(
    stack: Stack, target: Target, shape: str, delay_ms: int, args: argparse.Namespace
) -> dict[str, Any]:
    """Double the offered rate until a step breaks, then try once between; the last good
    step is the maximum sustainable rate."""
    steps: list[dict[str, Any]] = []
    rate = float(args.start_rate)
    good: dict[str, Any] | None = None
    bad: float | None = None
    while rate <= args.max_rate:
        row = _measure(stack, target, shape, delay_ms, rate, args)
        steps.append(row)
        if not row["good"]:
            bad = rate
            break
        good = row
        rate *= 2
    # Not even the first rate held: halve, a few times, to find one that does.
    rate = args.start_rate / 2
    while good is None and rate >= args.start_rate / 8:
        row = _measure(stack, target, shape, delay_ms, rate, args)
        steps.append(row)
        if row["good"]:
            good = row
        else:
            bad = rate
        rate /= 2
    if bad is not None and good is not None:
        between = round(math.sqrt(bad * good["offered_per_s"]))
        if good["offered_per_s"] < between < bad:
            row = _measure(stack, target, shape, delay_ms, between, args)
            steps.append(row)
            if row["good"]:
                good = row
    return {
        "max_sustainable_per_s": good["achieved_per_s"] if good else None,
        "max_offered_per_s": good["offered_per_s"] if good else None,
        "capped_by_max_rate": bad is None,
        "steps": steps,
    }


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def _scenario(stack: Stack, shape: str, delay_ms: int, args: argparse.Namespace) -> dict[str, Any]:
    stack.set_wallet_delay(delay_ms)
    floor = _search(stack, stack.floor, shape, delay_ms, args)
    reelhouse = _search(stack, stack.reelhouse, shape, delay_ms, args)
    result: dict[str, Any] = {
        "shape": shape,
        "wallet_delay_ms": delay_ms,
        "floor": floor,
        "reelhouse": reelhouse,
        "max_rate_ratio": _ratio(
            reelhouse["max_sustainable_per_s"], floor["max_sustainable_per_s"]
        ),
    }
    if reelhouse["max_offered_per_s"]:
        moderate = max(1.0, round(MODERATE_SHARE * reelhouse["max_offered_per_s"]))
        at_floor = _measure(stack, stack.floor, shape, delay_ms, moderate, args)
        at_reelhouse = _measure(stack, stack.reelhouse, shape, delay_ms, moderate, args)
        result["moderate"] = {
            "offered_per_s": moderate,
            "floor": at_floor,
            "reelhouse": at_reelhouse,
            "latency_ratio": {
                key: _ratio(at_reelhouse["latency_ms"][key], at_floor["latency_ms"][key])
                for key in ("p50", "p99")
            },
        }
    return result


def _print_step(name: str, shape: str, delay_ms: int, row: dict[str, Any]) -> None:
    lat, added = row["latency_ms"], row["added_ms"]
    errors = ",".join(f"{k}:{v}" for k, v in row["errors"].items()) or "-"
    print(
        f"  {name:<10}{shape:<7}{delay_ms:>4}ms offered {row['offered_per_s']:>6g}/s "
        f"played {row['achieved_per_s']:>7.1f}/s  p50 {_ms(lat['p50'])} p99 {_ms(lat['p99'])} "
        f"p99.9 {_ms(lat['p99.9'])}  added p99 {_ms(added['p99'])}  errors {errors}"
        f"{'' if row['good'] else '  (broke)'}",
        flush=True,
    )


def _ms(value: float | None) -> str:
    return f"{value:>7.1f}" if value is not None else "      -"


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
                _ms(fl["p50"]),
                _ms(rh["p50"]),
                _ms(fl["p99"]),
                _ms(rh["p99"]),
                f"{_ms(added['p50']).strip()}/{_ms(added['p99']).strip()}",
            ]
        ratio = s["max_rate_ratio"]
        print(
            f"{s['shape']:<8}{s['wallet_delay_ms']:>5}ms"
            f"{_rate(s['floor']):>9}{_rate(s['reelhouse']):>8}"
            f"{(f'{ratio:.2f}' if ratio is not None else '-'):>7}{cells[0]:>7}"
            f"{cells[1]:>10}{cells[2]:>8}{cells[3]:>10}{cells[4]:>8}{cells[5]:>18}"
        )


def _rate(search: dict[str, Any]) -> str:
    value = search["max_sustainable_per_s"]
    if value is None:
        return "-"
    return f"{value:g}{'+' if search['capped_by_max_rate'] else ''}"


def _run_on(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack_of:
        if database_url.startswith("postgresql"):
            database_url = stack_of.enter_context(postgres_database(database_url))
        # On the repository's disk, as bench.durability: a tmpfs would make SQLite's syncs free.
        args.dir = args.dir.resolve()
        args.dir.mkdir(parents=True, exist_ok=True)
        workdir = Path(
            stack_of.enter_context(tempfile.TemporaryDirectory(prefix="load-", dir=args.dir))
        )
        if database_url == "sqlite":
            database_url = f"sqlite:///{workdir / 'reelhouse.db'}"
        stack = stack_of.enter_context(
            running_stack(database_url, workdir, args.players_per_operator)
        )
        players = len(stack.reelhouse.tokens)
        print(f"\n{stack.database}: {players} players, sessions open", flush=True)
        scenarios = [
            _scenario(stack, shape, delay, args)
            for delay in args.wallet_delays_ms
            for shape in args.shapes
        ]
        _print_table(stack.database, scenarios)
        return {
            "database": stack.database,
            "load_average_at_end": os.getloadavg(),  # others' work on a shared machine
            "scenarios": scenarios,
        }


def _postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, or a postgresql:// server URL"
    )
    parser.add_argument(
        "--also-postgresql",
        metavar="URL",
        help="after SQLite, the same on a fresh database of this server if it answers",
    )
    parser.add_argument("--step-seconds", type=float, default=2.0)
    parser.add_argument("--start-rate", type=float, default=20.0, help="first offered rounds/s")
    parser.add_argument("--max-rate", type=float, default=1280.0, help="stop doubling past this")
    parser.add_argument("--p99-budget-ms", type=float, default=200.0)
    parser.add_argument("--players-per-operator", type=int, default=100)
    parser.add_argument("--wallet-delays-ms", type=int, nargs="+", default=list(WALLET_DELAYS_MS))
    parser.add_argument("--dir", type=Path, default=Path("var/bench"), help="scratch files")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    args = parser.parse_args(argv)
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
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
