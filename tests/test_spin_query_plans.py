"""No statement a spin (or the worker's claim pass) runs reads a player's or an operator's
history: with 100,000 settled rounds of one player in the database, every statement those
paths execute is explained, and none may walk a table that grows with play.

What counts as walking history, per database:
- SQLite (`EXPLAIN QUERY PLAN`): a `SCAN` of a history table, with or without an index (a
  full index scan reads as many entries as there are rows), unless the index is partial; or
  a `SEARCH` through a full index constrained only by the player or operator column (every
  entry of that player's or operator's past is then read and filtered one by one).
- PostgreSQL (`EXPLAIN (FORMAT JSON)`): a `Seq Scan` of a history table or of players; or an
  index scan of a full index whose condition constrains only the player or operator column.

The past is written with bulk inserts and `ANALYZE` gives the planner its real distribution,
as a production database has. Nothing here is timed: what the check costs before and after is
measured separately (docs/performance.md, "The spin path reads no history")."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, select

from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import CallState, RoundState
from reelhouse.services import rounds
from reelhouse.store import outbox
from reelhouse.store.models import CallAttempt, GameSession, Player, Round, WalletCall
from tests.dispatch.inprocess import Deployment, deploy

PLAYER_ROUNDS = 100_000  # one player's past, every round settled
OTHER_PLAYERS = 20_000  # the operator's other players, one past session and round each
INSERT_BATCH = 10_000  # rows per bulk insert
PAST_ID_BASE = 10**12  # ids of the written past: far below the ids a spin draws now

# Tables that grow with play: a plan may look rows of them up, never walk them.
HISTORY_TABLES = frozenset(
    {"rounds", "wallet_calls", "call_attempts", "game_sessions", "players"}
)
# Columns that say whose past a row belongs to: a lookup in a full index constrained by these
# alone reads that player's or operator's whole past.
OWNER_COLUMNS = frozenset({"player_id", "operator_id"})
# Transaction control and connection set-up: nothing to plan.
_NOT_PLANNED = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", re.I)


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def _past_round(
    row_id: int, owner: tuple[int, int, int], at: dt.datetime
) -> dict[str, Any]:
    operator_id, player_id, session_id = owner
    return {
        "id": row_id,
        "operator_id": operator_id,
        "player_id": player_id,
        "session_id": session_id,
        "game_code": "lucky-sevens",
        "rtp_variant": 96,
        "math_hash": "0" * 64,
        "rng_version": "past",
        "bet_minor": 100,
        "win_minor": 50,
        "draws_json": "[]",
        "outcome_json": "{}",
        "state": RoundState.SETTLED.value,
        "demo": False,
        "win_capped": False,
        "created_at_utc": at,
        "updated_at_utc": at,
    }


def _past_call(round_row: dict[str, Any], kind: str, row_id: int) -> dict[str, Any]:
    at = round_row["created_at_utc"]
    return {
        "id": row_id,
        "operator_id": round_row["operator_id"],
        "player_id": round_row["player_id"],
        "round_id": round_row["id"],
        "kind": kind,
        "dialect": "slotcity-v4",
        "trans_type": 1 if kind == "bet" else 2,
        "amount_minor": round_row["bet_minor"] if kind == "bet" else round_row["win_minor"],
        "state": CallState.ACKED.value,
        "attempts": 1,
        "next_attempt_at_utc": at,
        "last_outcome": "applied",
        "last_detail": "",
        "created_at_utc": at,
        "updated_at_utc": at,
        "acked_at_utc": at,
    }


def _insert_rounds(conn: Connection, batch: list[dict[str, Any]]) -> None:
    """The rounds, each with its acknowledged bet and win, and the win's one attempt."""
    conn.execute(insert(Round), batch)
    bets = [_past_call(r, "bet", r["id"] + 1) for r in batch]
    wins = [_past_call(r, "win", r["id"] + 2) for r in batch]
    conn.execute(insert(WalletCall), bets + wins)
    attempts = [
        {
            "call_id": w["id"],
            "started_at_utc": w["created_at_utc"],
            "duration_ms": 5,
            "outcome": "applied",
            "detail": "",
        }
        for w in wins
    ]
    conn.execute(insert(CallAttempt), attempts)


def _write_past(deployment: Deployment) -> None:
    """The live player's 100,000 settled rounds; 20,000 other players of the same operator
    with a past session and round each; then ANALYZE."""
    with deployment.db.transaction() as session:
        live = session.scalars(select(GameSession)).one()
        operator_id, player_id, live_session_id = live.operator_id, live.player_id, live.id
    start = to_naive_utc(deployment.clock.now()) - dt.timedelta(days=400)
    rows: list[dict[str, Any]] = []
    with deployment.db.engine.begin() as conn:
        others = [PAST_ID_BASE + 10 * n for n in range(OTHER_PLAYERS)]
        conn.execute(
            insert(Player),
            [
                {"id": p, "operator_id": operator_id, "name": f"past_{p}", "created_at_utc": start}
                for p in others
            ],
        )
        conn.execute(
            insert(GameSession),
            [
                {
                    "id": p + 1,
                    "token_hash": f"{p:064d}",
                    "operator_id": operator_id,
                    "player_id": p,
                    "game_code": "lucky-sevens",
                    "rtp_variant": 96,
                    "lang": "en",
                    "return_url": "",
                    "started_at_utc": start,
                    "last_activity_at_utc": start,
                    "spend_minor": 100,
                    "win_minor": 50,
                    "last_round_bet_minor": 100,
                }
                for p in others
            ],
        )
        owners = [(operator_id, p, p + 1) for p in others]
        owners += [(operator_id, player_id, live_session_id)] * PLAYER_ROUNDS
        for n, owner in enumerate(owners):
            at = start + dt.timedelta(seconds=n)
            rows.append(_past_round(2 * PAST_ID_BASE + 4 * n, owner, at))
            if len(rows) == INSERT_BATCH:
                _insert_rounds(conn, rows)
                rows = []
        if rows:
            _insert_rounds(conn, rows)
    with deployment.db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _captured(engine: Engine, work: Callable[[], object]) -> list[Statement]:
    """Every statement `work` has the database run."""
    seen: list[Statement] = []

    def note(
        _conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        if not _NOT_PLANNED.match(sql):
            seen.append(Statement(sql, parameters[0] if many and parameters else parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def _columns(condition: str) -> set[str]:
    """The columns a plan's condition compares: `player_id=? AND state=?` (SQLite), or
    `((player_id = '5'::bigint) AND ((state)::text = ANY (...)))` (PostgreSQL)."""
    return set(re.findall(r"(\w+)\)?(?:::[\w ]+?)?\s*(?:=|<|>|IN\b)", condition))


def _sqlite_history_reads(conn: Connection, statement: Statement) -> list[str]:
    partial = {
        row[1]
        for table in HISTORY_TABLES
        for row in conn.exec_driver_sql(f"PRAGMA index_list({table})")
        if row[4]
    }
    plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters)
    bad = []
    for detail in (row[3] for row in plan):
        step = re.match(r"(SCAN|SEARCH) (\w+)(?: AS \w+)?(.*)$", detail)
        if step is None or step.group(2) not in HISTORY_TABLES:
            continue
        how, rest = step.group(1), step.group(3)
        index = re.search(r"USING (?:COVERING )?INDEX (\w+)", rest)
        if index is not None and index.group(1) in partial:
            continue  # holds only the rows still open: bounded, whatever the past
        if how == "SCAN":
            bad.append(detail)
            continue
        condition = re.search(r"\((.*)\)\s*$", rest)
        if condition is not None and _columns(condition.group(1)) <= OWNER_COLUMNS:
            bad.append(detail)
    return bad


def _pg_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def _pg_history_reads(conn: Connection, statement: Statement) -> list[str]:
    indexes = {
        name: (table, " WHERE " in definition)
        for name, table, definition in conn.exec_driver_sql(
            "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
    }
    raw = conn.exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + statement.sql, statement.parameters
    ).scalar_one()
    document = json.loads(raw) if isinstance(raw, str) else raw
    bad = []
    for node in _pg_nodes(document[0]["Plan"]):
        kind = node["Node Type"]
        if kind == "Seq Scan" and node.get("Relation Name") in HISTORY_TABLES:
            bad.append(f"Seq Scan on {node['Relation Name']}")
        if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
            table, partial = indexes[node["Index Name"]]
            condition = node.get("Index Cond", "")
            if table in HISTORY_TABLES and not partial and _columns(condition) <= OWNER_COLUMNS:
                bad.append(f"{kind} using {node['Index Name']} on ({condition})")
    return bad


def _history_reads(engine: Engine, statements: list[Statement]) -> dict[str, list[str]]:
    """Each statement whose plan walks history, with the plan steps that do."""
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        explain = _sqlite_history_reads if engine.dialect.name == "sqlite" else _pg_history_reads
        for statement in statements:
            bad = explain(conn, statement)
            if bad:
                found[statement.sql] = bad
        conn.rollback()
    return found


def test_no_statement_of_a_spin_or_a_claim_walks_history(deployment: Deployment) -> None:
    (token,) = deployment.open_sessions(1, balance="1000.00")
    with deployment.db.transaction() as session:
        player_id = session.scalars(select(GameSession.player_id)).one()
    _write_past(deployment)
    platform = deployment.platform()
    engine = deployment.db.engine

    statements = _captured(engine, lambda: rounds.spin(platform, token, "1.00"))
    # A spin whose win fails: the round waits for the worker, and the next spin opens past it
    # (the check finds the unsettled round and looks at its sent win).
    deployment.transport.down_for.add("win")
    statements += _captured(engine, lambda: rounds.spin(platform, token, "1.00"))
    deployment.transport.down_for.clear()
    statements += _captured(engine, lambda: rounds.spin(platform, token, "1.00"))

    def claim_unsent() -> None:
        with deployment.db.transaction() as session:
            outbox.claim_unsent_follow_up(session, player_id, deployment.clock.now())

    statements += _captured(engine, claim_unsent)
    # The worker's pass: takes back expired claims, claims the failed win when it is due.
    deployment.clock.advance(hours=2)
    worker = Worker(deployment.db, platform.wallet, deployment.clock, threads=1)
    try:
        claimed: list[int] = []
        statements += _captured(engine, lambda: claimed.append(worker.run_once()))
    finally:
        worker.close()
    assert claimed == [1], "the worker's pass had the failed win to claim"
    with deployment.db.transaction() as session:
        played = session.scalars(
            select(Round.id).where(Round.player_id == player_id, Round.rng_version != "past")
        ).all()
    assert len(played) == 3, "three spins were played on top of the past"
    assert any("FROM rounds" in s.sql for s in statements), "the capture saw the spin's reads"

    walks = _history_reads(engine, statements)
    assert not walks, "statements that walk history:\n" + "\n\n".join(
        f"{sql}\n  -> {'; '.join(steps)}" for sql, steps in walks.items()
    )
