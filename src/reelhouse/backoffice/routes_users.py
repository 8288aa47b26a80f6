"""The Users page (platform admins only): list, invite, disable or enable, change role,
reset a password or a second factor. Every POST carries the CSRF token; every change is
audited by the service. A link an action makes is shown once, on the page it answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    PREFIX,
    BackofficeRoute,
    Forbidden,
    NotFound,
    accountable,
    me,
    page,
    platform_of,
    posted,
    read_form,
    redirect,
    refusal_text,
)
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.numbers import id_of
from reelhouse.services import audit, backoffice_accounts, backoffice_totp, backoffice_users
from reelhouse.services.backoffice_users import Identity, Role
from reelhouse.services.platform import Platform

router = APIRouter(prefix=f"{PREFIX}/users", route_class=BackofficeRoute, include_in_schema=False)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]
DEFAULT_REASON = "changed in the back office"


def _admin(identity: Identity) -> Identity:
    # Users of every operator are the platform's business: admins only.
    if not identity.is_admin:
        raise Forbidden("only platform admins manage users")
    return identity


def _users_page(
    request: Request, identity: Identity, *, notice: str = "", error: str = "", **extra: Any
) -> Response:
    platform = platform_of(request)
    return page(
        request,
        "users.html",
        status=400 if error else 200,
        me=identity,
        users=backoffice_accounts.list_users(platform),
        operators=backoffice_users.operator_names(platform, identity),
        changes=backoffice_accounts.recent_changes(platform),
        roles=[role.value for role in Role],
        notice=notice,
        error=error,
        **({"link": None} | extra),
    )


@router.get("")
def users(identity: Me, request: Request) -> Response:
    return _users_page(request, _admin(identity))


def _role_and_operator(form: dict[str, str]) -> tuple[Role, int | None]:
    try:
        role = Role(form.get("role", ""))
    except ValueError as exc:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "choose a role") from exc
    operator_id = id_of(form.get("operator_id", "")) if role is Role.OPERATOR else None
    return role, operator_id


def _link_shown(platform: Platform, issued: backoffice_accounts.Issued) -> dict[str, Any]:
    return {
        "link": {
            "email": issued.email,
            "url": issued.url(platform.settings.public_base_url),
            "expires": issued.expires,
        }
    }


@router.post("/invite")
def invite(identity: Me, request: Request, form: Form) -> Response:
    _admin(identity)
    posted(request, identity, form)
    platform = platform_of(request)
    try:
        role, operator_id = _role_and_operator(form)
        who = accountable(identity, form.get("reason", ""), "invited in the back office")
        issued = backoffice_accounts.invite(platform, form.get("email", ""), role, operator_id, who)
    except ReelhouseError as exc:
        return _users_page(request, identity, error=refusal_text(exc))
    notice = f"{issued.email} invited: send them the link below."
    return _users_page(request, identity, notice=notice, **_link_shown(platform, issued))


UserAction = Callable[[Platform, int, dict[str, str], audit.Accountable], dict[str, Any]]


def _disable(
    p: Platform, user_id: int, _f: dict[str, str], who: audit.Accountable
) -> dict[str, Any]:
    backoffice_accounts.set_enabled(p, user_id, False, who)
    return {"notice": "User disabled; their sessions ended."}


def _enable(
    p: Platform, user_id: int, _f: dict[str, str], who: audit.Accountable
) -> dict[str, Any]:
    backoffice_accounts.set_enabled(p, user_id, True, who)
    return {"notice": "User enabled."}


def _role(p: Platform, user_id: int, f: dict[str, str], who: audit.Accountable) -> dict[str, Any]:
    role, operator_id = _role_and_operator(f)
    backoffice_accounts.change_role(p, user_id, role, operator_id, who)
    return {"notice": "Role saved."}


def _reset_password(
    p: Platform, user_id: int, _f: dict[str, str], who: audit.Accountable
) -> dict[str, Any]:
    issued = backoffice_accounts.reset_password(p, user_id, who)
    notice = "Password voided and sessions ended: send the user the link below."
    return {"notice": notice} | _link_shown(p, issued)


def _reset_2fa(
    p: Platform, user_id: int, _f: dict[str, str], who: audit.Accountable
) -> dict[str, Any]:
    backoffice_totp.reset(p, user_id, who)
    return {"notice": "Two-factor sign-in removed; the user may enrol again."}


ACTIONS: dict[str, UserAction] = {
    "disable": _disable,
    "enable": _enable,
    "role": _role,
    "reset-password": _reset_password,
    "reset-2fa": _reset_2fa,
}


@router.post("/{user_id}/{action}")
def change(user_id: int, action: str, identity: Me, request: Request, form: Form) -> Response:
    _admin(identity)
    posted(request, identity, form)
    run = ACTIONS.get(action)
    if run is None:
        raise NotFound
    try:
        who = accountable(identity, form.get("reason", ""), DEFAULT_REASON)
        outcome = run(platform_of(request), user_id, form, who)
    except ReelhouseError as exc:
        return _users_page(request, identity, error=refusal_text(exc))
    if action == "disable" and user_id == identity.user_id:
        # Their own session has just ended with the others.
        return redirect(f"{PREFIX}/login")
    return _users_page(request, identity, **outcome)
