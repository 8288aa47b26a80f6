"""Main API v4 (operator -> Reelhouse), SlotCity-v4 compatible. Thin: parse, call, wrap."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from reelhouse.api.answer_docs import V4_KEYED, v4_answers
from reelhouse.api.body import ContractBody, IdNumber, Int64, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact, refusal_response
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.idempotency import idempotent, key_header
from reelhouse.api.schemas_v4 import (
    AgentInfoAnswer,
    AgentRtpAnswer,
    GamesAnswer,
    GameUrlAnswer,
    ProvidersAnswer,
    UserCreatedAnswer,
    UserInfoAnswer,
)
from reelhouse.domain import jurisdictions
from reelhouse.domain.contract_forms import category_spelling, currency_number
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.languages import MAX_LANG_CHARS
from reelhouse.domain.limits import (
    MAX_CURRENCY_CODE_CHARS,
    SESSION_LOSS_LIMIT_MAX_MINOR,
    SESSION_TIME_LIMIT_MAX_MINUTES,
)
from reelhouse.domain.money import currency, to_decimal
from reelhouse.games import catalogue
from reelhouse.services import (
    game_maintenance,
    game_metadata,
    launch,
    operator_currencies,
    operators,
    players,
    provider_games,
    providers,
    upstream_launch,
)
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
RtpValue = Annotated[Decimal | int, Field(ge=0, le=100)]
# A language as the contract's integer code (1 = en, 2 = ko, ...) or as text; any value
# Reelhouse does not offer plays in English (domain/languages.py).
Lang = int | Annotated[str, Field(max_length=MAX_LANG_CHARS)]
# The mutating calls take an Idempotency-Key (api/idempotency.py).
once = idempotent(refusal_response)


class Empty(ContractBody):
    pass


class LangOnly(ContractBody):
    lang: Lang | None = None


class RtpBody(ContractBody):
    rtp: RtpValue


class UserCreateBody(ContractBody):
    name: str


class UserInfoBody(ContractBody):
    user_code: Int64


class GamesBody(ContractBody):
    provider_id: IdNumber
    lang: Lang | None = None


class GameUrlBody(ContractBody):
    user_code: Int64
    provider_id: IdNumber
    game_symbol: str = Field(max_length=64)
    lang: Lang | None = None
    return_url: str = Field(default="", max_length=2048)
    rtp: RtpValue | None = None
    win_ratio: RtpValue | None = None  # the original API's alias of rtp
    # Sent by clients of the original API; Reelhouse has no jackpots: accepted, no effect.
    is_finish_jackpot: bool | None = None
    demo: bool = False  # [ours] fun money: same game and math, no wallet calls
    # [ours] the market's rules (docs/jurisdictions.md): a profile code, or an ISO 3166-1
    # alpha-2 country mapped to one; neither: the agent's profile.
    jurisdiction: str | None = Field(default=None, max_length=jurisdictions.MAX_CODE_CHARS)
    country: str | None = Field(default=None, max_length=jurisdictions.COUNTRY_CHARS)
    # [ours] the session's limits (docs/jurisdictions.md): minutes of play, and the most the
    # session may lose (won minus staked) in minor units of the agent's currency.
    time_limit_minutes: int | None = Field(default=None, ge=1, le=SESSION_TIME_LIMIT_MAX_MINUTES)
    loss_limit_minor: int | None = Field(default=None, ge=1, le=SESSION_LOSS_LIMIT_MAX_MINOR)
    # [ours] one of the agent's currencies (docs/api.md); absent: the player's, once fixed by
    # its first launch, else the agent's first.
    currency: str | None = Field(default=None, max_length=MAX_CURRENCY_CODE_CHARS)
    # [ours] the player's own reality-check interval, 1-1440 minutes (docs/jurisdictions.md,
    # "Stricter rules of an operator"): bounded by the launch itself (1012), as the
    # operator's stricter rules are.
    reality_check_minutes: int | None = None
    # [ours] the display unit the player sees and bets in (docs/api.md): one of the session
    # currency's units, by code or symbol ("mBTC", "μBTC"), or the currency's own code for the
    # currency itself; absent: the agent's default for that currency. 1012 for another, a
    # long name too: its length is checked before anything else (the body is bounded).
    display_unit: str | None = None


def _rtp_number(rtp_bp: int) -> int | Decimal:
    """RTP as an exact JSON number: 96 or 96.5; whole percentages stay integers."""
    whole, part = divmod(rtp_bp, operators.BP_PER_PERCENT)
    return whole if part == 0 else Decimal(rtp_bp) / operators.BP_PER_PERCENT


def _own_games(platform: Platform, agent: Operator) -> list[dict[str, Any]]:
    """Reelhouse's own games in the contract's item shape, with two fields added: `status`
    (`available`, or `maintenance` while the game is switched off for this agent, then also
    `launch_enable` false) and `metadata` (its figures at the agent's RTP)."""
    statuses = game_maintenance.statuses(platform, agent.id)
    items = []
    for info in catalogue.list_games():
        game = catalogue.get_game(info.game_code)
        assert game is not None
        status = statuses[game.game_code]
        items.append(
            {
                "provider_id": game.provider_id,
                "game_code": game.game_code,
                "game_name": game.name,
                "locale_name": game.name,
                "game_image": game_metadata.image_url(platform, game.game_code),
                "launch_enable": status is game_maintenance.Status.AVAILABLE,
                "category": category_spelling(game.category),
                "reg_date": "2026-01-01 00:00:00",
                "status": status.value,
                "metadata": game_metadata.metadata(game, agent.rtp_bp),
            }
        )
    return items


@router.post(
    "/agent/info", openapi_extra=openapi_body(Empty), responses=v4_answers(AgentInfoAnswer)
)
def agent_info(
    agent: Agent, platform: PlatformDep, _body: Annotated[Empty, Depends(body_of(Empty))]
) -> ExactJSONResponse:
    """`currency` is the contract's integer code (ISO 4217 number) of the first currency;
    `currency_code` [ours] the text code beside it, `currencies` [ours] every currency the
    agent offers with its bet limits."""
    rtp = _rtp_number(agent.rtp_bp)
    with platform.db.transaction(read_only=True) as session:
        offered = operator_currencies.currencies_of(session, agent)
    currencies = [
        {
            "currency_code": shown["currency"],
            "min_bet": shown["min_bet"],
            "max_bet": shown["max_bet"],
            "max_win": shown["max_win"],
        }
        for shown in (limits.described() for limits in offered)
    ]
    return ok_exact(
        {
            "name": agent.name,
            "currency": currency_number(agent.currency),
            "currency_code": agent.currency,
            "balance": 0,
            "rtp": rtp,
            "win_ratio": rtp,
            "state": agent.state,
            "currencies": currencies,
        }
    )


@router.post(
    "/agent/rtp",
    openapi_extra=openapi_body(RtpBody),
    responses=v4_answers(
        AgentRtpAnswer,
        ApiCode.PARAMETERS_INVALID,
        ApiCode.EFFECTIVE_RTP_BELOW_FLOOR,
        ApiCode.EFFECTIVE_RTP_UNKNOWN,
    ),
)
def agent_rtp(
    agent: Agent, platform: PlatformDep, body: Annotated[RtpBody, Depends(body_of(RtpBody))]
) -> ExactJSONResponse:
    rtp_bp = operators.set_rtp(platform, agent.id, Decimal(body.rtp))
    return ok_exact({"rtp": _rtp_number(rtp_bp), "requested": str(body.rtp)})


@router.post(
    "/user/create",
    openapi_extra=openapi_body(UserCreateBody) | key_header(),
    responses=v4_answers(UserCreatedAnswer, *V4_KEYED, ApiCode.PARAMETERS_INVALID),
)
@once
def user_create(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[UserCreateBody, Depends(body_of(UserCreateBody))],
) -> ExactJSONResponse:
    """`user_code` is the contract's int64 number (below 2^53, so JavaScript keeps it);
    `user_code_text` [ours] is the same id as text."""
    ref = players.create_or_get(platform, agent.id, body.name)
    return ok_exact(
        {
            "user_code": ref.user_code,
            "is_new_user": ref.is_new,
            "user_code_text": str(ref.user_code),
        }
    )


@router.post(
    "/user/info",
    openapi_extra=openapi_body(UserInfoBody),
    responses=v4_answers(UserInfoAnswer, ApiCode.USER_NOT_FOUND, ApiCode.PERMISSION_ERROR),
)
def user_info(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[UserInfoBody, Depends(body_of(UserInfoBody))],
) -> ExactJSONResponse:
    """`balance` is the last balance the wallet reported, as an exact number; a player whose
    wallet never reported one has 0 there and `balance_known` [ours] false."""
    with platform.db.transaction() as session:
        player = players.owned_player(session, agent.id, body.user_code)
        known = player.last_balance_minor is not None
        # In the player's currency: the wallet answered in it.
        code = operator_currencies.player_currency(player, agent)
        balance = to_decimal(player.last_balance_minor or 0, currency(code))
        return ok_exact({"name": player.name, "balance": balance, "balance_known": known})


@router.post(
    "/game/providers", openapi_extra=openapi_body(LangOnly), responses=v4_answers(ProvidersAnswer)
)
def game_providers(
    agent: Agent, platform: PlatformDep, _body: Annotated[LangOnly, Depends(body_of(LangOnly))]
) -> ExactJSONResponse:
    """Reelhouse's own games, then every upstream provider offered to this operator."""
    own = {
        "provider_id": catalogue.PROVIDER_ID,
        "provider_name": catalogue.PROVIDER_NAME,
        "locale_name": catalogue.PROVIDER_NAME,
        "status": 1,
    }
    upstream = [
        {"provider_id": p.id, "provider_name": p.title, "locale_name": p.title, "status": 1}
        for p in providers.providers_of(platform, agent.id)
    ]
    return ok_exact([own, *upstream])


@router.post(
    "/game/games",
    openapi_extra=openapi_body(GamesBody),
    responses=v4_answers(GamesAnswer, ApiCode.PROVIDER_NOT_FOUND),
)
def game_games(
    agent: Agent, platform: PlatformDep, body: Annotated[GamesBody, Depends(body_of(GamesBody))]
) -> ExactJSONResponse:
    if body.provider_id == catalogue.PROVIDER_ID:
        return ok_exact(_own_games(platform, agent))
    # A provider not offered to this operator is answered as one that does not exist.
    if body.provider_id not in {p.id for p in providers.providers_of(platform, agent.id)}:
        raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {body.provider_id}")
    games = provider_games.offered_games(platform, agent.id, body.provider_id)
    return ok_exact([provider_games.main_api_item(g) for g in games])


@router.post("/game/all", openapi_extra=openapi_body(LangOnly), responses=v4_answers(GamesAnswer))
def game_all(
    agent: Agent, platform: PlatformDep, _body: Annotated[LangOnly, Depends(body_of(LangOnly))]
) -> ExactJSONResponse:
    own = _own_games(platform, agent)
    upstream = provider_games.offered_games(platform, agent.id, None)
    return ok_exact(own + [provider_games.main_api_item(g) for g in upstream])


@router.post(
    "/game/game-url",
    openapi_extra=openapi_body(GameUrlBody) | key_header(),
    responses=v4_answers(
        GameUrlAnswer,
        *V4_KEYED,
        ApiCode.UNDER_MAINTENANCE,
        ApiCode.USER_NOT_FOUND,
        ApiCode.PERMISSION_ERROR,
        ApiCode.PROVIDER_NOT_FOUND,
        ApiCode.GAME_NOT_FOUND,
        ApiCode.PARAMETERS_INVALID,
        ApiCode.CALLBACK_ERROR,
        ApiCode.PROVIDER_ERROR,
        ApiCode.AGENT_NOT_APPROVED,
        ApiCode.JURISDICTION_UNKNOWN,
        ApiCode.JURISDICTION_CURRENCY,
        ApiCode.CURRENCY_NOT_OFFERED,
        ApiCode.PLAYER_CURRENCY_FIXED,
        ApiCode.PLAYER_SELF_EXCLUDED,
        ApiCode.PLAYER_LIMIT_REACHED,
        ApiCode.PLAYER_BLOCKED,
    ),
)
@once
def game_url(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[GameUrlBody, Depends(body_of(GameUrlBody))],
) -> ExactJSONResponse:
    if body.provider_id != catalogue.PROVIDER_ID:
        # An upstream provider's game: the provider gives the URL (services/upstream_launch).
        upstream = upstream_launch.UpstreamLaunch(
            user_code=body.user_code,
            provider_id=body.provider_id,
            game_code=body.game_symbol,
            lang=body.lang,
            return_url=body.return_url,
        )
        return ok_exact(
            {"game_url": upstream_launch.launch_upstream_game(platform, agent, upstream)}
        )
    rtp = body.rtp if body.rtp is not None else body.win_ratio
    request = launch.LaunchRequest(
        user_code=body.user_code,
        provider_id=body.provider_id,
        game_code=body.game_symbol,
        lang=body.lang,
        return_url=body.return_url,
        rtp_percent=Decimal(rtp or 0),
        demo=body.demo,
        jurisdiction=body.jurisdiction,
        country=body.country,
        time_limit_minutes=body.time_limit_minutes,
        loss_limit_minor=body.loss_limit_minor,
        currency=body.currency,
        reality_check_minutes=body.reality_check_minutes,
        display_unit=body.display_unit,
    )
    return ok_exact({"game_url": launch.create_launch_url(platform, agent, request)})
