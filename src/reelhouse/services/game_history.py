"""The player's history panel in the game client: this player's latest rounds of the session's
game, each with its stored outcome, so the client replays them as they were played.

A round is shown exactly as the round-details page shows it (services/round_details.py): the
same shown win (0 for a round that was not played), and the stored outcome only once the casino
took the bet. The outcome is the one the spin answered, read back from the round, never drawn
again. A relayed round (another provider's) has no outcome of ours and is not listed: the
client plays only Reelhouse's own games."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from reelhouse.domain.clock import format_api_time, from_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import Profile
from reelhouse.domain.limits import CLIENT_HISTORY_ROUNDS_MAX
from reelhouse.domain.money import Currency, format_fixed
from reelhouse.domain.states import RoundState, shown_win_minor
from reelhouse.services import operator_currencies
from reelhouse.services.jurisdiction_rules import celebrate, session_profile
from reelhouse.services.launch import active_session
from reelhouse.services.platform import Platform
from reelhouse.services.round_details import NOT_SHOWN_BECAUSE, page_url
from reelhouse.services.round_provider import check_own_game_session
from reelhouse.store.models import Round


def player_history(platform: Platform, session_token: str, limit: int) -> dict[str, Any]:
    """The latest `limit` rounds (1..CLIENT_HISTORY_ROUNDS_MAX, else 1012) of the session's
    player in the session's game, newest first."""
    if not 1 <= limit <= CLIENT_HISTORY_ROUNDS_MAX:
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, f"limit must be 1 to {CLIENT_HISTORY_ROUNDS_MAX}"
        )
    with platform.db.transaction(read_only=True) as session:
        active = active_session(platform, session, session_token)
        check_own_game_session(active.session)
        # Written in what the player sees (operator_currencies.session_view).
        view = active.view
        unit = operator_currencies.session_unit(active.session)
        rules = session_profile(active.session)
        found = session.scalars(
            select(Round)
            .where(
                Round.player_id == active.player.id,
                Round.game_code == active.session.game_code,
                Round.provider_id.is_(None),
            )
            .order_by(Round.id.desc())
            .limit(limit)
        )
        rounds = [_round_item(platform, round_, view, rules) for round_ in found]
    return {
        "currency": active.currency,
        "display_unit": operator_currencies.unit_json(unit),
        "rounds": rounds,
    }


def _round_item(platform: Platform, round_: Round, cur: Currency, rules: Profile) -> dict[str, Any]:
    state = RoundState(round_.state)
    shown = state not in NOT_SHOWN_BECAUSE
    win_minor = shown_win_minor(state, round_.win_minor)
    return {
        "round_id": round_.id,
        "played_at": format_api_time(from_naive_utc(round_.created_at_utc)),
        "state": state.value,
        "shown": shown,
        "bet": format_fixed(round_.bet_minor, cur),
        "win": format_fixed(win_minor, cur),
        "win_capped": bool(round_.win_capped) and shown,
        "free_round_id": None if round_.free_round_id is None else str(round_.free_round_id),
        "outcome": json.loads(round_.outcome_json) if shown else None,
        # Replayed as it was played: celebrated only where this session's profile lets it.
        "celebrate": celebrate(rules, round_.bet_minor, win_minor),
        # The same round on the public round-details page, for the player to keep.
        "details_url": page_url(platform, round_.id),
    }
