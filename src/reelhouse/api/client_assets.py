"""The game client's static files (script, art, style sheet), served from the installed
package: no CDN and no Node build step. Only the files named in `client.page.ASSETS` exist
here; their URLs carry a content hash, so they may be cached for good."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelhouse.client.page import ASSET_PATH, ASSETS, asset_bytes

router = APIRouter(include_in_schema=False)

# A year: the URL changes with the content (page.asset_url), never the content under a URL.
CACHE_FOREVER = "public, max-age=31536000, immutable"


@router.get(ASSET_PATH + "/{name}")
def client_asset(name: str) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise StarletteHTTPException(status_code=404)
    return Response(
        asset_bytes(name),
        media_type=media_type,
        headers={"Cache-Control": CACHE_FOREVER, "X-Content-Type-Options": "nosniff"},
    )
