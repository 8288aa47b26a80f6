"""The load run's goals, each one measured figure against its baseline from the same run:
what bench/load.py prints last and writes under `goals` in bench/results/load.json.

- `rounds_per_s_ratio`: maximum sustainable rounds/s, Reelhouse over the floor;
- `p99_at_70pct_of_max`: p99 at 70 % of Reelhouse's maximum, Reelhouse and the floor;
- `added_latency_at_30pct`: what Reelhouse adds to a round beyond the wallet's own time,
  p50/p99 at 30 % of its maximum, beside what the floor adds;
- `many_sessions`: the crowd of sessions against the 150 ms wallet, Reelhouse's played rate
  over the floor's, errors by code;
- `dispatcher_drain`: the worker's drain rate over a raw HTTP client's;
- `scale_out`: two API processes and two dispatchers over one (PostgreSQL only).
"""

from __future__ import annotations

from typing import Any

from bench.load_steps import ms, ratio

GOAL_KEYS = (
    "rounds_per_s_ratio",
    "p99_at_70pct_of_max",
    "added_latency_at_30pct",
    "many_sessions",
    "dispatcher_drain",
    "scale_out",
)


def _at_load(scenario: dict[str, Any], key: str, figure: str) -> dict[str, Any] | None:
    """One scenario's figure at a share of Reelhouse's maximum: Reelhouse's and the floor's."""
    at = scenario.get(key)
    if at is None:
        return None
    return {
        "offered_per_s": at["offered_per_s"],
        "reelhouse": at["reelhouse"][figure],
        "floor": at["floor"][figure],
    }


def goals_of(run: dict[str, Any]) -> dict[str, Any]:
    """Every goal's figures from one database's run (None where a part did not run)."""
    scenarios = run.get("scenarios", [])
    named = [{"shape": s["shape"], "wallet_delay_ms": s["wallet_delay_ms"]} for s in scenarios]
    goals: dict[str, Any] = {
        "rounds_per_s_ratio": [
            {
                **name,
                "floor_max_per_s": s["floor"]["max_sustainable_per_s"],
                "reelhouse_max_per_s": s["reelhouse"]["max_sustainable_per_s"],
                "ratio": s["max_rate_ratio"],
            }
            for name, s in zip(named, scenarios, strict=True)
        ],
        "p99_at_70pct_of_max": [],
        "added_latency_at_30pct": [],
    }
    for name, s in zip(named, scenarios, strict=True):
        if (lat := _at_load(s, "moderate", "latency_ms")) is not None:
            goals["p99_at_70pct_of_max"].append(
                {
                    **name,
                    "offered_per_s": lat["offered_per_s"],
                    "reelhouse_p99_ms": lat["reelhouse"]["p99"],
                    "floor_p99_ms": lat["floor"]["p99"],
                    "ratio": ratio(lat["reelhouse"]["p99"], lat["floor"]["p99"]),
                }
            )
        if (added := _at_load(s, "light", "added_ms")) is not None:
            goals["added_latency_at_30pct"].append(
                {
                    **name,
                    "offered_per_s": added["offered_per_s"],
                    "reelhouse_added_ms": {k: added["reelhouse"][k] for k in ("p50", "p99")},
                    "floor_added_ms": {k: added["floor"][k] for k in ("p50", "p99")},
                }
            )
    crowd = run.get("many_sessions")
    goals["many_sessions"] = crowd and _crowd_goal(crowd)
    if goals["many_sessions"] and (autoplay := run.get("many_sessions_at_autoplay_cadence")):
        goals["many_sessions"]["at_autoplay_cadence"] = _crowd_goal(autoplay)
    drained = run.get("dispatcher_drain")
    goals["dispatcher_drain"] = drained and {
        "calls": drained["calls"],
        "worker_per_s": drained["worker"]["calls_per_s"],
        "raw_httpx_per_s": drained["raw_httpx"]["calls_per_s"],
        "ratio": drained["drain_rate_ratio"],
    }
    goals["scale_out"] = _scale_out_goal(run.get("scale_out"))
    return goals


def _crowd_goal(crowd: dict[str, Any]) -> dict[str, Any]:
    return {
        "sessions": crowd["sessions"],
        "cadence_s": crowd["cadence_s"],
        "offered_per_s": crowd["offered_per_s"],
        "floor_played_per_s": crowd["floor"]["achieved_per_s"],
        "reelhouse_played_per_s": crowd["reelhouse"]["achieved_per_s"],
        "ratio": crowd["achieved_ratio"],
        "errors_by_code": crowd["errors_by_code"],
        "generator_launch_lag_p99_ms": crowd["generator_launch_lag_p99_ms"],
    }


def _scale_out_goal(found: dict[str, Any] | None) -> dict[str, Any] | None:
    if found is None or "skipped" in found:
        return found
    return {
        "single_per_s": found["single"]["max_sustainable_per_s"],
        "scaled_per_s": found["scaled"]["max_sustainable_per_s"],
        "ratio": found["max_rate_ratio"],
        "machine_busy_share_at_max": {
            name: found[name]["at_max"] and found[name]["at_max"]["machine_busy_share"]
            for name in ("single", "scaled")
        },
        "cpu_ms_per_round_at_max": {
            name: found[name]["at_max"] and found[name]["at_max"]["cpu_ms_per_round"]
            for name in ("single", "scaled")
        },
        "prediction": found["prediction"],
    }


def print_goals(database: str, goals: dict[str, Any]) -> None:
    print(f"\n{database}: goals (each against its baseline from this run)")
    for row in goals["rounds_per_s_ratio"]:
        print(
            f"  max rounds/s  {row['shape']:<7}{row['wallet_delay_ms']:>4}ms  "
            f"reelhouse {row['reelhouse_max_per_s']}  floor {row['floor_max_per_s']}  "
            f"ratio {row['ratio']}"
        )
    for row in goals["p99_at_70pct_of_max"]:
        print(
            f"  p99 at 70 %   {row['shape']:<7}{row['wallet_delay_ms']:>4}ms  "
            f"at {row['offered_per_s']:g}/s  reelhouse {ms(row['reelhouse_p99_ms']).strip()} ms  "
            f"floor {ms(row['floor_p99_ms']).strip()} ms  ratio {row['ratio']}"
        )
    for row in goals["added_latency_at_30pct"]:
        rh, fl = row["reelhouse_added_ms"], row["floor_added_ms"]
        print(
            f"  added at 30 % {row['shape']:<7}{row['wallet_delay_ms']:>4}ms  "
            f"at {row['offered_per_s']:g}/s  reelhouse p50/p99 {ms(rh['p50']).strip()}/"
            f"{ms(rh['p99']).strip()} ms  floor {ms(fl['p50']).strip()}/{ms(fl['p99']).strip()} ms"
        )
    if crowd := goals["many_sessions"]:
        for shown in (crowd, crowd.get("at_autoplay_cadence")):
            if shown:
                _print_crowd(shown)
    if drained := goals["dispatcher_drain"]:
        print(
            f"  drain {drained['calls']} wins: worker {drained['worker_per_s']}/s, raw httpx "
            f"{drained['raw_httpx_per_s']}/s, ratio {drained['ratio']}"
        )
    if (scale := goals["scale_out"]) is not None:
        if "skipped" in scale:
            print(f"  scale-out: skipped ({scale['skipped']})")
        else:
            print(
                f"  scale-out: 2+2 processes {scale['scaled_per_s']}/s over 1 "
                f"{scale['single_per_s']}/s, ratio {scale['ratio']}; machine busy at max "
                f"{scale['machine_busy_share_at_max']}; prediction {scale['prediction']}"
            )


def _print_crowd(crowd: dict[str, Any]) -> None:
    print(
        f"  {crowd['sessions']} sessions, a spin every {crowd['cadence_s']:g} s, "
        f"{crowd['offered_per_s']:g}/s offered: reelhouse {crowd['reelhouse_played_per_s']}/s, "
        f"floor {crowd['floor_played_per_s']}/s, ratio {crowd['ratio']}; errors "
        f"{crowd['errors_by_code']}; generator lag p99 {crowd['generator_launch_lag_p99_ms']} ms"
    )
