"""A full outbox written fast: `count` rounds whose bet the wallet acknowledged and whose win
is queued, due now, one per player (the worker sends one call per player at a time, so
one round each lets every sender thread work), written with bulk inserts like the query-plan
test's past (tests/past_rounds.py, whose row builders this reuses)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from tests.past_rounds import _past_call, _past_round

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import CallState, RoundState
from reelhouse.store.db import Database
from reelhouse.store.models import GameSession, Player, Round, WalletCall

# Far from anything else in the database; a player's round and its bet and win are spaced
# so their ids never meet.
ID_BASE = 10**12
ID_STRIDE = 10
INSERT_BATCH = 2_000


def account_of(index: int) -> str:
    return f"dr{index:06d}"


def _rows(index: int, operator_id: int, at: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    player_id = ID_BASE + ID_STRIDE * index
    session_id, round_id = player_id + 1, player_id + 2
    round_row = _past_round(round_id, (operator_id, player_id, session_id), at)
    round_row["state"] = RoundState.DEBITED.value
    bet = _past_call(round_row, "bet", round_id + 1)
    win = _past_call(round_row, "win", round_id + 2)
    win.update(
        state=CallState.QUEUED.value,
        attempts=0,
        last_outcome="",
        acked_at_utc=None,
    )
    return {
        "players": [
            {
                "id": player_id,
                "operator_id": operator_id,
                "name": account_of(index),
                "created_at_utc": at,
            }
        ],
        "sessions": [
            {
                "id": session_id,
                "token_hash": f"{session_id:064d}",
                "operator_id": operator_id,
                "player_id": player_id,
                "game_code": round_row["game_code"],
                "rtp_variant": round_row["rtp_variant"],
                "lang": "en",
                "return_url": "",
                "started_at_utc": at,
                "last_activity_at_utc": at,
            }
        ],
        "rounds": [round_row],
        "calls": [bet, win],
    }


def write_queued_wins(
    db: Database, operator_ids: list[int], count: int, now: dt.datetime
) -> list[int]:
    """`count` queued wins, due at `now`, dealt to the operators in turn; their call ids."""
    at = to_naive_utc(now) - dt.timedelta(seconds=1)
    wins: list[int] = []
    tables = (
        ("players", Player),
        ("sessions", GameSession),
        ("rounds", Round),
        ("calls", WalletCall),
    )
    with db.engine.begin() as conn:
        for start in range(0, count, INSERT_BATCH):
            batch: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in tables}
            for index in range(start, min(start + INSERT_BATCH, count)):
                rows = _rows(index, operator_ids[index % len(operator_ids)], at)
                for name, _ in tables:
                    batch[name] += rows[name]
                wins.append(rows["calls"][1]["id"])
            for name, model in tables:
                conn.execute(insert(model), batch[name])
    return wins
