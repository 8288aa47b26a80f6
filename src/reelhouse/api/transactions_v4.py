"""Main API v4 transaction feeds (time window and cursor). Thin: parse, call, wrap.

Range checks (window, limit, offset) live in the service so that a bad value is 1012, as
the spec wants; the body model only refuses wrong JSON types (1002)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field

from reelhouse.api.answer_docs import v4_answers
from reelhouse.api.body import ContractBody, IdNumber, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok_exact
from reelhouse.api.exact_json import ExactJSONResponse
from reelhouse.api.schemas_v4 import TransactionListAnswer, TransactionPageAnswer
from reelhouse.domain.errors import ApiCode
from reelhouse.services import transactions
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
ApiTime = Annotated[str, Field(description="yyyy-MM-dd HH:mm:ss, UTC")]


class TransactionWindowBody(ContractBody):
    start_time: ApiTime
    end_time: ApiTime
    offset: int = 0
    limit: int


class TransactionCursorBody(ContractBody):
    last_id: IdNumber  # a trans_id, as a number or as text
    limit: int


@router.post(
    "/game/transaction",
    openapi_extra=openapi_body(TransactionWindowBody),
    responses=v4_answers(TransactionPageAnswer, ApiCode.PARAMETERS_INVALID),
)
def transaction_window(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[TransactionWindowBody, Depends(body_of(TransactionWindowBody))],
) -> ExactJSONResponse:
    return ok_exact(
        transactions.window_page(
            platform, agent.id, body.start_time, body.end_time, body.offset, body.limit
        )
    )


@router.post(
    "/game/transaction-id",
    openapi_extra=openapi_body(TransactionCursorBody),
    responses=v4_answers(TransactionListAnswer, ApiCode.PARAMETERS_INVALID),
)
def transaction_cursor(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[TransactionCursorBody, Depends(body_of(TransactionCursorBody))],
) -> ExactJSONResponse:
    return ok_exact(transactions.cursor_page(platform, agent.id, body.last_id, body.limit))
