"""A session's jurisdiction profile applied to a round, on the server, whatever the client
sends (domain/jurisdictions.py; docs/jurisdictions.md, "What is enforced where").

The spin calls `check_round` under the player's lock, before anything is written: each
refusal changes nothing. It reads only the session row the spin already holds, so a
profile costs the spin no statement, except that a profile with a least time between rounds
has the round's start written on the session (`note_round_start`) in the same commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from reelhouse.domain import jurisdictions, stricter_rules
from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import Profile
from reelhouse.games.bet_modes import BASE, BUY
from reelhouse.store.models import GameSession

MS_PER_SECOND = 1000


@dataclass(frozen=True)
class SpinStyle:
    """How the client says it plays this round: an autoplay run's, or a turbo (quick) spin.
    The server cannot see either, so the client must declare them (docs/api.md, spin). And
    the bet mode it asks for (games/bet_modes.py): "buy" buys the game's feature."""

    autoplay: bool = False
    turbo: bool = False
    bet_mode: str = BASE

    @property
    def buys_feature(self) -> bool:
        return self.bet_mode == BUY


PLAIN = SpinStyle()


def session_profile(game_session: GameSession) -> Profile:
    """The session's rules: its profile under the stricter rules its launch fixed (domain/
    stricter_rules.py). Every reader of a session's rules asks here. The overlay is on the
    session row already read: no statement."""
    if game_session.stricter_rules is None:
        return jurisdictions.profile(game_session.jurisdiction)
    return _tightened(game_session.jurisdiction, game_session.stricter_rules)


# A session's overlay is one of few stored texts (an operator's rules, with or without a
# player's interval of 1-1440 minutes): each is parsed and checked once per process, not on
# every spin and state read of every session that carries it.
@lru_cache(maxsize=4096)
def _tightened(code: str, stored: str) -> Profile:
    return jurisdictions.profile(code).tightened(stricter_rules.from_json(stored))


def check_round(
    game_session: GameSession,
    currency_code: str,
    bet_minor: int,
    style: SpinStyle,
    now: dt.datetime,
) -> Profile:
    """Refuse a round the session's profile forbids; the profile, when allowed. `bet_minor`
    is the round's stake: a bonus buy's price."""
    rules = session_profile(game_session)
    if style.buys_feature and not rules.bonus_buy_allowed:
        raise ReelhouseError(
            ApiCode.BONUS_BUY_FORBIDDEN,
            f"buying a feature is not allowed in jurisdiction {rules.code!r}",
        )
    if style.autoplay and not rules.autoplay_allowed:
        raise ReelhouseError(
            ApiCode.JURISDICTION_AUTOPLAY_FORBIDDEN,
            f"autoplay is not allowed in jurisdiction {rules.code!r}",
        )
    if style.turbo and not rules.turbo_allowed:
        raise ReelhouseError(
            ApiCode.JURISDICTION_TURBO_FORBIDDEN,
            f"turbo spins are not allowed in jurisdiction {rules.code!r}",
        )
    cap = rules.stake_cap_minor(currency_code)
    if cap is not None and bet_minor > cap:
        raise ReelhouseError(
            ApiCode.JURISDICTION_STAKE_ABOVE_MAX,
            f"the stake is above the most jurisdiction {rules.code!r} allows per round",
        )
    last = game_session.last_round_started_at_utc
    if rules.min_round_interval_ms and last is not None:
        since_ms = (now - from_naive_utc(last)).total_seconds() * MS_PER_SECOND
        if since_ms < rules.min_round_interval_ms:
            raise ReelhouseError(
                ApiCode.JURISDICTION_TOO_SOON,
                f"jurisdiction {rules.code!r} requires {rules.min_round_interval_ms} ms "
                "between round starts",
            )
    return rules


def note_round_start(game_session: GameSession, rules: Profile, now: dt.datetime) -> None:
    """Remember when this round started, where the profile will read it for the next one;
    elsewhere the session row is left alone (no write the spin did not already make)."""
    if rules.min_round_interval_ms:
        game_session.last_round_started_at_utc = to_naive_utc(now)


def celebrate(rules: Profile, bet_minor: int, win_minor: int) -> bool:
    """Whether the client may celebrate this round's win: never a loss, and not a win that
    does not exceed the stake where the profile forbids it (a loss dressed as a win)."""
    if win_minor <= 0:
        return False
    return win_minor > bet_minor or rules.celebrate_win_at_or_below_stake
