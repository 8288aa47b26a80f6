"""Launching an upstream provider's game: Reelhouse asks the provider for the game's URL,
as its operator, and hands the provider a session token its wallet calls will carry
(services/relay.py). The session is written only once the provider has answered: before
that, the token names nothing (a wallet call with it is refused as an invalid token).

A provider whose calls name the player by account instead (Reelhouse's own dialects
upstream, `session_tokens` False) registers the player first where its protocol wants it
(create-or-get), and gets the session written before it is asked: it reads the player's
balance from Reelhouse's wallet while it launches. A launch it refuses removes it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.languages import launch_lang
from reelhouse.domain.limits import PROVIDER_ID_MAX
from reelhouse.providers.base import LaunchAnswer, LaunchRequest, UpstreamFault
from reelhouse.providers.base import Platform as GamePlatform
from reelhouse.services.operator_currencies import check_player_currency, fix_player_currency
from reelhouse.services.platform import Platform
from reelhouse.services.players import owned_player
from reelhouse.services.ports import UpstreamFetch, fetch_for
from reelhouse.services.provider_keys import ProviderKeys, keys_of
from reelhouse.store.models import (
    GameSession,
    Operator,
    OperatorProvider,
    Player,
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
        # Upstream providers' games play in the operator's first currency (the relay checks
        # every call against it): a player whose play is in another is refused (3026).
        check_player_currency(player, operator.currency)
        keys = keys_of(platform, provider)
        base_url, provider_name = provider.base_url, provider.name
    protocol = keys.protocol
    send = fetch_for(fetch, provider.id)
    # The player as the provider knows them: Reelhouse's player id (opaque to it); the
    # relay finds the player again by it when the protocol's calls name an account.
    user = str(player.id)
    provider_user_id = _registered(keys, base_url, user, send)
    token = secrets.token_urlsafe(32)
    lang = launch_lang(request.lang)
    game_id = f"{provider_name}/{request.game_code}"
    new = _NewSession(
        operator.id,
        player.id,
        provider.id,
        game_id,
        token,
        lang,
        request.return_url,
        operator.currency,
    )
    launch = LaunchRequest(
        operator_id=operator.id,
        game_code=request.game_code,
        platform=GamePlatform.MOBILE if request.mobile else GamePlatform.DESKTOP,
        currency=operator.currency,
        user=user,
        token=token if protocol.session_tokens else None,
        language=lang,
        lobby_url=request.return_url or None,
        provider_user_id=provider_user_id,
    )
    http = protocol.encode_launch(launch, base_url, keys.sign_key)
    # A protocol whose calls name an account asks Reelhouse's wallet for the player while it
    # launches (its `authenticate`): the session must exist before the request goes. With a
    # token, the session is written once the provider answered, so an unanswered launch
    # leaves a token that names nothing.
    early = not protocol.session_tokens
    session_id = _open_session(platform, new) if early else None
    try:
        answer = protocol.decode_launch(send(http))
    except Exception as exc:  # the provider unreachable: its transport's error
        answer = UpstreamFault(f"provider unreachable: {exc}")
    if not isinstance(answer, LaunchAnswer):
        if session_id is not None:
            _drop_session(platform, session_id)
        raise ReelhouseError(ApiCode.PROVIDER_ERROR, f"provider refused: {answer.detail}")
    if not early:
        _open_session(platform, new)
    return answer.url


def _registered(
    keys: ProviderKeys,
    base_url: str,
    user: str,
    send: UpstreamFetch,
) -> str | None:
    """The provider's own id of the player, for protocols that launch only players
    registered first (create-or-get, so asked at every launch: nothing to keep in step);
    None for the others."""
    protocol = keys.protocol
    if protocol.encode_player is None or protocol.decode_player is None:
        return None
    http = protocol.encode_player(user, base_url, keys.sign_key)
    try:
        player = protocol.decode_player(user, send(http))
    except Exception as exc:  # the provider unreachable: its transport's error
        raise ReelhouseError(ApiCode.PROVIDER_ERROR, f"provider unreachable: {exc}") from exc
    if isinstance(player, UpstreamFault):
        raise ReelhouseError(ApiCode.PROVIDER_ERROR, f"provider refused: {player.detail}")
    return player.provider_user_id


@dataclass(frozen=True)
class _NewSession:
    operator_id: int
    player_id: int
    provider_id: int
    game_code: str  # `<provider>/<its code>`
    token: str
    lang: str
    return_url: str
    currency: str  # the operator's first: fixed as the player's with the session


def _open_session(platform: Platform, new: _NewSession) -> int:
    now = to_naive_utc(platform.clock.now())
    session_id = new_id()
    with platform.db.transaction() as session:
        player = session.get(Player, new.player_id)
        assert player is not None
        fix_player_currency(session, player, new.currency)
        session.add(
            GameSession(
                id=session_id,
                token_hash=token_hash(new.token),
                operator_id=new.operator_id,
                player_id=new.player_id,
                game_code=new.game_code,
                rtp_variant=0,
                lang=new.lang,
                return_url=new.return_url,
                started_at_utc=now,
                last_activity_at_utc=now,
                spend_minor=0,
                win_minor=0,
                last_round_bet_minor=0,
                demo_balance_minor=None,
                provider_id=new.provider_id,
            )
        )
    return session_id


def _drop_session(platform: Platform, session_id: int) -> None:
    """A session written for a launch the provider did not answer: no round can name it
    (the provider gave the player no game to bet in)."""
    with platform.db.transaction() as session:
        session.execute(delete(GameSession).where(GameSession.id == session_id))
