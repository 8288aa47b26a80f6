"""A long past written fast: one player's 100,000 settled rounds among an operator's other
players, with bulk inserts (Core `insert` of row dicts, never ORM objects one by one) and
then `ANALYZE`, so a planner sees the distribution a production database has. Used by the
query-plan test and by `bench/history_check.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert, select

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import CallState, RoundState
from reelhouse.store.models import CallAttempt, GameSession, Player, Round, WalletCall
from tests.dispatch.inprocess import Deployment

PLAYER_ROUNDS = 100_000  # one player's past, every round settled
OTHER_PLAYERS = 20_000  # the operator's other players, one past session and round each
INSERT_BATCH = 10_000  # rows per bulk insert
PAST_ID_BASE = 10**12  # ids of the written past: far below the ids a spin draws now
PAST_RNG_VERSION = "past"  # marks the written rounds apart from rounds played on top of them


def _past_round(row_id: int, owner: tuple[int, int, int], at: dt.datetime) -> dict[str, Any]:
    operator_id, player_id, session_id = owner
    return {
        "id": row_id,
        "operator_id": operator_id,
        "player_id": player_id,
        "session_id": session_id,
        "game_code": "lucky-sevens",
        "rtp_variant": 96,
        "math_hash": "0" * 64,
        "rng_version": PAST_RNG_VERSION,
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


def write_past(deployment: Deployment) -> None:
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
