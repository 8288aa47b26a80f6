"""A user's own page (two-factor sign-in: enrol, confirm, turn off) and the page a one-time
invitation or reset link opens, where the user sets their password without a session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    LOGIN_COOKIE,
    PREFIX,
    BackofficeRoute,
    NotFound,
    accountable,
    anonymous_form,
    me,
    new_login_token,
    page,
    platform_of,
    posted,
    read_form,
    redirect,
    refusal_text,
    set_cookie,
)
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services import backoffice_accounts, backoffice_totp
from reelhouse.services.backoffice_users import Identity

router = APIRouter(prefix=PREFIX, route_class=BackofficeRoute, include_in_schema=False)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]


def _account_page(
    request: Request, identity: Identity, *, notice: str = "", error: str = "", **extra: Any
) -> Response:
    platform = platform_of(request)
    return page(
        request,
        "account.html",
        status=400 if error else 200,
        me=identity,
        two_factor=backoffice_totp.enabled(platform, identity.user_id),
        enrolment=backoffice_totp.pending(platform, identity.user_id),
        notice=notice,
        error=error,
        **extra,
    )


@router.get("/account")
def account(identity: Me, request: Request) -> Response:
    return _account_page(request, identity)


@router.post("/account/totp/{action}")
def two_factor(action: str, identity: Me, request: Request, form: Form) -> Response:
    posted(request, identity, form)
    platform = platform_of(request)
    code = form.get("code", "")
    try:
        if action == "start":
            backoffice_totp.start(platform, identity.user_id)
            notice = "Add the key to your authenticator app, then type the code it shows."
        elif action == "confirm":
            who = accountable(identity, "", "two-factor sign-in turned on")
            backoffice_totp.confirm(platform, identity.user_id, code, who)
            notice = "Two-factor sign-in is on: sign-in asks for a code from now on."
        elif action == "off":
            who = accountable(identity, "", "two-factor sign-in turned off")
            backoffice_totp.turn_off(platform, identity.user_id, code, who)
            notice = "Two-factor sign-in is off."
        else:
            raise NotFound
    except ReelhouseError as exc:
        return _account_page(request, identity, error=refusal_text(exc))
    return _account_page(request, identity, notice=notice)


def _password_page(request: Request, token: str, *, error: str = "", status: int = 200) -> Response:
    link = backoffice_accounts.link_view(platform_of(request), token)
    if link is None:
        return page(
            request,
            "error.html",
            status=404,
            title="Link expired",
            text=backoffice_accounts.LINK_GONE,
        )
    form_token = new_login_token()
    response = page(
        request,
        "password.html",
        status=status,
        me=None,
        link=link,
        token=token,
        login_token=form_token,
        error=error,
    )
    set_cookie(request, response, LOGIN_COOKIE, form_token)
    # The link's token is in this page's URL: no referrer carries it anywhere.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/password")
def password_form(request: Request, token: str = "") -> Response:
    return _password_page(request, token)


@router.post("/password")
def set_password(request: Request, form: Form) -> Response:
    anonymous_form(request, form, "password form")
    token = form.get("token", "")
    if form.get("password", "") != form.get("again", ""):
        return _password_page(request, token, error="the two passwords differ", status=400)
    try:
        backoffice_accounts.set_password_by_link(
            platform_of(request), token, form.get("password", "")
        )
    except ReelhouseError as exc:
        return _password_page(request, token, error=refusal_text(exc), status=400)
    response = redirect(f"{PREFIX}/login?welcome=1")
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    return response
