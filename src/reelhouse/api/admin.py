"""The JSON admin API: the manual queue of stuck wallet calls, and the audit log.

Enabled only when REELHOUSE_ADMIN_TOKEN is set (at least ADMIN_TOKEN_MIN_CHARS long);
otherwise every /admin path answers 404 as if it did not exist. Callers send
`Authorization: Bearer <admin token>`, compared in constant time. Answers use the Main API
envelope and codes (docs/api.md, "Admin API"). Thin: parse, call, wrap.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from reelhouse.api.body import StrictBody, body_of, openapi_body
from reelhouse.api.deps import bearer_token, configured_token, platform_of
from reelhouse.api.envelope import ok
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import ADMIN_TOKEN_MIN_CHARS, STUCK_LIST_MAX_ROWS
from reelhouse.services import audit, stuck_calls
from reelhouse.services.platform import Platform

ADMIN_TOKEN_ENV = "REELHOUSE_ADMIN_TOKEN"  # noqa: S105 - the variable's name, not a secret


def admin_only(request: Request) -> None:
    """404 while the admin API is disabled; 1007/1009 for a missing or wrong token."""
    expected = configured_token(ADMIN_TOKEN_ENV, ADMIN_TOKEN_MIN_CHARS, "admin API")
    if not hmac.compare_digest(bearer_token(request).encode(), expected.encode()):
        raise ReelhouseError(ApiCode.TOKEN_INVALID, "admin token is not valid")


router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)], include_in_schema=False)
PlatformDep = Annotated[Platform, Depends(platform_of)]
CallId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class ActionBody(StrictBody):
    # Defaults let a missing field get the same clear refusal (1012) as a blank one.
    by: str = ""
    reason: str = ""


@router.get("/stuck-calls")
def list_stuck_calls(
    platform: PlatformDep,
    operator: str | None = None,
    min_age_seconds: Annotated[int | None, Query(ge=0, le=10 * 365 * 86400)] = None,
    limit: Annotated[int, Query(ge=1, le=STUCK_LIST_MAX_ROWS)] = 100,
) -> dict[str, Any]:
    min_age = dt.timedelta(seconds=min_age_seconds) if min_age_seconds is not None else None
    calls = stuck_calls.list_stuck(platform, operator=operator, min_age=min_age, limit=limit)
    return ok({"count": len(calls), "calls": calls})


@router.post("/stuck-calls/{call_id}/retry", openapi_extra=openapi_body(ActionBody))
def retry_stuck_call(
    call_id: CallId,
    platform: PlatformDep,
    body: Annotated[ActionBody, Depends(body_of(ActionBody))],
) -> dict[str, Any]:
    who = audit.Accountable.checked(body.by, body.reason)
    return ok(stuck_calls.retry(platform, call_id, who))


@router.post("/stuck-calls/{call_id}/resolve", openapi_extra=openapi_body(ActionBody))
def resolve_stuck_call(
    call_id: CallId,
    platform: PlatformDep,
    body: Annotated[ActionBody, Depends(body_of(ActionBody))],
) -> dict[str, Any]:
    who = audit.Accountable.checked(body.by, body.reason)
    return ok(stuck_calls.resolve(platform, call_id, who))


@router.get("/audit")
def audit_log(
    platform: PlatformDep,
    target_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=STUCK_LIST_MAX_ROWS)] = 100,
) -> dict[str, Any]:
    entries = audit.recent(platform, target_id=target_id, limit=limit)
    return ok({"count": len(entries), "entries": entries})
