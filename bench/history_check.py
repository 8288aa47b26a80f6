"""What the spin path's per-player checks cost with a long past: before and after asking for
open rounds by name, and before and after the partial index of claimed calls.

    .venv/bin/python -m bench.history_check [--repeats N] [--no-postgresql]

Writes one player's 100,000 settled rounds (with their calls) among an operator's 20,000
other players (tests/past_rounds.py), runs ANALYZE, then times each look-up as the spin
service and the worker run it, N times inside one transaction: the median, in milliseconds
(the statements' own cost, without a commit). "before" is the former statement, rebuilt
here, on the schema as it was; "after" is the code in force. PostgreSQL runs when it is
reachable at 127.0.0.1:5432. Prints a table and writes bench/results/history_check.json.
Numbers only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.dispatch.inprocess import deploy
from tests.past_rounds import write_past

from reelhouse.dispatch.worker import CLAIM_BATCH
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import TERMINAL_ROUND_STATES, CallState
from reelhouse.store import outbox
from reelhouse.store.models import Base, GameSession, Round, WalletCall

RESULTS = Path(__file__).parent / "results" / "history_check.json"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REPEATS = 50
CLAIM_LEASE_INDEX = "ix_wallet_calls_claim_lease"  # migration 0010


def _former_round_holding_next(session: Session, player_id: int) -> int | None:
    """`store.outbox.round_holding_next` as it was: its rounds query asked for "not
    terminal", which no index can answer."""
    in_flight = outbox._in_flight_round(session, player_id)
    if in_flight is not None:
        return in_flight
    return session.scalar(
        select(Round.id)
        .where(
            Round.player_id == player_id,
            Round.state.not_in(list(TERMINAL_ROUND_STATES)),
            ~outbox._follow_up_sent_once(),
        )
        .limit(1)
    )


def _former_expired_claims(session: Session, now: Any) -> list[int]:
    """The worker's expired-claim look-up as it was: in id order, no partial index."""
    return list(
        session.scalars(
            select(WalletCall.id)
            .where(
                WalletCall.state == CallState.IN_FLIGHT.value,
                WalletCall.lease_until_utc < to_naive_utc(now),
            )
            .order_by(WalletCall.id)
            .limit(64)
        )
    )


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def measure(database_url: str, workdir: Path, repeats: int) -> dict[str, float]:
    deployment = deploy(database_url, workdir)
    try:
        deployment.open_sessions(1)
        with deployment.db.transaction() as session:
            player_id = session.scalars(select(GameSession.player_id)).one()
        write_past(deployment)
        now = deployment.clock.now()

        def timed(look_up: Callable[[Session], object]) -> float:
            # Inside one transaction, as the spin runs it: the look-up's own cost, not the
            # commit's.
            with deployment.db.transaction() as session:
                look_up(session)  # warm the statement cache
                return _median_ms(lambda: look_up(session), repeats)

        # "before" runs without the partial index of claimed calls, as the schema was.
        claim_lease = next(
            index
            for index in Base.metadata.tables["wallet_calls"].indexes
            if index.name == CLAIM_LEASE_INDEX
        )
        claim_lease.drop(deployment.db.engine)
        before = {
            "unfinished_round_before_ms": timed(lambda s: _former_round_holding_next(s, player_id)),
            "expired_claims_before_ms": timed(lambda s: _former_expired_claims(s, now)),
        }
        claim_lease.create(deployment.db.engine)
        return {
            **before,
            "unfinished_round_after_ms": timed(lambda s: outbox.round_holding_next(s, player_id)),
            "expired_claims_after_ms": timed(
                lambda s: outbox.expired_claim_ids(s, now, CLAIM_BATCH)
            ),
        }
    finally:
        deployment.close()


def _postgresql_url() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3) as conn:
            name = f"rh_bench_{uuid.uuid4().hex[:12]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"


def _drop(url: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(f"sqlite:///{tmp}/reelhouse.db", Path(tmp), args.repeats)
    pg_url = None if args.no_postgresql else _postgresql_url()
    if pg_url is not None:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                results["postgresql"] = measure(pg_url, Path(tmp), args.repeats)
        finally:
            _drop(pg_url)
    for backend, figures in results.items():
        print(backend)
        for name, value in figures.items():
            print(f"  {name:32} {value:9.3f}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
