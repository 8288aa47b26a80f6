"""Main API facade for operators integrated with iGamingAce flavour A (`/v1/...`).

Contract: the iGamingAce public contract, "Flavour A, Main API". Thin: parse, call the same
services as the v4 API (players, launch, free rounds), wrap in `{"success","message","data"}`.
Auth, IP allow-list and the in-flight cap are the v4 agent context. A refusal is
`{"success": false, "message": "<CODE_NAME>", "data": {"code": <v4 code>, "detail": ...}}`:
the message is the stable name an integration switches on (`SERVER_IS_BUSY`,
`BONUSCALL_ALEADY_ENDED`...), in the contract's own spelling (`PUBLISHED_NAMES`), the data
says the same as the v4 API would.

Requests: unknown fields are ignored, ids are numbers or text, and any `language` plays
(English when Reelhouse does not offer it); docs/api.md lists each of these.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from reelhouse.api.answer_docs import V4_KEYED, facade_a_answers
from reelhouse.api.body import ContractBody, IdNumber, IdText, Int64, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.facade_route import envelope_route
from reelhouse.api.game_refs import game_code_of_number
from reelhouse.api.idempotency import idempotent, key_header
from reelhouse.api.schemas_facades import (
    BonusRegisteredAnswer,
    FacadeAGameListAnswer,
    FacadeANothingAnswer,
    LaunchAnswer,
    PlayerLinkAnswer,
    ProviderListAnswer,
)
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.languages import MAX_LANG_CHARS
from reelhouse.domain.limits import (
    MAX_CURRENCY_CODE_CHARS,
    SESSION_LOSS_LIMIT_MAX_MINOR,
    SESSION_TIME_LIMIT_MAX_MINUTES,
)
from reelhouse.games import catalogue
from reelhouse.games.model import GameInfo
from reelhouse.services import freerounds, game_metadata, launch, players
from reelhouse.services.platform import Platform
from reelhouse.services.transactions import parse_api_time
from reelhouse.store.models import Operator

# Where the contract publishes a code's name spelled otherwise than Reelhouse's, the
# contract's spelling (clients compare the text as published, typo included).
PUBLISHED_NAMES: dict[ApiCode, str] = {ApiCode.BONUSCALL_ALREADY_ENDED: "BONUSCALL_ALEADY_ENDED"}


def _refusal(exc: ReelhouseError) -> dict[str, Any]:
    data = {"code": int(exc.code), "detail": exc.message}
    name = PUBLISHED_NAMES.get(exc.code, exc.code.name)
    return {"success": False, "message": name, "data": data}


def ok(data: Any) -> dict[str, Any]:
    return {"success": True, "message": "OK", "data": data}


router = APIRouter(prefix="/v1", tags=["iGamingAce A facade"], route_class=envelope_route(_refusal))
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
PlayerId = Annotated[IdText, Field(min_length=1, max_length=64)]
IssueId = Int64 | Annotated[str, Field(min_length=1, max_length=64)]
# The mutating calls take an Idempotency-Key (api/idempotency.py); a refusal kept for its
# repeats is written as the route class writes it.
once = idempotent(lambda exc: JSONResponse(_refusal(exc)))

BONUS_TYPE_FREE_SPINS = 1
# metaData.spinAmount: how many free spins one bonus call grants (spec: 10-100).
SPIN_AMOUNT_MIN = 10
SPIN_AMOUNT_MAX = 100
# A provider's status in `/v1/provider/list`: 1 normal (2 would be maintenance).
PROVIDER_ACTIVE = 1


class PlayerLinkBody(ContractBody):
    playerId: PlayerId


class LaunchBody(ContractBody):
    playerId: PlayerId
    providerId: IdNumber
    gameId: IdNumber
    language: str = Field(default="en", max_length=MAX_LANG_CHARS)
    returnUrl: str = Field(default="", max_length=2048)
    isStreamer: bool = False
    demo: bool = False
    # [ours] the session's limits, as the v4 game-url's (docs/jurisdictions.md).
    timeLimitMinutes: int | None = Field(default=None, ge=1, le=SESSION_TIME_LIMIT_MAX_MINUTES)
    lossLimitMinor: int | None = Field(default=None, ge=1, le=SESSION_LOSS_LIMIT_MAX_MINOR)
    # [ours] one of the agent's currencies; absent: the player's (docs/api.md).
    currency: str | None = Field(default=None, max_length=MAX_CURRENCY_CODE_CHARS)
    # [ours] the player's own reality-check interval, as the v4 game-url's
    # `reality_check_minutes` (1-1440, 1012 outside; docs/jurisdictions.md).
    realityCheckMinutes: int | None = None
    # [ours] the display unit the player sees and bets in, as the v4 game-url's
    # `display_unit` (docs/api.md; 1012 for one not of the session's currency).
    displayUnit: str | None = None


class BonusMeta(ContractBody):
    spinAmount: int
    # A JSON number (read as an exact decimal, never a float) or decimal text.
    baseBetAmount: Decimal | int | str


class BonusRegisterBody(ContractBody):
    # The contract's field table names the bonus `platformId`, its example body `issueId`:
    # either is accepted (`bonus_id`).
    issueId: IssueId | None = None
    platformId: IssueId | None = None
    providerId: IdNumber
    gameId: IdNumber
    playerId: PlayerId
    bonusType: int
    callAmount: Decimal | int | str = Field(description="the most the bonus may pay; 0 = no cap")
    expireAt: str = Field(description="'YYYY-MM-DD HH:mm:ss', UTC")
    metaData: BonusMeta


class BonusCancelBody(ContractBody):
    playerId: PlayerId
    issueId: IssueId


def bonus_id(body: BonusRegisterBody) -> int | str:
    """The bonus's id under either published name; both given must agree (1012), one is
    required (1002, as a missing field)."""
    if body.issueId is None and body.platformId is None:
        raise ReelhouseError(ApiCode.VALIDATION_ERROR, "platformId (or issueId): Field required")
    both = body.issueId is not None and body.platformId is not None
    if both and str(body.issueId) != str(body.platformId):
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "platformId and issueId differ")
    found = body.issueId if body.issueId is not None else body.platformId
    assert found is not None
    return found


def game_code_of(provider_id: int, game_id: int) -> str:
    """The game behind a numeric gameId (domain.game_ids): 2007 / 2003 if unknown."""
    if provider_id != catalogue.PROVIDER_ID:
        raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {provider_id}")
    return game_code_of_number(game_id)


def _user_code(platform: Platform, agent: Operator, player_id: str) -> int:
    with platform.db.transaction() as session:
        return players.find_by_name(session, agent.id, player_id).id


def _game_item(platform: Platform, game: GameInfo) -> dict[str, Any]:
    return {
        "gameId": numeric_game_id(game.game_code),
        "gameCode": game.game_code,
        "name": game.name,
        "providerId": game.provider_id,
        "category": game.category,
        "image": game_metadata.image_url(platform, game.game_code),
        "rtpVariants": list(game.rtp_variants),
    }


@router.post(
    "/player/link",
    openapi_extra=openapi_body(PlayerLinkBody) | key_header(),
    responses=facade_a_answers(
        PlayerLinkAnswer, *V4_KEYED, ApiCode.PARAMETERS_INVALID, spelled=PUBLISHED_NAMES
    ),
)
@once
def player_link(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[PlayerLinkBody, Depends(body_of(PlayerLinkBody))],
) -> dict[str, Any]:
    ref = players.create_or_get(platform, agent.id, body.playerId, players.IGAMINGACE_A_NAMES)
    # playerCode is Reelhouse's user_code, as text: a JavaScript client keeps every digit.
    return ok({"playerId": ref.name, "playerCode": str(ref.user_code)})


@router.get(
    "/provider/list", responses=facade_a_answers(ProviderListAnswer, spelled=PUBLISHED_NAMES)
)
def provider_list(_agent: Agent) -> dict[str, Any]:
    return ok(
        [
            {
                "providerId": catalogue.PROVIDER_ID,
                "name": catalogue.PROVIDER_NAME,
                "status": PROVIDER_ACTIVE,
            }
        ]
    )


@router.get(
    "/game/list",
    responses=facade_a_answers(
        FacadeAGameListAnswer, ApiCode.PROVIDER_NOT_FOUND, spelled=PUBLISHED_NAMES
    ),
)
def game_list(
    _agent: Agent, platform: PlatformDep, providerId: Annotated[int | None, Query()] = None
) -> dict[str, Any]:
    if providerId is not None and providerId != catalogue.PROVIDER_ID:
        raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {providerId}")
    return ok([_game_item(platform, g) for g in catalogue.list_games()])


@router.post(
    "/game/launch",
    openapi_extra=openapi_body(LaunchBody) | key_header(),
    responses=facade_a_answers(
        LaunchAnswer,
        *V4_KEYED,
        ApiCode.UNDER_MAINTENANCE,
        ApiCode.USER_NOT_FOUND,
        ApiCode.PROVIDER_NOT_FOUND,
        ApiCode.GAME_NOT_FOUND,
        ApiCode.PARAMETERS_INVALID,
        ApiCode.CALLBACK_ERROR,
        ApiCode.AGENT_NOT_APPROVED,
        ApiCode.CURRENCY_NOT_OFFERED,
        ApiCode.PLAYER_CURRENCY_FIXED,
        ApiCode.PLAYER_SELF_EXCLUDED,
        ApiCode.PLAYER_LIMIT_REACHED,
        ApiCode.PLAYER_BLOCKED,
        spelled=PUBLISHED_NAMES,
    ),
)
@once
def game_launch(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[LaunchBody, Depends(body_of(LaunchBody))],
) -> dict[str, Any]:
    """The launch URL, as a string: one use, 10 minutes. `isStreamer` is accepted and not
    acted on yet (docs/api.md)."""
    request = launch.LaunchRequest(
        user_code=_user_code(platform, agent, body.playerId),
        provider_id=body.providerId,
        game_code=game_code_of(body.providerId, body.gameId),
        lang=body.language,
        return_url=body.returnUrl,
        rtp_percent=Decimal(0),
        demo=body.demo,
        time_limit_minutes=body.timeLimitMinutes,
        loss_limit_minor=body.lossLimitMinor,
        currency=body.currency,
        reality_check_minutes=body.realityCheckMinutes,
        display_unit=body.displayUnit,
    )
    return ok(launch.create_launch_url(platform, agent, request))


@router.post(
    "/bonus-call/register",
    openapi_extra=openapi_body(BonusRegisterBody) | key_header(),
    responses=facade_a_answers(
        BonusRegisteredAnswer,
        *V4_KEYED,
        ApiCode.BONUSCALL_DOUBLE,
        ApiCode.PARAMETERS_INVALID,
        ApiCode.USER_NOT_FOUND,
        ApiCode.PROVIDER_NOT_FOUND,
        ApiCode.GAME_NOT_FOUND,
        spelled=PUBLISHED_NAMES,
    ),
)
@once
def bonus_call_register(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[BonusRegisterBody, Depends(body_of(BonusRegisterBody))],
) -> dict[str, Any]:
    """Free spins as a bonus call; one active bonus per player (2011 for a second). The
    answer names the bonus as the request did (`issueId`, and `platformId` when sent)."""
    issue_id = bonus_id(body)
    if body.bonusType != BONUS_TYPE_FREE_SPINS:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "bonusType must be 1 (free spins)")
    spins = body.metaData.spinAmount
    if not SPIN_AMOUNT_MIN <= spins <= SPIN_AMOUNT_MAX:
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID,
            f"metaData.spinAmount must be {SPIN_AMOUNT_MIN}-{SPIN_AMOUNT_MAX}",
        )
    user_code = _user_code(platform, agent, body.playerId)
    if freerounds.active_grants(platform, agent.id, user_code):
        raise ReelhouseError(ApiCode.BONUSCALL_DOUBLE, "the player has an active bonus already")
    code = freerounds.grant_limits(platform, agent, user_code).currency.code
    request = freerounds.GrantRequest(
        user_code=user_code,
        provider_id=body.providerId,
        game_code=game_code_of(body.providerId, body.gameId),
        bet_minor=freerounds.bet_minor_of(code, body.metaData.baseBetAmount),
        rounds=spins,
        expires_at=parse_api_time(body.expireAt, "expireAt"),
        external_id=str(issue_id),
        win_cap_minor=freerounds.bet_minor_of(code, body.callAmount),
        currency=code,
    )
    granted = freerounds.grant(platform, agent.id, request)
    _keep_one_active(platform, agent, user_code, granted)
    answer: dict[str, Any] = {"issueId": issue_id}
    if body.platformId is not None:
        answer["platformId"] = issue_id
    return ok(answer)


def _keep_one_active(
    platform: Platform, agent: Operator, user_code: int, granted: freerounds.GrantView
) -> None:
    """Two registrations for one player at once both pass the check above; the earlier grant
    (lowest fr_id) is kept and the later one withdrawn, so at most one stays active."""
    active = freerounds.active_grants(platform, agent.id, user_code)
    if min(g.fr_id for g in active) != granted.fr_id:
        freerounds.cancel(platform, agent.id, fr_id=granted.fr_id)
        raise ReelhouseError(ApiCode.BONUSCALL_DOUBLE, "the player has an active bonus already")


@router.post(
    "/bonus-call/cancel",
    openapi_extra=openapi_body(BonusCancelBody) | key_header(),
    responses=facade_a_answers(
        FacadeANothingAnswer,
        *V4_KEYED,
        ApiCode.USER_NOT_FOUND,
        ApiCode.FREEROUND_NO_EXIST,
        ApiCode.BONUSCALL_ALREADY_ENDED,
        spelled=PUBLISHED_NAMES,
    ),
)
@once
def bonus_call_cancel(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[BonusCancelBody, Depends(body_of(BonusCancelBody))],
) -> dict[str, Any]:
    """Cancel an active bonus, started or not: cancelling forfeits the spins not played yet
    (the contract's rule). A completed one (used up), expired or cancelled before is
    BONUSCALL_ALEADY_ENDED (2012, the contract's spelling); unknown is 2020."""
    user_code = _user_code(platform, agent, body.playerId)
    grant = freerounds.find(platform, agent.id, external_id=str(body.issueId))
    if grant.user_code != user_code:
        raise ReelhouseError(ApiCode.FREEROUND_NO_EXIST, "no such bonus for this player")
    if grant.state is not freerounds.GrantState.ACTIVE:
        raise ReelhouseError(ApiCode.BONUSCALL_ALREADY_ENDED, f"this bonus is {grant.state}")
    freerounds.cancel(platform, agent.id, external_id=str(body.issueId), forfeit_started=True)
    return ok({})
