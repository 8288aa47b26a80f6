"""Main API v4 events pull: the operator's events after a cursor (docs/webhooks.md). Thin:
parse, call, wrap; range checks are the service's (1012)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from reelhouse.api.answer_docs import v4_answers
from reelhouse.api.body import ContractBody, IdNumber, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.schemas_v4 import EventsAnswer
from reelhouse.domain.errors import ApiCode
from reelhouse.services import webhooks
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]


class EventsBody(ContractBody):
    after: IdNumber = 0  # a sequence: events above it are returned
    limit: int = 100


@router.post(
    "/events",
    openapi_extra=openapi_body(EventsBody),
    responses=v4_answers(EventsAnswer, ApiCode.PARAMETERS_INVALID),
)
def events_after(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[EventsBody, Depends(body_of(EventsBody))],
) -> ExactJSONResponse:
    """[ours] The operator's events with a sequence above `after`, in order (at most
    `limit`, 1-500), and `last_sequence`, the newest one's."""
    return ok_exact(webhooks.pull(platform, agent.id, int(body.after), body.limit))
