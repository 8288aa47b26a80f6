"""The many-sessions shape: a crowd of open sessions, each spinning at a player's cadence
(`sessions` players, one spin every `cadence_s` each, so `sessions / cadence_s` rounds/s
offered), against a wallet that answers every callback after 150 ms. Reelhouse and the floor
get the same timetable in the same run, one step each; the answer is the share of the
offered rounds each played, Reelhouse's as a ratio of the floor's, and errors by code.

The generator is one asyncio loop that keeps a task per waiting spin, never a thread, and
its own lag (how late it launched arrivals) is in every row: a generator that cannot drive
the crowd shows there, not as a slower server. Where this machine's floor cannot carry
2,000 sessions every 4 s (500 rounds/s), the cadence is lengthened to offer 70 % of the
floor's maximum with the 150 ms wallet from the same run (`cadence_for`), and said so.
"""

from __future__ import annotations

from typing import Any

from bench.load_shapes import OPERATORS, weights
from bench.load_stack import Stack
from bench.load_steps import StepPlan, measure, ratio

SESSIONS = 2_000
CADENCE_S = 4.0  # one spin every 4 s: a player on autoplay
WALLET_DELAY_MS = 150
# When the floor cannot carry `sessions / CADENCE_S` on this machine, the crowd spins more
# slowly, offering this share of the floor's maximum: a step every server fails measures
# the wallet and the cores, not Reelhouse against the floor.
FLOOR_SHARE = 0.7
# However slow the floor measured (one noisy step on a loaded machine can say 7/s), no
# slower than this: the step lasts one cadence, and most sessions must spin in it.
MAX_CADENCE_S = 30.0


def players_per_operator(sessions: int) -> int:
    assert sessions % OPERATORS == 0, "sessions are dealt evenly to the operators"
    return sessions // OPERATORS


def cadence_for(sessions: int, floor_max_per_s: float | None) -> float:
    """Seconds between one session's spins: `CADENCE_S`, or longer (at most
    `MAX_CADENCE_S`) if the floor's maximum with the 150 ms wallet (measured in the same
    run) is below what that offers."""
    if not floor_max_per_s:
        return CADENCE_S
    fitted = round(sessions / (FLOOR_SHARE * floor_max_per_s), 1)
    return min(MAX_CADENCE_S, max(CADENCE_S, fitted))


def many_sessions(
    stack: Stack, cadence_s: float, duration_s: float, p99_budget_ms: float
) -> dict[str, Any]:
    """One step of every session of `stack` spinning every `cadence_s`, on the floor, then on
    Reelhouse."""
    sessions = len(stack.reelhouse.tokens)
    stack.set_wallet_delay(WALLET_DELAY_MS)
    plan = StepPlan(
        "sessions",
        weights("even", players_per_operator(sessions)),
        WALLET_DELAY_MS,
        duration_s,
        p99_budget_ms,
    )
    rate = sessions / cadence_s
    floor = measure(stack, stack.floor, plan, rate)
    reelhouse = measure(stack, stack.reelhouse, plan, rate)
    return {
        "sessions": sessions,
        "cadence_s": cadence_s,
        "cadence_lengthened": cadence_s > CADENCE_S,
        "wallet_delay_ms": WALLET_DELAY_MS,
        "offered_per_s": rate,
        "floor": floor,
        "reelhouse": reelhouse,
        "achieved_ratio": ratio(reelhouse["achieved_per_s"], floor["achieved_per_s"]),
        "errors_by_code": {"floor": floor["errors"], "reelhouse": reelhouse["errors"]},
        "generator_launch_lag_p99_ms": max(
            floor["generator_launch_lag_p99_ms"] or 0.0,
            reelhouse["generator_launch_lag_p99_ms"] or 0.0,
        ),
    }
