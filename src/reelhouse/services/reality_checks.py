"""The reality check as the game client sees and answers it (game API: GET and POST
/api/game/reality-check; docs/game-client.md), and the session's limits as the state shows
them. The rules themselves are services/session_rules.py.

Both read and answer under the player's lock, as a spin does: an answer and a spin of the
same player are one after the other, never interleaved."""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import Any

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import Profile
from reelhouse.domain.money import Currency, currency, format_fixed
from reelhouse.services import jurisdiction_rules, rg_audit, round_details, session_rules
from reelhouse.services.launch import active_session
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import check_own_game_session
from reelhouse.store.models import GameSession


class Answer(StrEnum):
    # Play on: after the profile's compulsory break, if it sets one (spins refused, 3024);
    # the next check is one interval after that.
    CONTINUE = "continue"
    STOP = "stop"  # end the session now: its token is refused from then on (3001)


def limits_view(
    game_session: GameSession, rules: Profile, cur: Currency, view: Currency, now: dt.datetime
) -> dict[str, Any]:
    """What the state answer says of the session's reality check and limits (no statement):
    counted in `cur`, the session's currency, and written in `view`, what the player sees
    (operator_currencies.session_view)."""
    due_in = _due_in_seconds(game_session, rules, now)
    time_left = None
    if game_session.time_limit_minutes is not None:
        limit_s = game_session.time_limit_minutes * session_rules.SECONDS_PER_MINUTE
        time_left = max(limit_s - session_rules.elapsed_seconds(game_session, now), 0)
    loss_left = session_rules.loss_left_minor(game_session, cur.unit)
    loss_limit = game_session.loss_limit_minor
    return {
        "reality_check_due_in_seconds": due_in,
        "reality_check_pending": due_in == 0,
        "time_limit_minutes": game_session.time_limit_minutes,
        "time_left_seconds": time_left,
        "loss_limit": None if loss_limit is None else format_fixed(loss_limit, view),
        "loss_left": None if loss_left is None else format_fixed(loss_left, view),
        "limit_reached": game_session.limit_reached,
        "break_ends_in_seconds": _break_ends_in_seconds(game_session, rules, now),
    }


def _break_ends_in_seconds(
    game_session: GameSession, rules: Profile, now: dt.datetime
) -> int | None:
    """Seconds until the compulsory break ends; None where none is running (at its end
    exactly spins are allowed again: `session_rules.break_running`)."""
    ends = session_rules.break_ends(game_session, rules)
    if ends is None or now >= ends:
        return None
    # Rounded up: never 0 while spins are still refused for it.
    return math.ceil((ends - now).total_seconds())


def _due_in_seconds(game_session: GameSession, rules: Profile, now: dt.datetime) -> int | None:
    """Seconds until the next check (0: pending); None where the profile sets none."""
    due = session_rules.reality_check_due(game_session, rules)
    # Rounded up: 0 exactly when the check is pending (`reality_check_pending`).
    return None if due is None else max(math.ceil((due - now).total_seconds()), 0)


def _check_view(
    platform: Platform,
    facts: rg_audit.SessionFacts,
    due_in_seconds: int | None,
    break_ends_in_seconds: int | None,
    rules: Profile,
    view: Currency,
    *,
    ended: bool = False,
) -> dict[str, Any]:
    """The check's figures, its net position written in the session's view."""
    history = None
    if facts.last_round_id is not None:
        history = round_details.page_url(platform, facts.last_round_id)
    return {
        "pending": due_in_seconds == 0,
        "due_in_seconds": due_in_seconds,
        "interval_minutes": rules.reality_check_minutes,
        "elapsed_seconds": facts.elapsed_seconds,
        "net_position": format_fixed(facts.net_minor, view),
        "rounds_played": facts.rounds_played,
        # The round history Reelhouse keeps for a player: the page of the session's last
        # played round (services/round_details.py).
        "history_url": history,
        "ended": ended,  # the answer was stop: the session is over
        # The compulsory break after a "continue" (the profile's; None: none) and the
        # seconds until the running one ends (None: none is running).
        "break_minutes": rules.break_after_reality_check_minutes,
        "break_ends_in_seconds": break_ends_in_seconds,
    }


def check(platform: Platform, session_token: str) -> dict[str, Any]:
    """The session's reality check: whether one is pending, and the figures it shows. The
    first read of a pending check marks it shown (audited, with its event)."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        active = active_session(platform, session, session_token, lock_player=True)
        check_own_game_session(active.session)
        game_session = active.session
        rules = jurisdiction_rules.session_profile(game_session)
        cur = currency(active.currency)
        facts = rg_audit.session_facts(session, game_session, cur.unit, now)
        pending = session_rules.reality_check_pending(game_session, rules, now)
        due = session_rules.reality_check_due(game_session, rules)
        shown = game_session.reality_check_shown_at_utc
        if pending and due is not None and (shown is None or shown < to_naive_utc(due)):
            game_session.reality_check_shown_at_utc = to_naive_utc(now)
            rg_audit.record(
                session, game_session, rg_audit.Kind.REALITY_CHECK_SHOWN, facts, cur.code, now
            )
        due_in = _due_in_seconds(game_session, rules, now)
        break_in = _break_ends_in_seconds(game_session, rules, now)
        return _check_view(platform, facts, due_in, break_in, rules, active.view)


def answer(platform: Platform, session_token: str, choice: Answer) -> dict[str, Any]:
    """The player's answer to the pending check (3019 when none is pending, changing
    nothing): continue starts the profile's compulsory break, if any, and the next interval
    after it; stop ends the session."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        active = active_session(platform, session, session_token, lock_player=True)
        check_own_game_session(active.session)
        game_session = active.session
        rules = jurisdiction_rules.session_profile(game_session)
        if not session_rules.reality_check_pending(game_session, rules, now):
            raise ReelhouseError(
                ApiCode.REALITY_CHECK_NOT_PENDING, "no reality check is waiting for an answer"
            )
        cur = currency(active.currency)
        facts = rg_audit.session_facts(session, game_session, cur.unit, now)
        if choice is Answer.CONTINUE:
            game_session.reality_check_answered_at_utc = to_naive_utc(now)
            kind = rg_audit.Kind.REALITY_CHECK_CONTINUE
        else:
            # Ended as the back office's Close ends it: a round already played finishes as
            # usual; the token is refused from now on.
            game_session.closed_at_utc = to_naive_utc(now)
            kind = rg_audit.Kind.REALITY_CHECK_STOP
        rg_audit.record(session, game_session, kind, facts, cur.code, now)
        if choice is Answer.STOP:
            return _check_view(platform, facts, None, None, rules, active.view, ended=True)
        due_in = _due_in_seconds(game_session, rules, now)
        break_in = _break_ends_in_seconds(game_session, rules, now)
        return _check_view(platform, facts, due_in, break_in, rules, active.view)
