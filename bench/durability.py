"""Durability cost: SQLite with `synchronous=FULL` (every acknowledged commit survives a power
loss) against `synchronous=NORMAL` (the old setting, which can lose the last commits).

    .venv/bin/python -m bench.durability [--quick] [--dir PATH]

Both settings are measured in this process, on the same disk, alternately (NORMAL, FULL,
NORMAL, FULL, ...) so drift in the machine's load hits both alike; NORMAL is the baseline
measured in the same run. Two measures, each the median of its repeats:

- commits per second: one small append-only row per transaction (the audit log), the
  smallest unit of work Reelhouse commits;
- rounds per second: paid rounds through the spin service in process (bet, then win, on an
  in-process iGamingAce A wallet that accepts everything), each 3 commits and a few reads.

The database files go under `--dir` (default `var/bench`, on the repository's disk: a tmpfs
would make every sync free and hide the cost). Prints a table and writes
bench/results/durability.json. Numbers only: nothing here asserts on time.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from reelhouse.dialects import igamingace_a
from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.clock import SystemClock, to_naive_utc
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.services import launch, operators, players, rounds
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store import db as db_module
from reelhouse.store.db import Database
from reelhouse.store.models import AuditEntry
from reelhouse.store.secrets import Sealer, new_key_text

RESULTS = Path(__file__).parent / "results" / "durability.json"
MODES = ("NORMAL", "FULL")  # the baseline first
GAME = "lucky-sevens"
BET = "1.00"
WALLET_BALANCE = Decimal("1000000.00")


class _AcceptingWallet:
    """An iGamingAce A wallet in process: every call is OK with a fixed balance, so the
    benchmark times Reelhouse and its database, not a network."""

    def send(self, _request: HttpRequest) -> HttpAnswer:
        return HttpAnswer(200, igamingace_a.encode_answer(igamingace_a.Status.OK, WALLET_BALANCE))


def _database(path: Path, mode: str) -> Database:
    """A fresh migrated database whose connections use `synchronous=<mode>`."""
    if path.exists():
        path.unlink()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    saved = db_module.SQLITE_SYNCHRONOUS
    db_module.SQLITE_SYNCHRONOUS = mode  # read by the connect hook, once per new connection
    try:
        database = Database(f"sqlite:///{path}")
        with database.engine.connect() as conn:
            level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    finally:
        db_module.SQLITE_SYNCHRONOUS = saved
    assert level == {"NORMAL": 1, "FULL": 2}[mode], f"pragma not applied: {level}"
    return database


def _commits_per_second(path: Path, mode: str, commits: int) -> float:
    database = _database(path, mode)
    try:
        now = to_naive_utc(dt.datetime.now(dt.UTC))
        started = time.perf_counter()
        for number in range(commits):
            with database.transaction() as session:
                session.add(
                    AuditEntry(
                        at_utc=now,
                        actor="bench",
                        action="bench.commit",
                        target_type="bench",
                        target_id=number,
                        reason="durability benchmark",
                        before_state="",
                        after_state="",
                    )
                )
        return commits / (time.perf_counter() - started)
    finally:
        database.dispose()


def _rounds_per_second(path: Path, mode: str, spins: int) -> float:
    database = _database(path, mode)
    clock = SystemClock()
    settings = Settings(f"sqlite:///{path}", new_key_text(), "http://rh.invalid", True)
    sender = WalletSender(database, Sealer(settings.secret_key), clock, _AcceptingWallet())
    platform_ = Platform(database, settings, sender, clock)
    try:
        issued = operators.create_operator(
            platform_,
            operators.NewOperator(
                name="bench",
                currency="USD",
                callback_url="http://wallet.invalid/callback",
                dialect="igamingace-a",
                approved=True,
            ),
        )
        ref = players.create_or_get(
            platform_, issued.operator_id, "bench", players.IGAMINGACE_A_NAMES
        )
        with database.transaction() as session:
            operator = operators.find_by_name(session, "bench")
        request = launch.LaunchRequest(ref.user_code, 1, GAME, "en", "", Decimal(0))
        url = launch.create_launch_url(platform_, operator, request)
        token = launch.open_launch(platform_, url.rsplit("/", 1)[1])
        rounds.spin(platform_, token, BET)  # warm up: first-use costs outside the timing
        started = time.perf_counter()
        for _ in range(spins):
            rounds.spin(platform_, token, BET)
        return spins / (time.perf_counter() - started)
    finally:
        database.dispose()


def _alternating(
    measure: Callable[[Path, str, int], float], where: Path, count: int, repeats: int
) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(repeats):
        for mode in MODES:
            rates[mode].append(measure(where / f"{mode.lower()}.db", mode, count))
    return rates


def _row(measure: str, unit: str, rates: dict[str, list[float]], count: int) -> dict[str, Any]:
    normal = statistics.median(rates["NORMAL"])
    full = statistics.median(rates["FULL"])
    return {
        "measure": measure,
        "unit": unit,
        "per_repeat": count,
        "normal_per_second": round(normal, 1),
        "full_per_second": round(full, 1),
        "full_over_normal": round(full / normal, 3),
        "cost_percent": round(100 * (1 - full / normal), 1),
        "normal_runs": [round(r, 1) for r in rates["NORMAL"]],
        "full_runs": [round(r, 1) for r in rates["FULL"]],
    }


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    where = Path(argv[argv.index("--dir") + 1]) if "--dir" in argv else Path("var/bench")
    where.mkdir(parents=True, exist_ok=True)
    repeats = 3 if quick else 5
    commits = 300 if quick else 2000
    spins = 60 if quick else 400
    rows = [
        _row(
            "commits",
            "commits",
            _alternating(_commits_per_second, where, commits, repeats),
            commits,
        ),
        _row(
            "rounds", "paid rounds", _alternating(_rounds_per_second, where, spins, repeats), spins
        ),
    ]
    print(f"{'measure':10} {'NORMAL/s':>10} {'FULL/s':>10} {'FULL/NORMAL':>12} {'cost':>7}")
    for row in rows:
        print(
            f"{row['measure']:10} {row['normal_per_second']:>10,.1f}"
            f" {row['full_per_second']:>10,.1f} {row['full_over_normal']:>12.3f}"
            f" {row['cost_percent']:>6.1f}%"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "durability",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "quick": quick,
        "repeats": repeats,
        "directory": str(where.resolve()),
        "baseline": "NORMAL",
        "results": rows,
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
