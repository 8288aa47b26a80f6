"""The back office's plumbing: templates, the signed-in user, operator scoping, forms with
CSRF tokens, and HTML error pages.

Every page under `/backoffice/o/{operator_id}/` goes through `scope()`: an admin may open any
operator, an operator user only their own; any other id answers the same 404 as an id that
does not exist, so editing a URL reveals nothing. Every POST goes through `posted()`, which
refuses a missing or wrong CSRF token before the action runs.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reelhouse.backoffice.labels import label
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import BACKOFFICE_FORM_MAX_BYTES, BACKOFFICE_SESSION_MAX_SECONDS
from reelhouse.domain.numbers import id_of
from reelhouse.services import audit, backoffice_users
from reelhouse.services.backoffice_users import Identity
from reelhouse.services.platform import Platform

PREFIX = "/backoffice"
SESSION_COOKIE = "rh_bo_session"
LOGIN_COOKIE = "rh_bo_login"  # the login form's own CSRF token (double submit)
# Between a right password and the two-factor code: the sign-in ticket (services/
# backoffice_users.py), which names the user and expires with the second step.
SECOND_FACTOR_COOKIE = "rh_bo_2fa"
# "This browser signed in to this account before": spares it the account-wide sign-in pause.
DEVICE_COOKIE = "rh_bo_device"
CSRF_FIELD = "csrf"
# No script at all, nothing from another origin, never framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

TEMPLATES = Environment(
    loader=PackageLoader("reelhouse.backoffice", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# Table headings for people (`user_code` -> "Player"): backoffice/labels.py.
TEMPLATES.filters["label"] = label


class NotSignedIn(Exception):
    """No valid session: the page sends the browser to the login form."""


class NotFound(Exception):
    """Unknown, or not this user's: the same answer for both."""


class Forbidden(Exception):
    """A form without the right CSRF token, or an action the role may not take."""


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template; every page gets the signed-in user, their CSRF token (for the
    sign-out form and any other), the operator scope, and a notice or error line."""
    values: dict[str, Any] = {"me": None, "scope": None, "notice": "", "error": ""} | context
    scoped = values["scope"]
    if scoped is not None:
        values["me"] = scoped.me
    identity = values["me"]
    values["csrf"] = (
        backoffice_users.csrf_token(platform_of(request), identity) if identity is not None else ""
    )
    body = TEMPLATES.get_template(template).render(request=request, prefix=PREFIX, **values)
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def _error_page(request: Request, status: int, title: str, text: str) -> HTMLResponse:
    return page(request, "error.html", status=status, title=title, text=text, me=None)


def _check_path_ids(request: Request) -> None:
    """Every number in a back office path is a 63-bit id (operator, player, round, call): a
    longer one names nothing, so it is 404 before it reaches the database (which cannot
    even compare it)."""
    for value in request.path_params.values():
        if isinstance(value, str) and value.isdigit() and id_of(value) is None:
            raise NotFound


class BackofficeRoute(APIRoute):
    """Turns the back office's exceptions into HTML pages (the app's handlers answer JSON)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                _check_path_ids(request)
                return await handler(request)
            except RequestValidationError:
                # A path or query that does not parse (`/o/abc/`) names no page.
                return _error_page(request, 404, "Not found", "There is nothing here.")
            except NotSignedIn:
                return RedirectResponse(f"{PREFIX}/login", status_code=303)
            except NotFound:
                return _error_page(request, 404, "Not found", "There is nothing here.")
            except Forbidden as exc:
                return _error_page(request, 403, "Refused", str(exc) or "Not allowed.")
            except ReelhouseError as exc:
                return _error_page(request, 400, "Refused", refusal_text(exc))

        return handle


def cookie_secure(request: Request) -> bool:
    """Secure cookies whenever the back office is reached over https (directly or, as the
    deployment says in REELHOUSE_PUBLIC_URL, behind a TLS proxy)."""
    public = platform_of(request).settings.public_base_url
    return request.url.scheme == "https" or public.startswith("https://")


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    max_age: int = BACKOFFICE_SESSION_MAX_SECONDS,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
    )


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def anonymous_form(request: Request, form: dict[str, str], what: str = "login form") -> None:
    """Refuse a form posted without a session (sign-in, its code, a password link) unless it
    carries the token its page left in LOGIN_COOKIE (double submit)."""
    expected = request.cookies.get(LOGIN_COOKIE, "").encode("utf-8")
    # Compared as bytes: compare_digest refuses (raises on) text that is not ASCII.
    presented = form.get("login_token", "").encode("utf-8")
    if not expected or not hmac.compare_digest(expected, presented):
        raise Forbidden(f"the {what} expired; reload it")


def client_address(request: Request) -> str:
    """The caller's address as the app sees it (the trusted-proxy middleware has already
    replaced a proxy's address by its client's, and only for a configured proxy)."""
    return request.client.host if request.client else ""


def me(request: Request) -> Identity:
    """The signed-in user, or NotSignedIn. Used as a dependency by every page but login."""
    token = request.cookies.get(SESSION_COOKIE, "")
    identity = backoffice_users.identify(platform_of(request), token)
    if identity is None:
        raise NotSignedIn
    # A page shows what players' rounds did: the wins this process has had acknowledged
    # but not yet written (a moment later they would be) are written first.
    platform_of(request).wallet.write_pending_acks()
    return identity


@dataclass(frozen=True)
class Scope:
    """The operator a page shows, once the user is known to be allowed to see it."""

    me: Identity
    operator_id: int
    operator_name: str
    currency: str
    csrf: str
    operators: list[tuple[int, str]]  # what the operator switcher offers

    @property
    def base(self) -> str:
        return f"{PREFIX}/o/{self.operator_id}"


def scope(request: Request, identity: Identity, operator_id: int) -> Scope:
    platform = platform_of(request)
    visible = backoffice_users.visible_operator(platform, identity, operator_id)
    if visible is None:
        raise NotFound
    name, code = visible
    return Scope(
        identity,
        operator_id,
        name,
        code,
        backoffice_users.csrf_token(platform, identity),
        backoffice_users.operator_names(platform, identity),
    )


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form, size-bounded; one value per field (the last wins)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > BACKOFFICE_FORM_MAX_BYTES:
            raise Forbidden("the form is too large")
    try:
        fields = parse_qs(bytes(body).decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        raise Forbidden("the form is not UTF-8") from exc
    return {key: values[-1] for key, values in fields.items()}


def posted(request: Request, identity: Identity, form: dict[str, str]) -> None:
    """Refuse the action unless the form carries this session's CSRF token."""
    if not backoffice_users.csrf_ok(platform_of(request), identity, form.get(CSRF_FIELD, "")):
        raise Forbidden("this form has expired or did not come from the back office; reload it")


def accountable(identity: Identity, reason: str, default: str) -> audit.Accountable:
    """Who acts (the user's e-mail, cut to the audit column) and why."""
    actor = backoffice_users.actor_name(identity.email)
    return audit.Accountable.checked(actor, reason.strip() or default)


def refusal_text(exc: ReelhouseError) -> str:
    return exc.message if exc.code is not ApiCode.INTERNAL_SERVER_ERROR else "internal error"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def int_param(text: str | None, default: int = 1) -> int:
    """A positive integer query parameter (a page number); anything else is the default."""
    value = None if text is None else id_of(text)
    return default if value is None else value
