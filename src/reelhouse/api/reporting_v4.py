"""Main API v4 reporting: round details, live sessions, statistics (JSON or CSV). Thin:
parse, call, wrap. Range checks live in the services, so a bad value is 1012 and a wrong
JSON type 1002, as everywhere in the Main API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import Field

from reelhouse.api.answer_docs import v4_answers
from reelhouse.api.body import ContractBody, IdNumber, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.schemas_v4 import (
    DayStatsAnswer,
    GameStatsAnswer,
    OnlineGamesAnswer,
    RoundDetailsAnswer,
    UserStatsAnswer,
)
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import FEED_MAX_LIMIT
from reelhouse.services import online, round_details, statistics
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
ApiTime = Annotated[str, Field(description="yyyy-MM-dd HH:mm:ss, UTC")]
ApiDate = Annotated[str, Field(description="yyyy-MM-dd, a UTC day")]
OutputFormat = Annotated[
    str, Query(alias="format", description="`json` (the envelope, default) or `csv`")
]


class RoundDetailsBody(ContractBody):
    # Ids as numbers or as text: the feed sends `round_id` as text, and clients send it back.
    user_code: IdNumber
    round_id: IdNumber
    provider_id: IdNumber
    # An upstream game's code is `<provider name>/<provider's game code>` (rounds.game_code,
    # at most 200 characters); Reelhouse's own are far shorter.
    game_code: str = Field(max_length=200)


class OnlineGamesBody(ContractBody):
    offset: int = 0
    limit: int = FEED_MAX_LIMIT


class UserStatsBody(ContractBody):
    start_time: ApiTime
    end_time: ApiTime
    offset: int = 0
    limit: int


class DaysBody(ContractBody):
    start_date: ApiDate
    end_date: ApiDate


def _answer(output: str, name: str, columns: Sequence[str], data: dict[str, Any]) -> Response:
    """The envelope, or the list as CSV (errors stay JSON envelopes either way)."""
    if output == "json":
        return ok_exact(data)
    if output != "csv":
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "format must be json or csv")
    return Response(
        statistics.to_csv(columns, data["list"]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.post(
    "/game/round-details",
    openapi_extra=openapi_body(RoundDetailsBody),
    responses=v4_answers(RoundDetailsAnswer, ApiCode.ROUND_NOT_FOUND, ApiCode.PROVIDER_NOT_FOUND),
)
def round_details_url(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[RoundDetailsBody, Depends(body_of(RoundDetailsBody))],
) -> ExactJSONResponse:
    url = round_details.round_details_url(
        platform,
        agent.id,
        user_code=body.user_code,
        round_id=body.round_id,
        provider_id=body.provider_id,
        game_code=body.game_code,
    )
    return ok_exact({"url": url})


@router.post(
    "/game/online-games",
    openapi_extra=openapi_body(OnlineGamesBody),
    responses=v4_answers(OnlineGamesAnswer, ApiCode.PARAMETERS_INVALID),
)
def online_games(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[OnlineGamesBody, Depends(body_of(OnlineGamesBody))],
) -> ExactJSONResponse:
    return ok_exact(online.online_games(platform, agent.id, body.offset, body.limit))


@router.post(
    "/statistics/user",
    openapi_extra=openapi_body(UserStatsBody),
    response_model=None,
    responses=v4_answers(UserStatsAnswer, ApiCode.PARAMETERS_INVALID, csv=True),
)
def statistics_user(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[UserStatsBody, Depends(body_of(UserStatsBody))],
    output: OutputFormat = "json",
) -> Response:
    data = statistics.user_page(
        platform, agent.id, body.start_time, body.end_time, body.offset, body.limit
    )
    return _answer(output, "statistics-user", statistics.USER_COLUMNS, data)


@router.post(
    "/statistics/day",
    openapi_extra=openapi_body(DaysBody),
    response_model=None,
    responses=v4_answers(DayStatsAnswer, ApiCode.PARAMETERS_INVALID, csv=True),
)
def statistics_day(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[DaysBody, Depends(body_of(DaysBody))],
    output: OutputFormat = "json",
) -> Response:
    data = statistics.day_rows(platform, agent.id, body.start_date, body.end_date)
    name = f"statistics-day-{data['start_date']}-{data['end_date']}"
    return _answer(output, name, statistics.DAY_COLUMNS, data)


@router.post(
    "/statistics/game",
    openapi_extra=openapi_body(DaysBody),
    response_model=None,
    responses=v4_answers(GameStatsAnswer, ApiCode.PARAMETERS_INVALID, csv=True),
)
def statistics_game(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[DaysBody, Depends(body_of(DaysBody))],
    output: OutputFormat = "json",
) -> Response:
    data = statistics.game_rows(platform, agent.id, body.start_date, body.end_date)
    name = f"statistics-game-{data['start_date']}-{data['end_date']}"
    return _answer(output, name, statistics.GAME_COLUMNS, data)
