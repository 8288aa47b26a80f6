"""One load step (a fixed offered rate for a fixed time against one server) and the search
for the maximum sustainable rate made of such steps. Shared by every load measurement
(bench/load.py's scenarios, the many-sessions shape, the scale-out comparison).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bench.load_http import HttpFailure, LeanClient
from bench.load_schedule import Arrival, LoopClock, PlayerTurns, play, timetable
from bench.load_stack import Stack, Target
from bench.load_stats import Samples, latency_ms, percentile, summary
from bench.proc_cpu import MachineCpu

BETS = ("0.10", "0.50", "1.00")
# The share of errors, and of offered rounds not played in time, a good step tolerates.
MAX_ERROR_SHARE = 0.01
MIN_PLAYED_SHARE = 0.95
# A spin unanswered this long after its scheduled time counts as "timeout".
SPIN_DEADLINE_S = 10.0


@dataclass(frozen=True)
class StepPlan:
    """What every step of one measurement shares."""

    label: str  # printed with each step: the shape's name
    player_weights: list[float]
    wallet_delay_ms: int
    duration_s: float
    p99_budget_ms: float


@dataclass(frozen=True)
class SearchRange:
    start_rate: float
    max_rate: float


async def _step(
    target: Target, player_weights: list[float], rate: float, duration_s: float
) -> Samples:
    arrivals = timetable(rate, duration_s, player_weights)
    samples = Samples(offered=len(arrivals))
    turns = PlayerTurns(len(player_weights))
    headers = [("Content-Type", "application/json")]
    clients = {url: LeanClient(url) for url in target.urls}
    try:
        clock = LoopClock()

        async def spin(arrival: Arrival) -> None:
            async with turns.of(arrival.player):
                bearer = ("Authorization", f"Bearer {target.tokens[arrival.player]}")
                body = json.dumps({"bet": BETS[arrival.player % len(BETS)]}).encode()
                client = clients[target.url_of(arrival.player)]
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
            samples.launch_lags_s.append(clock.now() - arrival.at_s)
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
        for client in clients.values():
            await client.aclose()
    return samples


def _wallet_time_by_round(stack: Stack) -> dict[int, float]:
    by_round: dict[int, float] = defaultdict(float)
    for round_id, seconds in stack.wallet_calls():
        if round_id is not None:
            by_round[int(round_id)] += seconds
    return by_round


def _cpu_row(stack: Stack, target: Target, before: dict[str, float], played: int) -> dict[str, Any]:
    """Reelhouse's CPU seconds by role over the step, and per played round (the floor's
    steps have none: its process is not Reelhouse's)."""
    if target is not stack.reelhouse:
        return {}
    after = stack.cpu_seconds_by_role()
    spent = {role: round(after[role] - before[role], 3) for role in after}
    per_round = {
        role: (round(seconds / played * 1000, 3) if played else None)
        for role, seconds in spent.items()
    }
    return {"cpu_s": spent, "cpu_ms_per_round": per_round}


def measure(stack: Stack, target: Target, plan: StepPlan, rate: float) -> dict[str, Any]:
    """One step at one offered rate: its row, with the latency added beyond the wallet, the
    generator's own lag, the machine's busy share and Reelhouse's CPU per round."""
    stack.reset_wallet_calls()
    cpu_before = stack.cpu_seconds_by_role()
    machine_before = MachineCpu.now()
    samples = asyncio.run(_step(target, plan.player_weights, rate, plan.duration_s))
    machine_busy = MachineCpu.now().busy_share_since(machine_before)
    row = summary(samples, rate, plan.duration_s)
    row.update(_cpu_row(stack, target, cpu_before, row["played"]))
    wallet = _wallet_time_by_round(stack)
    added = [lat - wallet[r] for r, lat in samples.by_round.items() if r in wallet]
    wallet_per_round = [wallet[r] for r in samples.by_round if r in wallet]
    row["wallet_ms_per_round"] = latency_ms(wallet_per_round)
    row["added_ms"] = latency_ms(added)
    row["generator_cpu_share"] = round(samples.generator_cpu_share, 3)
    lag_p99 = percentile(samples.launch_lags_s, 99)
    row["generator_launch_lag_p99_ms"] = None if lag_p99 is None else round(lag_p99 * 1000, 2)
    row["machine_busy_share"] = round(machine_busy, 3)
    row["good"] = _good(row, plan.wallet_delay_ms, plan.p99_budget_ms)
    _print_step(target.name, plan, row)
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


def search(stack: Stack, target: Target, plan: StepPlan, rates: SearchRange) -> dict[str, Any]:
    """Double the offered rate until a step breaks, then try once between; the last good
    step is the maximum sustainable rate."""
    steps: list[dict[str, Any]] = []
    rate = float(rates.start_rate)
    good: dict[str, Any] | None = None
    bad: float | None = None
    while rate <= rates.max_rate:
        row = measure(stack, target, plan, rate)
        steps.append(row)
        if not row["good"]:
            bad = rate
            break
        good = row
        rate *= 2
    # Not even the first rate held: halve, a few times, to find one that does.
    rate = rates.start_rate / 2
    while good is None and rate >= rates.start_rate / 8:
        row = measure(stack, target, plan, rate)
        steps.append(row)
        if row["good"]:
            good = row
        else:
            bad = rate
        rate /= 2
    if bad is not None and good is not None:
        between = round(math.sqrt(bad * good["offered_per_s"]))
        if good["offered_per_s"] < between < bad:
            row = measure(stack, target, plan, between)
            steps.append(row)
            if row["good"]:
                good = row
    return {
        "max_sustainable_per_s": good["achieved_per_s"] if good else None,
        "max_offered_per_s": good["offered_per_s"] if good else None,
        "capped_by_max_rate": bad is None,
        "steps": steps,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def _print_step(name: str, plan: StepPlan, row: dict[str, Any]) -> None:
    lat, added = row["latency_ms"], row["added_ms"]
    errors = ",".join(f"{k}:{v}" for k, v in row["errors"].items()) or "-"
    print(
        f"  {name:<10}{plan.label:<9}{plan.wallet_delay_ms:>4}ms offered "
        f"{row['offered_per_s']:>6g}/s played {row['achieved_per_s']:>7.1f}/s  "
        f"p50 {ms(lat['p50'])} p99 {ms(lat['p99'])} p99.9 {ms(lat['p99.9'])}  "
        f"added p99 {ms(added['p99'])}  cpu {row['machine_busy_share']:.2f}  errors {errors}"
        f"{'' if row['good'] else '  (broke)'}",
        flush=True,
    )


def ms(value: float | None) -> str:
    return f"{value:>7.1f}" if value is not None else "      -"
