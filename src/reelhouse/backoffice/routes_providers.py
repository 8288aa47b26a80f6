"""The Providers pages (platform admins only): upstream providers with their games, a
"sync now" button and which operators are offered each provider's games. Every POST carries
the CSRF token; every change is audited by the service. The sync goes out through the
platform's upstream fetch (the real transport, wired in api/wiring.py)."""

from __future__ import annotations

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
    refusal_text,
)
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.services import provider_games, providers
from reelhouse.services.backoffice_users import Identity

router = APIRouter(
    prefix=f"{PREFIX}/providers", route_class=BackofficeRoute, include_in_schema=False
)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]


def _admin(identity: Identity) -> Identity:
    # Providers serve every operator: only the platform's staff administer them.
    if not identity.is_admin:
        raise Forbidden("only platform admins manage providers")
    return identity


@router.get("")
def provider_list(identity: Me, request: Request) -> Response:
    _admin(identity)
    views = providers.list_providers(platform_of(request))
    return page(request, "providers.html", me=identity, providers=views)


def _provider_page(
    request: Request, identity: Identity, name: str, status: int = 200, **extra: Any
) -> Response:
    platform = platform_of(request)
    try:
        view = providers.get_provider(platform, name)
    except ReelhouseError as exc:
        if exc.code is ApiCode.PROVIDER_NOT_FOUND:
            raise NotFound from exc
        raise
    return page(
        request,
        "provider.html",
        status=status,
        me=identity,
        provider=view,
        games=provider_games.games_of(platform, name),
        choices=providers.operator_choices(platform, name),
        **({"skipped": ()} | extra),
    )


@router.get("/{name}")
def provider_detail(name: str, identity: Me, request: Request) -> Response:
    _admin(identity)
    return _provider_page(request, identity, name)


@router.post("/{name}/sync")
def sync_now(name: str, identity: Me, request: Request, form: Form) -> Response:
    _admin(identity)
    posted(request, identity, form)
    platform = platform_of(request)
    if platform.upstream_fetch is None:
        return _provider_page(request, identity, name, 400, error="no upstream transport wired")
    try:
        who = accountable(identity, form.get("reason", ""), "synced from the back office")
        summary = provider_games.sync_catalogue(platform, name, platform.upstream_fetch, who)
    except ReelhouseError as exc:
        if exc.code is ApiCode.PROVIDER_NOT_FOUND:
            raise NotFound from exc
        return _provider_page(request, identity, name, 400, error=refusal_text(exc))
    counts = ", ".join(f"{n} {what}" for what, n in summary.counts().items())
    return _provider_page(
        request, identity, name, notice=f"Catalogue synced: {counts}.", skipped=summary.skipped
    )


@router.post("/{name}/operators")
def choose_operator(name: str, identity: Me, request: Request, form: Form) -> Response:
    _admin(identity)
    posted(request, identity, form)
    operator = form.get("operator", "")
    enabled = form.get("enabled") == "1"
    verb = "now offered" if enabled else "no longer offered"
    try:
        who = accountable(identity, form.get("reason", ""), "chosen in the back office")
        providers.enable_for_operator(platform_of(request), name, operator, enabled, who)
    except ReelhouseError as exc:
        if exc.code is ApiCode.PROVIDER_NOT_FOUND:
            raise NotFound from exc
        return _provider_page(request, identity, name, 400, error=refusal_text(exc))
    notice = f"{name}'s games are {verb} to {operator}."
    return _provider_page(request, identity, name, notice=notice)
