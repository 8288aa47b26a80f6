"""Main API v4 (operator -> Reelhouse), SlotCity-v4 compatible. Thin: parse, call, wrap."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from reelhouse.api.body import StrictBody, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.money import currency, format_fixed
from reelhouse.games import catalogue
from reelhouse.games.model import GameInfo
from reelhouse.services import launch, operators, players
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
Int64 = Annotated[int, Field(ge=1, le=2**63 - 1)]
RtpValue = Annotated[Decimal | int, Field(ge=0, le=100)]


class Empty(StrictBody):
    pass


class LangOnly(StrictBody):
    lang: str | None = None


class RtpBody(StrictBody):
    rtp: RtpValue


class UserCreateBody(StrictBody):
    name: str


class UserInfoBody(StrictBody):
    user_code: Int64


class GamesBody(StrictBody):
    provider_id: int
    lang: str | None = None


class GameUrlBody(StrictBody):
    user_code: Int64
    provider_id: int
    game_symbol: str = Field(max_length=64)
    lang: str = "en"
    return_url: str = Field(default="", max_length=2048)
    rtp: RtpValue | None = None
    win_ratio: RtpValue | None = None  # the original API's alias of rtp
    demo: bool = False  # [ours] fun money: same game and math, no wallet calls


def _rtp_number(rtp_bp: int) -> int | float:
    """RTP as a JSON number: 96 or 96.5. A percentage, not money, so a float is harmless
    here; whole percentages stay integers."""
    whole, part = divmod(rtp_bp, operators.BP_PER_PERCENT)
    return whole if part == 0 else rtp_bp / operators.BP_PER_PERCENT


def _game_item(game: GameInfo) -> dict[str, Any]:
    return {
        "provider_id": game.provider_id,
        "game_code": game.game_code,
        "game_name": game.name,
        "locale_name": game.name,
        "game_image": "",
        "launch_enable": 1,
        "category": game.category,
        "reg_date": "2026-01-01 00:00:00",
    }


@router.post("/agent/info", openapi_extra=openapi_body(Empty))
def agent_info(agent: Agent, _body: Annotated[Empty, Depends(body_of(Empty))]) -> dict[str, Any]:
    rtp = _rtp_number(agent.rtp_bp)
    return ok(
        {
            "name": agent.name,
            "currency": agent.currency,
            "balance": 0,
            "rtp": rtp,
            "win_ratio": rtp,
            "state": agent.state,
        }
    )


@router.post("/agent/rtp", openapi_extra=openapi_body(RtpBody))
def agent_rtp(
    agent: Agent, platform: PlatformDep, body: Annotated[RtpBody, Depends(body_of(RtpBody))]
) -> dict[str, Any]:
    rtp_bp = operators.set_rtp(platform, agent.id, Decimal(body.rtp))
    return ok({"rtp": _rtp_number(rtp_bp), "requested": str(body.rtp)})


@router.post("/user/create", openapi_extra=openapi_body(UserCreateBody))
def user_create(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[UserCreateBody, Depends(body_of(UserCreateBody))],
) -> dict[str, Any]:
    ref = players.create_or_get(platform, agent.id, body.name)
    return ok({"user_code": ref.user_code, "is_new_user": ref.is_new})


@router.post("/user/info", openapi_extra=openapi_body(UserInfoBody))
def user_info(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[UserInfoBody, Depends(body_of(UserInfoBody))],
) -> dict[str, Any]:
    with platform.db.transaction() as session:
        player = players.owned_player(session, agent.id, body.user_code)
        balance = player.last_balance_minor or 0
        return ok({"name": player.name, "balance": format_fixed(balance, currency(agent.currency))})


@router.post("/game/providers", openapi_extra=openapi_body(LangOnly))
def game_providers(
    _agent: Agent, _body: Annotated[LangOnly, Depends(body_of(LangOnly))]
) -> dict[str, Any]:
    return ok(
        [
            {
                "provider_id": catalogue.PROVIDER_ID,
                "provider_name": catalogue.PROVIDER_NAME,
                "locale_name": catalogue.PROVIDER_NAME,
                "status": 1,
            }
        ]
    )


@router.post("/game/games", openapi_extra=openapi_body(GamesBody))
def game_games(
    _agent: Agent, body: Annotated[GamesBody, Depends(body_of(GamesBody))]
) -> dict[str, Any]:
    if body.provider_id != catalogue.PROVIDER_ID:
        raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {body.provider_id}")
    return ok([_game_item(g) for g in catalogue.list_games()])


@router.post("/game/all", openapi_extra=openapi_body(LangOnly))
def game_all(
    _agent: Agent, _body: Annotated[LangOnly, Depends(body_of(LangOnly))]
) -> dict[str, Any]:
    return ok([_game_item(g) for g in catalogue.list_games()])


@router.post("/game/game-url", openapi_extra=openapi_body(GameUrlBody))
def game_url(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[GameUrlBody, Depends(body_of(GameUrlBody))],
) -> dict[str, Any]:
    rtp = body.rtp if body.rtp is not None else body.win_ratio
    request = launch.LaunchRequest(
        user_code=body.user_code,
        provider_id=body.provider_id,
        game_code=body.game_symbol,
        lang=body.lang,
        return_url=body.return_url,
        rtp_percent=Decimal(rtp or 0),
        demo=body.demo,
    )
    return ok({"game_url": launch.create_launch_url(platform, agent, request)})
