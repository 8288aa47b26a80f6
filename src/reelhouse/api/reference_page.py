"""The interactive API reference at `/docs`: Swagger UI on this server's `/openapi.json`,
every file served by Reelhouse from installed packages, so the page works with no network.

Swagger UI's script and style sheet come from the `fastapi-offline` package (a dependency:
it ships them as package data); the page and its start script are ours. Asset URLs carry the
package's version, so a browser may keep them until an upgrade changes the URL. The page's
Content-Security-Policy lets it load and call only this server.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import metadata, resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

router = APIRouter(include_in_schema=False)

PAGE_PATH = "/docs"
ASSET_PATH = "/docs/assets"
UI_PACKAGE = "fastapi_offline"
UI_DISTRIBUTION = "fastapi-offline"
# name -> (package holding it, folder in that package, media type)
ASSETS: dict[str, tuple[str, str, str]] = {
    "swagger-ui-bundle.js": (UI_PACKAGE, "static", "text/javascript; charset=utf-8"),
    "swagger-ui.css": (UI_PACKAGE, "static", "text/css; charset=utf-8"),
    "reference.js": ("reelhouse.api", "reference", "text/javascript; charset=utf-8"),
}
CACHE_FOREVER = "public, max-age=31536000, immutable"
# Swagger UI sets style attributes from script ('unsafe-inline' for styles only); its icons
# are data: URLs. Scripts, fetches and everything else: this server alone.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@cache
def asset_bytes(name: str) -> bytes:
    package, folder, _media_type = ASSETS[name]
    return (resources.files(package) / folder / name).read_bytes()


@cache
def assets_version() -> str:
    """Part of every asset URL: our own script changes with Reelhouse's version, Swagger UI's
    files with their package's."""
    return f"{metadata.version('reelhouse')}-{metadata.version(UI_DISTRIBUTION)}"


@cache
def _page_template() -> str:
    return (resources.files("reelhouse.api") / "reference" / "reference.html").read_text("utf-8")


@router.get(PAGE_PATH, response_class=HTMLResponse)
def reference_page(request: Request) -> HTMLResponse:
    # The app may be mounted below a prefix (a proxy's root_path): URLs are made under it.
    root = str(request.scope.get("root_path", "")).rstrip("/")
    openapi_url = request.app.openapi_url or "/openapi.json"
    page = _page_template().format(
        assets=html.escape(f"{root}{ASSET_PATH}/{assets_version()}"),
        openapi_url=html.escape(f"{root}{openapi_url}"),
    )
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(page, headers=headers)


@router.get(ASSET_PATH + "/{version}/{name}")
def reference_asset(version: str, name: str) -> Response:
    if name not in ASSETS or version != assets_version():
        raise StarletteHTTPException(status_code=404)
    return Response(
        asset_bytes(name),
        media_type=ASSETS[name][2],
        headers={"Cache-Control": CACHE_FOREVER, "X-Content-Type-Options": "nosniff"},
    )
