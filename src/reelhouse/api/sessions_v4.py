"""Main API v4, the operator's word on a player (Reelhouse's own calls): end the player's
game sessions now (`/v4/user/terminate-session`, idempotent with an `Idempotency-Key`), and
list the player's rounds not settled yet (`/v4/user/open-rounds`). Thin: parse, call, wrap;
the rules live in services/session_end.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from reelhouse.api.answer_docs import V4_KEYED, v4_answers
from reelhouse.api.body import ContractBody, Int64, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact, refusal_response
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.idempotency import idempotent, key_header
from reelhouse.api.schemas_sessions import OpenRoundsAnswer, SessionsTerminatedAnswer
from reelhouse.domain.errors import ApiCode
from reelhouse.services import session_end
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4/user", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
# Ending sessions changes state: it takes an Idempotency-Key (api/idempotency.py).
once = idempotent(refusal_response)


class PlayerBody(ContractBody):
    user_code: Int64


@router.post(
    "/terminate-session",
    openapi_extra=openapi_body(PlayerBody) | key_header(),
    responses=v4_answers(
        SessionsTerminatedAnswer, *V4_KEYED, ApiCode.USER_NOT_FOUND, ApiCode.PERMISSION_ERROR
    ),
)
@once
def terminate_session(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[PlayerBody, Depends(body_of(PlayerBody))],
) -> ExactJSONResponse:
    """Every open game session of the player ends now: its spins are refused with 3020. A
    round already under way finishes its settlement (its win or refund is still sent)."""
    ended = session_end.terminate_sessions(platform, agent.id, body.user_code)
    return ok_exact({"user_code": body.user_code, "gplay_ids": ended})


@router.post(
    "/open-rounds",
    openapi_extra=openapi_body(PlayerBody),
    responses=v4_answers(OpenRoundsAnswer, ApiCode.USER_NOT_FOUND, ApiCode.PERMISSION_ERROR),
)
def open_rounds(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[PlayerBody, Depends(body_of(PlayerBody))],
) -> ExactJSONResponse:
    """The player's rounds whose bet, win or refund the wallet has not acknowledged yet."""
    found = session_end.open_rounds(platform, agent.id, body.user_code)
    return ok_exact({"user_code": body.user_code, "rounds": found.items, "more": found.more})
