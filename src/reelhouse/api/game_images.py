"""The pictures of Reelhouse's own games (games/images.py), served by the app itself: the
games lists' `game_image` points here. Public, like the game client's files: a lobby shows
them before any player signs in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelhouse.games.images import IMAGE_PATH, MEDIA_TYPE, image_svg

router = APIRouter(include_in_schema=False)

# A day: a picture changes only with a release, and a lobby may show it often.
CACHE_A_DAY = "public, max-age=86400"
# An SVG opened on its own is a document: it may draw, never run a script or load anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
SUFFIX = ".svg"


@router.get(IMAGE_PATH + "/{name}")
def game_image(name: str) -> Response:
    svg = image_svg(name.removesuffix(SUFFIX)) if name.endswith(SUFFIX) else None
    if svg is None:
        raise StarletteHTTPException(status_code=404)
    return Response(
        svg,
        media_type=MEDIA_TYPE,
        headers={
            "Cache-Control": CACHE_A_DAY,
            "Content-Security-Policy": SVG_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )
