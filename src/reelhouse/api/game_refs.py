"""Games named by number, as the iGamingAce contracts name them (`gameId`, `gameid`,
`gameID`): the catalogue's game behind a numeric id (domain/game_ids.py), for both facades."""

from __future__ import annotations

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_ids
from reelhouse.games import catalogue


def game_code_of_number(game_id: int) -> str:
    """The game code behind a numeric game id; 2003 if no game has it."""
    code = numeric_ids(g.game_code for g in catalogue.list_games()).get(game_id)
    if code is None:
        raise ReelhouseError(ApiCode.GAME_NOT_FOUND, f"no game {game_id}")
    return code
