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
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, event, inspect, select, update

from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import format_api_time
from reelhouse.domain.states import TERMINAL_ROUND_STATES, CallState
from reelhouse.services import rounds, statistics
from reelhouse.services.platform import Platform
from reelhouse.store import outbox
from reelhouse.store.db import Database
from reelhouse.store.models import Base, CallAttempt, GameSession, Round, WalletCall
from tests.dispatch.inprocess import Deployment, deploy
from tests.past_rounds import PAST_RNG_VERSION, write_past

# Tables that grow with play: a plan may look rows of them up, never walk them.
HISTORY_TABLES = frozenset({"rounds", "wallet_calls", "call_attempts", "game_sessions", "players"})
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


def _statistics_statements(
    deployment: Deployment, platform: Platform, sender: WalletSender, operator_id: int
) -> list[Statement]:
    """The statistics, per currency (services/statistics.py), over the hour around now: they
    read the window's transactions through ix_wallet_calls_operator_acked and each one's
    round and player by primary key (joining the player for its currency too)."""
    sender.write_pending_acks()
    now = deployment.clock.now()
    half_hour = dt.timedelta(minutes=30)
    start, end = format_api_time(now - half_hour), format_api_time(now + half_hour)
    day = now.date().isoformat()
    answers: list[dict[str, Any]] = []

    def report() -> None:
        answers.append(statistics.user_page(platform, operator_id, start, end, 0, 100))
        answers.append(statistics.day_rows(platform, operator_id, day, day))
        answers.append(statistics.game_rows(platform, operator_id, day, day))

    statements = _captured(deployment.db.engine, report)
    assert [len(answer["list"]) for answer in answers] == [1, 1, 1]
    assert answers[1]["list"][0]["rounds"] >= 1, "the window held the rounds just played"
    assert any("players" in s.sql for s in statements), "the capture saw the players joined"
    return statements


def test_no_statement_of_a_spin_a_claim_or_the_statistics_walks_history(
    deployment: Deployment,
) -> None:
    """The spin, the worker's claim pass, and the statistics on the same past (one past
    written for all three: writing it is most of the test's time)."""
    (token,) = deployment.open_sessions(1, balance="1000.00")
    with deployment.db.transaction() as session:
        player_id, operator_id = session.execute(
            select(GameSession.player_id, GameSession.operator_id)
        ).one()
    write_past(deployment)
    sender = deployment.sender()
    platform = deployment.platform(sender)
    engine = deployment.db.engine

    def spin() -> None:
        rounds.spin(platform, token, "1.00")

    statements = _captured(engine, spin)
    # A spin whose win fails: it waits for the worker, sent once.
    deployment.transport.down_for.add("win")
    statements += _captured(engine, spin)
    # As if that one attempt had raised before the request left: the win now counts as never
    # sent, so the next spin is held by it, claims it and sends it first
    # (`claim_unsent_follow_up`), then opens its own round; the wallet still fails wins.
    with deployment.db.transaction() as session:
        (unsent,) = session.scalars(
            select(WalletCall).where(WalletCall.state == CallState.QUEUED.value)
        ).all()
        session.execute(
            update(CallAttempt)
            .where(CallAttempt.call_id == unsent.id)
            .values(detail=outbox.DELIVERY_RAISED)
        )
    statements += _captured(engine, spin)
    with deployment.db.transaction() as session:
        details = session.scalars(
            select(CallAttempt.detail).where(CallAttempt.call_id == unsent.id)
        ).all()
    assert len(details) == 2, "the held spin sent the never-sent win itself"
    deployment.transport.down_for.clear()
    # The worker's pass: takes back expired claims and claims a failed win once it is due.
    deployment.clock.advance(hours=2)
    worker = Worker(deployment.db, sender, deployment.clock, threads=1)
    try:
        claimed: list[int] = []
        statements += _captured(engine, lambda: claimed.append(worker.run_once()))
    finally:
        worker.close()
    assert claimed == [1], "the worker's pass had a failed win to claim (one per player)"
    with deployment.db.transaction() as session:
        played = session.scalars(
            select(Round.id).where(
                Round.player_id == player_id, Round.rng_version != PAST_RNG_VERSION
            )
        ).all()
    assert len(played) == 3, "three spins were played on top of the past"
    assert any("FROM rounds" in s.sql for s in statements), "the capture saw the spin's reads"
    statements += _statistics_statements(deployment, platform, sender, operator_id)

    # The check sees a walk where there is one: the unfinished-round look-up as it was.
    former = select(Round.id).where(
        Round.player_id == player_id, Round.state.not_in(sorted(TERMINAL_ROUND_STATES))
    )
    former_sql = str(former.compile(engine, compile_kwargs={"literal_binds": True}))
    assert _history_reads(engine, [Statement(former_sql, ())]), "a walk went unseen"

    walks = _history_reads(engine, statements)
    assert not walks, "statements that walk history:\n" + "\n\n".join(
        f"{sql}\n  -> {'; '.join(steps)}" for sql, steps in walks.items()
    )


def test_the_migrations_build_the_indexes_the_models_declare(database_url: str) -> None:
    """The partial index the claim look-up relies on exists after migrating, predicate and
    all, and the migrated schema is the one the models declare (nothing for autogenerate)."""
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("wallet_calls")}
        claim_lease = indexes["ix_wallet_calls_claim_lease"]
        assert claim_lease["column_names"] == ["lease_until_utc"]
        with db.engine.connect() as conn:
            if db.is_sqlite:
                definition = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'ix_wallet_calls_claim_lease'"
                ).scalar_one()
            else:
                definition = conn.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes"
                    " WHERE indexname = 'ix_wallet_calls_claim_lease'"
                ).scalar_one()
        assert re.search(r"WHERE \(*\(?state\)?(::text)? = 'in_flight'", definition), definition
    finally:
        db.dispose()
