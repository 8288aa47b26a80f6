"""Operations pages of one operator: the manual queue of stuck calls (retry, resolve with a
reason), the cancels answered "not found" with their second cancel, and the audit log; and the
game catalogue with each game's math sheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    PREFIX,
    BackofficeRoute,
    NotFound,
    accountable,
    me,
    page,
    platform_of,
    posted,
    read_form,
    refusal_text,
    scope,
)
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services import backoffice_ops, late_bets
from reelhouse.services.backoffice_users import Identity

router = APIRouter(
    prefix=f"{PREFIX}/o/{{operator_id}}", route_class=BackofficeRoute, include_in_schema=False
)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]


@router.get("/stuck")
def stuck(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    calls = backoffice_ops.stuck(platform_of(request), s.operator_name)
    return page(request, "stuck.html", scope=s, calls=calls)


@router.post("/stuck/{call_id}/{action}")
def act_on_stuck(
    operator_id: int, call_id: int, action: str, identity: Me, request: Request, form: Form
) -> Response:
    s = scope(request, identity, operator_id)
    posted(request, identity, form)
    platform = platform_of(request)
    if action not in ("retry", "resolve") or not backoffice_ops.owns_call(
        platform, operator_id, call_id
    ):
        raise NotFound
    notice, error = "", ""
    try:
        # Resolving settles money by hand: a written reason is required (no default).
        if action == "resolve":
            backoffice_ops.resolve_stuck(
                platform, operator_id, call_id, accountable(identity, form.get("reason", ""), "")
            )
            notice = f"Call {call_id} resolved."
        else:
            who = accountable(identity, form.get("reason", ""), "retried from the back office")
            backoffice_ops.retry_stuck(platform, operator_id, call_id, who)
            notice = f"Call {call_id} queued again; the worker sends it next."
    except ReelhouseError as exc:
        error = refusal_text(exc)
    calls = backoffice_ops.stuck(platform, s.operator_name)
    return page(
        request,
        "stuck.html",
        status=400 if error else 200,
        scope=s,
        calls=calls,
        notice=notice,
        error=error,
    )


@router.get("/late-bets")
def not_found_cancels(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    rows = late_bets.not_found_cancels(platform_of(request), operator_id)
    return page(request, "late_bets.html", scope=s, rows=rows)


@router.get("/audit")
def audit_log(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    entries = backoffice_ops.audit_log(platform_of(request), operator_id)
    return page(request, "audit.html", scope=s, entries=entries)


@router.get("/games")
def games(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    return page(request, "games.html", scope=s, games=backoffice_ops.catalogue_view())


@router.get("/games/{game_code}")
def game(operator_id: int, game_code: str, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    sheet = backoffice_ops.game_sheet(game_code)
    if sheet is None:
        raise NotFound
    return page(request, "game.html", scope=s, game=sheet)
