"""Games in maintenance: the platform's staff take one of Reelhouse's own games out of play,
for every operator or for one.

While a game is in maintenance the games lists report it (`status` "maintenance",
`launch_enable` false), `game-url` refuses to launch it, and a spin in an open session of
it is refused: all three with code 1 (UNDER_MAINTENANCE), changing nothing. A round already
played finishes as every round does (its win or cancel is still sent); only the next spin
is refused. Upstream providers' games are not concerned: their providers say when they are
down.

A row of `game_maintenance` is a game in maintenance; operator_id 0 (no operator has that
id) means every operator. Switching is audited in the same commit.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.games import catalogue
from reelhouse.services import audit
from reelhouse.services.backoffice_settings import TARGET_TYPE as OPERATOR_TARGET
from reelhouse.services.platform import Platform
from reelhouse.store.models import GameMaintenance, GameSession

EVERY_OPERATOR = 0
# Audit rows of a switch for every operator name the game by its numeric id.
GAME_TARGET = "game"
REFUSAL = "this game is in maintenance; try again later"


class Status(StrEnum):
    AVAILABLE = "available"
    MAINTENANCE = "maintenance"


def _applies_to(operator_id: InstrumentedAttribute[int] | int) -> ColumnElement[bool]:
    return or_(
        GameMaintenance.operator_id == EVERY_OPERATOR,
        GameMaintenance.operator_id == operator_id,
    )


def session_in_maintenance() -> ColumnElement[bool]:
    """For a statement that reads a GameSession: whether its game is in maintenance for its
    operator (a primary-key lookup, read in the same statement as the session)."""
    return exists().where(
        and_(
            GameMaintenance.game_code == GameSession.game_code,
            _applies_to(GameSession.operator_id),
        )
    )


def in_maintenance(session: Session, operator_id: int) -> dict[str, bool]:
    """Game code -> whether it is in maintenance for every operator (True) or this one only
    (False); games not listed are available."""
    rows = session.execute(
        select(GameMaintenance.game_code, GameMaintenance.operator_id).where(
            _applies_to(operator_id)
        )
    ).all()
    found: dict[str, bool] = {}
    for code, owner in rows:
        found[code] = found.get(code, False) or owner == EVERY_OPERATOR
    return found


def statuses(platform: Platform, operator_id: int) -> dict[str, Status]:
    """The status of every catalogue game for this operator."""
    with platform.db.transaction(read_only=True) as session:
        down = in_maintenance(session, operator_id)
    return {
        g.game_code: Status.MAINTENANCE if g.game_code in down else Status.AVAILABLE
        for g in catalogue.list_games()
    }


def check_launchable(platform: Platform, operator_id: int, game_code: str) -> None:
    """Refuse (code 1) a launch of a game in maintenance for this operator."""
    with platform.db.transaction(read_only=True) as session:
        down = session.scalar(
            select(exists().where(GameMaintenance.game_code == game_code, _applies_to(operator_id)))
        )
    if down:
        raise ReelhouseError(ApiCode.UNDER_MAINTENANCE, REFUSAL)


def switch(
    platform: Platform,
    game_code: str,
    operator_id: int,
    on: bool,
    who: audit.Accountable,
) -> bool:
    """Put a game in maintenance (`on`) or back in play, for one operator or for every one
    (EVERY_OPERATOR); whether anything changed. Audited in the same commit; switching to
    the state a game is already in changes nothing and writes nothing."""
    if catalogue.get_game(game_code) is None:
        raise ReelhouseError(ApiCode.GAME_NOT_FOUND, f"no game {game_code!r}")
    now = platform.clock.now()
    key = (GameMaintenance.game_code == game_code, GameMaintenance.operator_id == operator_id)
    with platform.db.transaction() as session:
        present = session.scalar(select(GameMaintenance).where(*key).with_for_update())
        if (present is not None) == on:
            return False
        if on:
            session.add(
                GameMaintenance(
                    game_code=game_code,
                    operator_id=operator_id,
                    since_utc=to_naive_utc(now),
                    actor=who.actor,
                    reason=who.reason,
                )
            )
        else:
            session.execute(delete(GameMaintenance).where(*key))
        before, after = (
            (Status.AVAILABLE, Status.MAINTENANCE)
            if on
            else (
                Status.MAINTENANCE,
                Status.AVAILABLE,
            )
        )
        every = operator_id == EVERY_OPERATOR
        audit.record(
            session,
            who,
            audit.Change(
                "game.maintenance" if on else "game.available",
                GAME_TARGET if every else OPERATOR_TARGET,
                numeric_game_id(game_code) if every else operator_id,
                before.value,
                after.value,
                {"game_code": game_code, "operators": "every" if every else "this"},
            ),
            now,
        )
    return True
