"""Whose game a round or session was played on, for every view that shows or counts one.

Reelhouse's own games are provider `catalogue.PROVIDER_ID` (1) and are looked up in the
game catalogue. A relayed round or an upstream session has `provider_id` set (the upstream
provider's id, > 1) and a `game_code` of the form `<provider name>/<provider's game code>`
(services/relay.py); its provider's title and its game's name come from the `providers` and
`provider_games` tables, read once per request and kept here for the rest of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.games import catalogue
from reelhouse.store.models import GameSession, Provider, ProviderGame


@dataclass(frozen=True, slots=True)
class GameLabel:
    """What a view says of a round's game: its provider and the game's name and category."""

    provider_id: int
    provider_name: str  # Reelhouse's name for its own games; an upstream provider's title
    game_name: str
    category: str | None  # None: a game of Reelhouse's own, whose category is an enum
    upstream: bool


def is_upstream(provider_id: int | None) -> bool:
    """Whether a round's or session's `provider_id` names an upstream provider."""
    return provider_id is not None and provider_id != catalogue.PROVIDER_ID


def check_own_game_session(game_session: GameSession) -> None:
    """Refuse a session of an upstream provider's game where only Reelhouse's own games are
    played (its game client's state and spin): its token was handed to the provider, whose
    game client the player uses, so it is answered as an unknown session (3001), as any
    token Reelhouse's game client does not hold."""
    if is_upstream(game_session.provider_id):
        raise ReelhouseError(ApiCode.SESSION_EXPIRED, "unknown game session")


def provider_game_code(game_code: str) -> str:
    """The provider's own code of an upstream game id (`<provider name>/<code>`)."""
    return game_code.partition("/")[2]


class GameLabels:
    """Labels of the games of one request's rounds and sessions, each upstream provider and
    game read at most once (a feed page names few of them)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._providers: dict[int, Provider | None] = {}
        self._games: dict[tuple[int, str], ProviderGame | None] = {}

    def provider_title(self, provider_id: int) -> str:
        """An upstream provider's title; its id as text if the row is gone (never deleted
        today, but a view must not crash on it)."""
        if provider_id not in self._providers:
            self._providers[provider_id] = self._session.get(Provider, provider_id)
        provider = self._providers[provider_id]
        return provider.title if provider is not None else f"provider {provider_id}"

    def _upstream_game(self, provider_id: int, code: str) -> ProviderGame | None:
        key = (provider_id, code)
        if key not in self._games:
            self._games[key] = self._session.scalar(
                select(ProviderGame).where(
                    ProviderGame.provider_id == provider_id, ProviderGame.game_code == code
                )
            )
        return self._games[key]

    def label(self, provider_id: int | None, game_code: str) -> GameLabel:
        if not is_upstream(provider_id):
            game = catalogue.get_game(game_code)
            name = game.name if game else game_code
            return GameLabel(catalogue.PROVIDER_ID, catalogue.PROVIDER_NAME, name, None, False)
        assert provider_id is not None
        # A withdrawn game keeps its row (provider_games is never deleted from), so a round
        # played before its withdrawal still shows its name.
        game_row = self._upstream_game(provider_id, provider_game_code(game_code))
        name = game_row.name if game_row is not None else game_code
        category = (game_row.category or "") if game_row is not None else ""
        return GameLabel(provider_id, self.provider_title(provider_id), name, category, True)
