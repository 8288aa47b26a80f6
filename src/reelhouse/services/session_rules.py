"""Responsible gaming in one game session, on the server's clock (domain/clock.py): the
periodic reality check its jurisdiction profile sets (and the compulsory break after the
player's "continue", where it sets one), and the session time and loss limits the operator
sent at launch (docs/jurisdictions.md, "Reality checks and session limits").

The spin calls `check_spin` under the player's lock, before anything of the round is
written, from the session row it already holds: a refusal costs the spin no statement and
changes nothing (its audit row is written after, services/rg_audit.py). Nothing here is
written by the spin; the reality check's answer and the view the client reads are below."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reelhouse.domain.clock import from_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import Profile
from reelhouse.domain.limits import (
    DEMO_START_BALANCE_MAJOR,
    SESSION_LOSS_LIMIT_MAX_MINOR,
    SESSION_TIME_LIMIT_MAX_MINUTES,
)
from reelhouse.store.models import GameSession

SECONDS_PER_MINUTE = 60

# Which limit a session reached (`GameSession.limit_reached`, the audit's and the event's).
LIMIT_TIME = "time"
LIMIT_LOSS = "loss"
LIMIT_OF_CODE = {ApiCode.SESSION_TIME_LIMIT: LIMIT_TIME, ApiCode.SESSION_LOSS_LIMIT: LIMIT_LOSS}


@dataclass(frozen=True)
class Limits:
    """A launch's session limits; None: no limit."""

    time_limit_minutes: int | None = None
    loss_limit_minor: int | None = None

    @classmethod
    def checked(cls, time_limit_minutes: int | None, loss_limit_minor: int | None) -> Limits:
        """Bounded before the launch does anything (1012 outside the bounds)."""
        if time_limit_minutes is not None and not (
            0 < time_limit_minutes <= SESSION_TIME_LIMIT_MAX_MINUTES
        ):
            raise ReelhouseError(
                ApiCode.PARAMETERS_INVALID,
                f"time_limit_minutes must be 1-{SESSION_TIME_LIMIT_MAX_MINUTES}",
            )
        loss_max = SESSION_LOSS_LIMIT_MAX_MINOR
        if loss_limit_minor is not None and not 0 < loss_limit_minor <= loss_max:
            raise ReelhouseError(
                ApiCode.PARAMETERS_INVALID,
                f"loss_limit_minor must be 1-{loss_max}",
            )
        return cls(time_limit_minutes, loss_limit_minor)


NO_LIMITS = Limits()


def net_minor(game_session: GameSession, unit: int) -> int:
    """Won minus staked in this session, in minor units (`unit` per major): the wallet's
    acknowledged bets and wins, a demo session's from its fun money. A win sent but not yet
    acknowledged is not in it yet, so the loss it shows is never smaller than the real one."""
    if game_session.demo_balance_minor is not None:
        return game_session.demo_balance_minor - DEMO_START_BALANCE_MAJOR * unit
    return game_session.win_minor - game_session.spend_minor


def elapsed_seconds(game_session: GameSession, now: dt.datetime) -> int:
    return max(int((now - from_naive_utc(game_session.started_at_utc)).total_seconds()), 0)


def break_ends(game_session: GameSession, rules: Profile) -> dt.datetime | None:
    """When the compulsory break after the last "continue" ends; None where the profile
    sets no break, or before the player first answered a check."""
    answered = game_session.reality_check_answered_at_utc
    if rules.break_after_reality_check_minutes is None or answered is None:
        return None
    return from_naive_utc(answered) + dt.timedelta(minutes=rules.break_after_reality_check_minutes)


def break_running(game_session: GameSession, rules: Profile, now: dt.datetime) -> bool:
    """Whether the compulsory break is on: spins are allowed again at its end exactly."""
    ends = break_ends(game_session, rules)
    return ends is not None and now < ends


def reality_check_due(game_session: GameSession, rules: Profile) -> dt.datetime | None:
    """When the session's next reality check is due: the profile's interval after the last
    "continue" (after the break that follows it, where the profile sets one: the player
    gets a whole interval of play), or after the start; None where the profile sets none."""
    if rules.reality_check_minutes is None:
        return None
    since = break_ends(game_session, rules)
    if since is None:
        answered = game_session.reality_check_answered_at_utc
        since = from_naive_utc(answered or game_session.started_at_utc)
    return since + dt.timedelta(minutes=rules.reality_check_minutes)


def reality_check_pending(game_session: GameSession, rules: Profile, now: dt.datetime) -> bool:
    due = reality_check_due(game_session, rules)
    return due is not None and now >= due


def time_limit_over(game_session: GameSession, now: dt.datetime) -> bool:
    minutes = game_session.time_limit_minutes
    if minutes is None:
        return False
    return now >= from_naive_utc(game_session.started_at_utc) + dt.timedelta(minutes=minutes)


def loss_left_minor(game_session: GameSession, unit: int) -> int | None:
    """What the session may still lose before its loss limit (None: no limit)."""
    if game_session.loss_limit_minor is None:
        return None
    return max(game_session.loss_limit_minor + net_minor(game_session, unit), 0)


def check_spin(
    game_session: GameSession, rules: Profile, stake_minor: int, unit: int, now: dt.datetime
) -> None:
    """Refuse a spin the session's time limit, a pending reality check, the compulsory break
    after one or its loss limit forbids, in that order. `stake_minor` is what the player
    risks (0 for a free round, which the loss limit never refuses).

    The loss limit is never exceeded: a stake is refused when losing it would take the net
    loss past the limit, whatever the round might win (the outcome is drawn after this)."""
    if time_limit_over(game_session, now):
        raise ReelhouseError(
            ApiCode.SESSION_TIME_LIMIT, "the session's time limit is reached; the session is over"
        )
    if reality_check_pending(game_session, rules, now):
        raise ReelhouseError(
            ApiCode.REALITY_CHECK_PENDING, "a reality check waits for the player's answer"
        )
    if break_running(game_session, rules, now):
        raise ReelhouseError(
            ApiCode.COMPULSORY_BREAK, "a compulsory break after the reality check is running"
        )
    left = loss_left_minor(game_session, unit)
    if left is not None and stake_minor > left:
        raise ReelhouseError(
            ApiCode.SESSION_LOSS_LIMIT,
            "this stake could take the session's losses past its loss limit",
        )
