"""Main API v4 read of the responsible-gaming audit: the operator's rows of a period, a page
at a time (docs/jurisdictions.md, "Audit"). Thin: parse, call, wrap; range checks are the
service's (1012)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from reelhouse.api.answer_docs import v4_answers
from reelhouse.api.body import ContractBody, IdNumber, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.schemas_v4 import ApiTime, RgAuditAnswer
from reelhouse.domain.errors import ApiCode
from reelhouse.services import rg_audit
from reelhouse.services.platform import Platform
from reelhouse.services.transactions import parse_api_time
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]


class RgAuditBody(ContractBody):
    start_time: ApiTime
    end_time: ApiTime
    after_id: IdNumber = 0  # the last row's `id` of the previous page
    limit: int = 100


@router.post(
    "/rg/audit",
    openapi_extra=openapi_body(RgAuditBody),
    responses=v4_answers(RgAuditAnswer, ApiCode.PARAMETERS_INVALID),
)
def audit_rows(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[RgAuditBody, Depends(body_of(RgAuditBody))],
) -> ExactJSONResponse:
    """[ours] The agent's audit rows in [start_time, end_time) with an `id` above
    `after_id`, oldest first, at most `limit` (1-500)."""
    since = parse_api_time(body.start_time, "start_time")
    until = parse_api_time(body.end_time, "end_time")
    rows = rg_audit.entries(
        platform, agent.id, since, until, after_id=int(body.after_id), limit=body.limit
    )
    return ok_exact({"entries": list(rows)})
