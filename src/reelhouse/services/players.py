"""Players as the operator names them (`/v4/user/create`, the iGamingAce facades'
`/v1/player/link` and `/userAuth`): create-or-get, info."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import PLAYER_NAME_MAX_CHARS, PLAYER_NAME_MIN_CHARS
from reelhouse.services.platform import Platform
from reelhouse.store.models import Player

PLAYER_NAME = re.compile(
    rf"[A-Za-z0-9_]{{{PLAYER_NAME_MIN_CHARS},{PLAYER_NAME_MAX_CHARS}}}", re.ASCII
)


@dataclass(frozen=True)
class NameRule:
    """What a player name may be in one API: the pattern, and the refusal's words."""

    pattern: re.Pattern[str]
    described: str


V4_NAMES = NameRule(PLAYER_NAME, "name must be 2-50 of [A-Za-z0-9_]")
# The iGamingAce facades take the operator's own player id as the name (spec): flavour A's
# playerId is 1-64 of [A-Za-z0-9_.-], flavour B's userID 4-48 alphanumerics. The column holds
# 64 characters, so every rule fits; names are unique per operator whichever API made them.
IGAMINGACE_A_NAMES = NameRule(
    re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII), "playerId must be 1-64 of [A-Za-z0-9_.-]"
)
IGAMINGACE_B_NAMES = NameRule(
    re.compile(r"[A-Za-z0-9]{4,48}", re.ASCII), "userID must be 4-48 alphanumerics"
)


@dataclass(frozen=True)
class PlayerRef:
    user_code: int
    name: str
    is_new: bool


def create_or_get(
    platform: Platform, operator_id: int, name: str, rule: NameRule = V4_NAMES
) -> PlayerRef:
    if not rule.pattern.fullmatch(name):
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, rule.described)
    try:
        with platform.db.transaction() as session:
            existing = _by_name(session, operator_id, name)
            if existing is not None:
                return PlayerRef(existing.id, existing.name, is_new=False)
            player = Player(
                id=new_id(),
                operator_id=operator_id,
                name=name,
                created_at_utc=to_naive_utc(platform.clock.now()),
            )
            session.add(player)
        return PlayerRef(player.id, name, is_new=True)
    except IntegrityError:
        # Two concurrent creates of one name: the unique constraint let one win; the
        # other returns the winner's player, as create-or-get promises.
        with platform.db.transaction() as session:
            winner = _by_name(session, operator_id, name)
            assert winner is not None
            return PlayerRef(winner.id, winner.name, is_new=False)


def _by_name(session: Session, operator_id: int, name: str) -> Player | None:
    return session.scalar(
        select(Player).where(Player.operator_id == operator_id, Player.name == name)
    )


# Every name some rule above lets a player have: a name outside it names nobody, and is not
# sent to the database at all (PostgreSQL refuses a NUL in text with an error of its own).
ANY_PLAYER_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)


def find_by_name(session: Session, operator_id: int, name: str) -> Player:
    """This operator's player of that name (the iGamingAce facades name players by the
    operator's own id), or 2002."""
    if not ANY_PLAYER_NAME.fullmatch(name):
        raise ReelhouseError(ApiCode.USER_NOT_FOUND, "no such player")
    player = _by_name(session, operator_id, name)
    if player is None:
        raise ReelhouseError(ApiCode.USER_NOT_FOUND, "no such player")
    return player


def owned_player(session: Session, operator_id: int, user_code: int) -> Player:
    """The player, if it belongs to this operator: 2002 if unknown, 1010 if another's."""
    player = session.get(Player, user_code)
    if player is None:
        raise ReelhouseError(ApiCode.USER_NOT_FOUND, "no such user_code")
    if player.operator_id != operator_id:
        raise ReelhouseError(ApiCode.PERMISSION_ERROR, "user belongs to another agent")
    return player
