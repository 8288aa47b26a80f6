"""`POST /v4/agent/callback-test`: the quick probe of an agent's wallet (SlotCity v4 spec).

One `balance` callback (the read the operator's wallet answers at launch and during play) to
the agent's configured callback URL, signed in its dialect with its own credentials; it
moves no money. The answer says where the callback went, how long the wallet took, and what
Reelhouse made of its answer. The same probe backs the back office's "test callback" button.
The full pre-go-live test is `reelhouse operator approve` (docs/conformance.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from reelhouse.api.answer_docs import v4_answers
from reelhouse.api.body import StrictBody, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok
from reelhouse.api.schemas_v4 import CallbackProbeAnswer
from reelhouse.services.backoffice_settings import test_callback
from reelhouse.services.ops_logs import MAIN_API_ACTOR, record_callback_test
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])


class Empty(StrictBody):
    pass


@router.post(
    "/agent/callback-test",
    openapi_extra=openapi_body(Empty),
    responses=v4_answers(CallbackProbeAnswer),
)
def callback_test(
    agent: Annotated[Operator, Depends(agent_context)],
    platform: Annotated[Platform, Depends(platform_of)],
    _body: Annotated[Empty, Depends(body_of(Empty))],
) -> dict[str, Any]:
    probe = test_callback(platform, agent.id)
    # Kept with the back office's own tests: the Settings page lists both.
    record_callback_test(platform, agent.id, probe, MAIN_API_ACTOR)
    return ok(
        {
            "callback_url": probe.url,
            "time": probe.latency_ms,
            "dialect": agent.dialect,
            "reachable": probe.reachable,
            "outcome": probe.outcome,
            "detail": probe.detail,
            "balance": probe.balance,
        }
    )
