"""Launching an upstream provider's game: Reelhouse asks the provider for the game's URL,
as its operator, and hands the provider a session token its wallet calls will carry
(services/relay.py). The session is written only once the provider has answered: before
that, the token names nothing (a wallet call with it is refused as an invalid token)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.languages import launch_lang
from reelhouse.domain.limits import PROVIDER_ID_MAX
from reelhouse.providers.base import LaunchAnswer, LaunchRequest
from reelhouse.providers.base import Platform as GamePlatform
from reelhouse.services.platform import Platform
from reelhouse.services.players import owned_player
from reelhouse.services.ports import fetch_for
from reelhouse.services.provider_keys import keys_of
from reelhouse.store.models import (
    GameSession,
    Operator,
    OperatorProvider,
    Provider,
    ProviderGame,
)
from reelhouse.store.secrets import token_hash


@dataclass(frozen=True)
class UpstreamLaunch:
    user_code: int
    provider_id: int
    game_code: str  # the provider's own code
    lang: int | str | None
    return_url: str
    mobile: bool = False


def launch_upstream_game(platform: Platform, operator: Operator, request: UpstreamLaunch) -> str:
    """The provider's URL for this player's game. 2007: no such provider for this operator;
    2003: no such game; 1011: the provider did not give a URL (or, while its breaker is open
    or its bulkhead full, was not asked: services/ports.py `fetch_for`)."""
    fetch = platform.upstream_fetch
    if fetch is None:
        raise ReelhouseError(ApiCode.PROVIDER_ERROR, "no way to reach upstream providers here")
    with platform.db.transaction(read_only=True) as session:
        if not 1 <= request.provider_id <= PROVIDER_ID_MAX:
            raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {request.provider_id}")
        provider = session.get(Provider, request.provider_id)
        offered = session.get(OperatorProvider, (operator.id, request.provider_id))
        if provider is None or not provider.enabled or offered is None or not offered.enabled:
            raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {request.provider_id}")
        game = session.scalar(
            select(ProviderGame).where(
                ProviderGame.provider_id == provider.id,
                ProviderGame.game_code == request.game_code,
            )
        )
        if game is None or not game.enabled or game.withdrawn_at_utc is not None:
            raise ReelhouseError(ApiCode.GAME_NOT_FOUND, f"no game {request.game_code!r}")
        player = owned_player(session, operator.id, request.user_code)
        keys = keys_of(platform, provider)
        base_url, provider_name = provider.base_url, provider.name
    token = secrets.token_urlsafe(32)
    lang = launch_lang(request.lang)
    launch = LaunchRequest(
        operator_id=operator.id,
        game_code=request.game_code,
        platform=GamePlatform.MOBILE if request.mobile else GamePlatform.DESKTOP,
        currency=operator.currency,
        user=str(player.id),
        token=token,
        language=lang,
        lobby_url=request.return_url or None,
    )
    http = keys.protocol.encode_launch(launch, base_url, keys.sign_key)
    try:
        answer = keys.protocol.decode_launch(fetch_for(fetch, provider.id)(http))
    except Exception as exc:  # the provider unreachable: its transport's error
        raise ReelhouseError(ApiCode.PROVIDER_ERROR, f"provider unreachable: {exc}") from exc
    if not isinstance(answer, LaunchAnswer):
        raise ReelhouseError(ApiCode.PROVIDER_ERROR, f"provider refused: {answer.detail}")
    now = platform.clock.now()
    with platform.db.transaction() as session:
        session.add(
            GameSession(
                id=new_id(),
                token_hash=token_hash(token),
                operator_id=operator.id,
                player_id=player.id,
                game_code=f"{provider_name}/{request.game_code}",
                rtp_variant=0,
                lang=lang,
                return_url=request.return_url,
                started_at_utc=to_naive_utc(now),
                last_activity_at_utc=to_naive_utc(now),
                spend_minor=0,
                win_minor=0,
                last_round_bet_minor=0,
                demo_balance_minor=None,
                provider_id=provider.id,
            )
        )
    return answer.url
