"""Main API v4 transaction feeds (time window and cursor). Thin: parse, call, wrap.

Range checks (window, limit, offset) live in the service so that a bad value is 1012, as
the spec wants; the body model only refuses wrong JSON types (1002)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from reelhouse.api.body import StrictBody, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.envelope import ok
from reelhouse.services import transactions
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

router = APIRouter(prefix="/v4", tags=["Main API v4"])
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
ApiTime = Annotated[str, Field(description="yyyy-MM-dd HH:mm:ss, UTC")]


class TransactionWindowBody(StrictBody):
    start_time: ApiTime
    end_time: ApiTime
    offset: int = 0
    limit: int


class TransactionCursorBody(StrictBody):
    last_id: int
    limit: int


@router.post("/game/transaction", openapi_extra=openapi_body(TransactionWindowBody))
def transaction_window(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[TransactionWindowBody, Depends(body_of(TransactionWindowBody))],
) -> dict[str, Any]:
    return ok(
        transactions.window_page(
            platform, agent.id, body.start_time, body.end_time, body.offset, body.limit
        )
    )


@router.post("/game/transaction-id", openapi_extra=openapi_body(TransactionCursorBody))
def transaction_cursor(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[TransactionCursorBody, Depends(body_of(TransactionCursorBody))],
) -> dict[str, Any]:
    return ok(transactions.cursor_page(platform, agent.id, body.last_id, body.limit))
