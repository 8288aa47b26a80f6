"""Replay of a stored round: re-evaluate it from its recorded draws and math version and
confirm the same outcome (for regulators, disputes and the round-details page)."""

from __future__ import annotations

import json

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.games.replay import ReplayResult, replay
from reelhouse.services.platform import Platform
from reelhouse.store.models import Round


def replay_round(platform: Platform, round_id: int) -> ReplayResult:
    """The stored round re-evaluated. A changed game file changes the math hash, and the
    result says so instead of silently disagreeing."""
    with platform.db.transaction() as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise ReelhouseError(ApiCode.ROUND_NOT_FOUND, f"no round {round_id}")
        return replay(
            round_.game_code,
            round_.rtp_variant,
            round_.math_hash,
            round_.bet_minor,
            json.loads(round_.draws_json),
            json.loads(round_.outcome_json),
        )
