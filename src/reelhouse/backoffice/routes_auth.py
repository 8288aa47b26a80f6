"""Signing in (the password, then the two-factor code for users who have one) and out, the
landing redirect, and the style sheet."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    DEVICE_COOKIE,
    LOGIN_COOKIE,
    PREFIX,
    SECOND_FACTOR_COOKIE,
    SESSION_COOKIE,
    BackofficeRoute,
    NotFound,
    anonymous_form,
    client_address,
    me,
    new_login_token,
    page,
    platform_of,
    posted,
    read_form,
    redirect,
    set_cookie,
)
from reelhouse.domain.limits import (
    BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS,
    BACKOFFICE_SECOND_FACTOR_SECONDS,
)
from reelhouse.services import backoffice_users
from reelhouse.services.backoffice_users import Identity, LoginRefused, SecondFactorNeeded

router = APIRouter(prefix=PREFIX, route_class=BackofficeRoute, include_in_schema=False)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]
# What a throttled sign-in is told to wait: a token of the address's bucket comes back
# within a minute; a lock may last longer, and the page says so.
RETRY_AFTER_SECONDS = 60


def _login_page(
    request: Request,
    error: str = "",
    status: int = 200,
    template: str = "login.html",
    notice: str = "",
) -> Response:
    token = new_login_token()
    response = page(
        request, template, status=status, me=None, login_token=token, error=error, notice=notice
    )
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


def _refused(request: Request, exc: LoginRefused, template: str = "login.html") -> Response:
    # A throttle is 429 with a hint when to come back; a wrong password or code is 401.
    response = _login_page(request, exc.message, 429 if exc.retry else 401, template)
    if exc.retry:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _signed_in(request: Request, token: str) -> Response:
    """The session's cookie, and the device cookie that spares this browser the account-wide
    sign-in pause next time."""
    platform = platform_of(request)
    identity = backoffice_users.identify(platform, token)
    response = redirect(f"{PREFIX}/")
    set_cookie(request, response, SESSION_COOKIE, token)
    if identity is not None:
        device = backoffice_users.device_token(platform, identity.email)
        set_cookie(request, response, DEVICE_COOKIE, device, BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS)
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    response.delete_cookie(SECOND_FACTOR_COOKIE, path=PREFIX)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    # Where a password link sends the user once their password is set.
    welcome = "Password set: sign in with it." if "welcome" in request.query_params else ""
    return _login_page(request, notice=welcome)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    anonymous_form(request, form)
    try:
        token = backoffice_users.login(
            platform_of(request),
            form.get("email", ""),
            form.get("password", ""),
            client=client_address(request),
            device=request.cookies.get(DEVICE_COOKIE, ""),
        )
    except LoginRefused as exc:
        return _refused(request, exc)
    except SecondFactorNeeded as needed:
        response = _login_page(request, template="login_code.html")
        set_cookie(
            request, response, SECOND_FACTOR_COOKIE, needed.ticket, BACKOFFICE_SECOND_FACTOR_SECONDS
        )
        return response
    return _signed_in(request, token)


@router.post("/login/code")
def login_code(request: Request, form: Form) -> Response:
    """The second step: the code from the user's authenticator app."""
    anonymous_form(request, form)
    try:
        token = backoffice_users.login_with_code(
            platform_of(request),
            request.cookies.get(SECOND_FACTOR_COOKIE, ""),
            form.get("code", ""),
            client=client_address(request),
            device=request.cookies.get(DEVICE_COOKIE, ""),
        )
    except LoginRefused as exc:
        if exc.message == backoffice_users.TICKET_EXPIRED:
            return _refused(request, exc)  # back to the password
        return _refused(request, exc, "login_code.html")
    return _signed_in(request, token)


@router.post("/logout")
def logout(request: Request, identity: Me, form: Form) -> Response:
    posted(request, identity, form)
    backoffice_users.logout(platform_of(request), request.cookies.get(SESSION_COOKIE, ""))
    response = redirect(f"{PREFIX}/login")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/")
def landing(identity: Me, request: Request) -> Response:
    """An operator user lands on their dashboard; an admin on the first operator's."""
    choices = backoffice_users.operator_names(platform_of(request), identity)
    if not choices:
        return page(request, "empty.html", me=identity)
    return redirect(f"{PREFIX}/o/{choices[0][0]}/")


@cache
def _css() -> bytes:
    return (resources.files("reelhouse.backoffice") / "static" / "backoffice.css").read_bytes()


@router.get("/static/backoffice.css")
def stylesheet() -> Response:
    return Response(
        _css(), media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"}
    )


@router.get("/static/{name}")
def no_other_static(name: str) -> Response:
    raise NotFound
