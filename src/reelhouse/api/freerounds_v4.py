"""Main API v4 free rounds: `/v4/game/freeround/start` and `/cancel`. Thin: parse, call, wrap;
the rules live in services/freerounds.py, which the iGamingAce facades call too."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field

from reelhouse.api.answer_docs import V4_KEYED, v4_answers
from reelhouse.api.body import ContractBody, IdNumber, Int64, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact, refusal_response
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.idempotency import idempotent, key_header
from reelhouse.api.schemas_v4 import FreeRoundStartedAnswer, NothingAnswer
from reelhouse.domain.errors import ApiCode
from reelhouse.services import freerounds
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4/game/freeround", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
# Both calls take an Idempotency-Key (api/idempotency.py).
once = idempotent(refusal_response)


class FreeRoundStartBody(ContractBody):
    user_code: Int64
    provider_id: IdNumber
    game_code: str = Field(max_length=64)
    # A JSON number (read as an exact decimal, never a float) or decimal text.
    bet: Decimal | int | str = Field(description="the bet of each free round, e.g. 1.00")
    rounds: int
    # The spec's camelCase name, kept so SlotCity integrations work unchanged.
    expirationDate: int = Field(description="epoch milliseconds, at least 30 minutes ahead")


class FreeRoundCancelBody(ContractBody):
    fr_id: IdNumber  # as the start answered it (a number), or as text


@router.post(
    "/start",
    openapi_extra=openapi_body(FreeRoundStartBody) | key_header(),
    responses=v4_answers(
        FreeRoundStartedAnswer,
        *V4_KEYED,
        ApiCode.USER_NOT_FOUND,
        ApiCode.PERMISSION_ERROR,
        ApiCode.PROVIDER_NOT_FOUND,
        ApiCode.GAME_NOT_FOUND,
        ApiCode.PARAMETERS_INVALID,
    ),
)
@once
def freeround_start(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[FreeRoundStartBody, Depends(body_of(FreeRoundStartBody))],
) -> ExactJSONResponse:
    code = freerounds.grant_limits(platform, agent, body.user_code).currency.code
    request = freerounds.GrantRequest(
        user_code=body.user_code,
        provider_id=body.provider_id,
        game_code=body.game_code,
        bet_minor=freerounds.bet_minor_of(code, body.bet),
        rounds=body.rounds,
        expires_at=freerounds.expiry_from_epoch_ms(body.expirationDate),
        currency=code,
    )
    grant = freerounds.grant(platform, agent.id, request)
    # `fr_id_text` [ours]: the same id as text.
    return ok_exact({"fr_id": grant.fr_id, "fr_id_text": str(grant.fr_id)})


@router.post(
    "/cancel",
    openapi_extra=openapi_body(FreeRoundCancelBody) | key_header(),
    responses=v4_answers(
        NothingAnswer, *V4_KEYED, ApiCode.FREEROUND_NO_EXIST, ApiCode.BONUSCALL_ALREADY_ENDED
    ),
)
@once
def freeround_cancel(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[FreeRoundCancelBody, Depends(body_of(FreeRoundCancelBody))],
) -> ExactJSONResponse:
    freerounds.cancel(platform, agent.id, fr_id=body.fr_id)
    return ok_exact({})
