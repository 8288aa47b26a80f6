"""Scale-out on PostgreSQL: one API process with its dispatcher against two API processes
and two dispatchers (bench/load_topology.py picks how, from what `reelhouse serve` offers),
each on a fresh database, with the same maximum-rate search. Beside the ratio: the
machine's busy share at each maximum (on 2 cores, near 1.0 means the cores, not Reelhouse's
layout, are the ceiling) and Reelhouse's CPU per round by role, from which the rate 8
cores would carry is predicted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from bench.load_stack import Stack
from bench.load_steps import SearchRange, StepPlan, ratio, search
from bench.load_topology import Topology, scaled, single

SCALED_PROCESSES = 2
PREDICTED_CORES = 8

OpenStack = Callable[[Topology], AbstractContextManager[Stack]]


def _at_max(found: dict[str, Any]) -> dict[str, Any] | None:
    """The last good step's CPU figures (the maximum rate's)."""
    good = [
        s for s in found["steps"] if s["good"] and s["offered_per_s"] == found["max_offered_per_s"]
    ]
    if not good:
        return None
    step = good[-1]
    return {
        "offered_per_s": step["offered_per_s"],
        "achieved_per_s": step["achieved_per_s"],
        "machine_busy_share": step["machine_busy_share"],
        "cpu_s": step["cpu_s"],
        "cpu_ms_per_round": step["cpu_ms_per_round"],
    }


def _measure(
    open_stack: OpenStack, topology: Topology, plan: StepPlan, rates: SearchRange
) -> dict[str, Any]:
    with open_stack(topology) as stack:
        stack.set_wallet_delay(plan.wallet_delay_ms)
        found = search(stack, stack.reelhouse, plan, rates)
    return {
        "topology": topology.description,
        "max_sustainable_per_s": found["max_sustainable_per_s"],
        "capped_by_max_rate": found["capped_by_max_rate"],
        "at_max": _at_max(found),
        "steps": found["steps"],
    }


def _prediction(at_max: dict[str, Any] | None) -> dict[str, Any] | None:
    """Rounds/s that `PREDICTED_CORES` cores would carry if Reelhouse's processes alone used
    them (the database, the wallet and the generator elsewhere), from the CPU they spent per
    round at the maximum rate; beside it the same arithmetic for this machine's cores, to
    compare with what was measured."""
    if at_max is None:
        return None
    per_round_ms = sum(v for v in at_max["cpu_ms_per_round"].values() if v is not None)
    if not per_round_ms:
        return None
    return {
        "reelhouse_cpu_ms_per_round": round(per_round_ms, 3),
        "cores": PREDICTED_CORES,
        "predicted_rounds_per_s": round(PREDICTED_CORES * 1000 / per_round_ms, 1),
        "same_arithmetic_for_this_machine": round((os.cpu_count() or 1) * 1000 / per_round_ms, 1),
    }


def scale_out(open_stack: OpenStack, plan: StepPlan, rates: SearchRange) -> dict[str, Any]:
    one = _measure(open_stack, single(), plan, rates)
    two = _measure(open_stack, scaled(SCALED_PROCESSES), plan, rates)
    result = {
        "cores": os.cpu_count(),
        "single": one,
        "scaled": two,
        "max_rate_ratio": ratio(two["max_sustainable_per_s"], one["max_sustainable_per_s"]),
        "prediction": _prediction(two["at_max"] or one["at_max"]),
    }
    busy = [r["at_max"]["machine_busy_share"] if r["at_max"] else None for r in (one, two)]
    prediction = result["prediction"]
    print(
        f"  scale-out: {one['topology']} {one['max_sustainable_per_s']}/s (machine busy "
        f"{busy[0]}), {two['topology']} {two['max_sustainable_per_s']}/s (machine busy "
        f"{busy[1]}): ratio {result['max_rate_ratio']}; "
        + (
            f"{prediction['reelhouse_cpu_ms_per_round']} ms CPU a round -> "
            f"{prediction['predicted_rounds_per_s']}/s predicted on {PREDICTED_CORES} cores"
            if prediction
            else "no prediction (no good step)"
        ),
        flush=True,
    )
    return result
