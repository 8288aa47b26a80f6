"""Operations pages of one operator: the manual queue of stuck calls (retry, resolve with a
reason), the cancels answered "not found" with their second cancel, and the audit log; the
game catalogue with each game's math sheet and (for admins) its maintenance switch; the
history of callback tests and the log of refused Main API calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    PREFIX,
    BackofficeRoute,
    Forbidden,
    NotFound,
    Scope,
    accountable,
    me,
    page,
    platform_of,
    posted,
    read_form,
    redirect,
    refusal_text,
    scope,
)
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.numbers import id_of
from reelhouse.services import backoffice_ops, game_maintenance, late_bets, launch, ops_logs
from reelhouse.services.backoffice_users import Identity

router = APIRouter(
    prefix=f"{PREFIX}/o/{{operator_id}}", route_class=BackofficeRoute, include_in_schema=False
)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]
# A game code in a path: the catalogue's codes are short; a longer one names nothing.
GAME_CODE_MAX_CHARS = 64


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


def _games_page(request: Request, s: Scope, *, notice: str = "", error: str = "") -> Response:
    games = backoffice_ops.catalogue_view(platform_of(request), s.operator_id)
    status = 400 if error else 200
    return page(
        request, "games.html", status=status, scope=s, games=games, notice=notice, error=error
    )


@router.get("/games")
def games(operator_id: int, identity: Me, request: Request) -> Response:
    return _games_page(request, scope(request, identity, operator_id))


# The maintenance form's `for` field: this operator only, or every operator.
MAINTENANCE_SCOPES = {"this": False, "every": True}


@router.post("/games/{game_code}/maintenance")
def game_maintenance_switch(
    operator_id: int, game_code: str, identity: Me, request: Request, form: Form
) -> Response:
    """An admin takes a game out of play (or back), for this operator or every operator."""
    s = scope(request, identity, operator_id)
    posted(request, identity, form)
    if not identity.is_admin:
        raise Forbidden("only platform admins switch games to maintenance")
    every = MAINTENANCE_SCOPES.get(form.get("for", ""))
    on = {"on": True, "off": False}.get(form.get("state", ""))
    if every is None or on is None or len(game_code) > GAME_CODE_MAX_CHARS:
        raise NotFound
    try:
        who = accountable(identity, form.get("reason", ""), "switched in the back office")
        target = game_maintenance.EVERY_OPERATOR if every else operator_id
        changed = game_maintenance.switch(platform_of(request), game_code, target, on, who)
    except ReelhouseError as exc:
        return _games_page(request, s, error=refusal_text(exc))
    whom = "every operator" if every else s.operator_name
    state = "in maintenance" if on else "available"
    notice = f"{game_code} is {state} for {whom}." if changed else "Nothing to change."
    return _games_page(request, s, notice=notice)


@router.get("/games/{game_code}")
def game(operator_id: int, game_code: str, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    sheet = backoffice_ops.game_sheet(game_code)
    if sheet is None:
        raise NotFound
    return page(request, "game.html", scope=s, game=sheet)


@router.get("/callback-tests")
def callback_tests(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    rows = ops_logs.callback_tests(platform_of(request), operator_id)
    return page(request, "callback_tests.html", scope=s, rows=rows)


@router.get("/api-errors")
def api_errors(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    rows = ops_logs.api_errors(platform_of(request), operator_id)
    return page(request, "api_errors.html", scope=s, rows=rows)


@router.post("/sessions/{session_id}/close")
def close_session(
    operator_id: int, session_id: int, identity: Me, request: Request, form: Form
) -> Response:
    """End a player's game session now (audited); back to the page the form was on: the
    player's page when it names the player, else the live sessions."""
    s = scope(request, identity, operator_id)
    posted(request, identity, form)
    who = accountable(identity, form.get("reason", ""), "closed in the back office")
    # Another operator's session, or none, is RESOURCE_NOT_FOUND: the same 404 page.
    try:
        launch.close_session(platform_of(request), operator_id, session_id, who)
    except ReelhouseError as exc:
        raise NotFound from exc
    player = id_of(form.get("player", ""))
    return redirect(f"{s.base}/players/{player}" if player else f"{s.base}/sessions")
