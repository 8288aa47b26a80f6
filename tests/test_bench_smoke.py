"""The load benchmark's quick mode runs every part end to end and writes every goal's
figures (numbers only: nothing here looks at how fast anything was)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.load import main
from bench.load_goals import GOAL_KEYS

from tests.conftest import PG_ADMIN_DSN, _require_pg


def _run(tmp_path: Path, *extra: str) -> dict[str, object]:
    results = tmp_path / "load.json"
    assert main(["--quick", "--dir", str(tmp_path), "--results", str(results), *extra]) == 0
    document: dict[str, object] = json.loads(results.read_text(encoding="utf-8"))
    return document


def test_quick_mode_writes_every_goal_on_sqlite(tmp_path: Path) -> None:
    document = _run(tmp_path)
    goals = document["goals"]
    assert isinstance(goals, dict)
    sqlite = goals["sqlite"]
    assert set(sqlite) == set(GOAL_KEYS)
    for key in ("rounds_per_s_ratio", "p99_at_70pct_of_max", "added_latency_at_30pct"):
        assert sqlite[key], key
        assert all(row["ratio" if "ratio" in row else "reelhouse_added_ms"] for row in sqlite[key])
    crowd = sqlite["many_sessions"]
    assert crowd["sessions"] == 40 and "reelhouse" in crowd["errors_by_code"]
    drained = sqlite["dispatcher_drain"]
    # Every queued win was sent and acknowledged, by the worker and by the raw client alike.
    run = document["runs"][0]  # type: ignore[index]
    assert run["dispatcher_drain"]["worker"]["calls_by_state"] == {"acked": drained["calls"]}
    assert run["dispatcher_drain"]["raw_httpx"]["done"] == drained["calls"]
    assert drained["ratio"] is not None
    assert "skipped" in sqlite["scale_out"]


def test_quick_scale_out_on_postgresql(tmp_path: Path) -> None:
    _require_pg()
    document = _run(
        tmp_path,
        *("--database", PG_ADMIN_DSN, "--parts", "scale_out"),
        *("--start-rate", "2", "--max-rate", "2", "--players-per-operator", "2"),
    )
    goals = document["goals"]
    assert isinstance(goals, dict)
    scale = goals["postgresql"]["scale_out"]
    assert set(scale) >= {"single_per_s", "scaled_per_s", "ratio", "machine_busy_share_at_max"}
    run = document["runs"][0]  # type: ignore[index]
    # Both layouts played rounds, and the CPU of their processes was read by role.
    for layout in ("single", "scaled"):
        steps = run["scale_out"][layout]["steps"]
        assert any(step["played"] for step in steps)
        assert all(set(step["cpu_s"]) == {"api", "worker"} for step in steps)
