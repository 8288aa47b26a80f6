"""Signing in and out, the landing redirect, and the style sheet."""

from __future__ import annotations

import hmac
from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    DEVICE_COOKIE,
    LOGIN_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    BackofficeRoute,
    Forbidden,
    NotFound,
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
from reelhouse.domain.limits import BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS
from reelhouse.services import backoffice_users
from reelhouse.services.backoffice_users import Identity, LoginRefused

router = APIRouter(prefix=PREFIX, route_class=BackofficeRoute, include_in_schema=False)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]
# What a throttled sign-in is told to wait: a token of the address's bucket comes back
# within a minute; a lock may last longer, and the page says so.
RETRY_AFTER_SECONDS = 60


def _login_page(request: Request, error: str = "", status: int = 200) -> Response:
    token = new_login_token()
    response = page(request, "login.html", status=status, me=None, login_token=token, error=error)
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "").encode("utf-8")
    # Compared as bytes: compare_digest refuses (raises on) text that is not ASCII.
    presented = form.get("login_token", "").encode("utf-8")
    if not expected or not hmac.compare_digest(expected, presented):
        raise Forbidden("the login form expired; reload it")
    platform = platform_of(request)
    email = form.get("email", "")
    try:
        token = backoffice_users.login(
            platform,
            email,
            form.get("password", ""),
            client=client_address(request),
            device=request.cookies.get(DEVICE_COOKIE, ""),
        )
    except LoginRefused as exc:
        # A throttle is 429 with a hint when to come back; a wrong password is 401.
        response = _login_page(request, exc.message, status=429 if exc.retry else 401)
        if exc.retry:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = redirect(f"{PREFIX}/")
    set_cookie(request, response, SESSION_COOKIE, token)
    device = backoffice_users.device_token(platform, email)
    set_cookie(request, response, DEVICE_COOKIE, device, BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS)
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    return response


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
