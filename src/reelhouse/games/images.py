"""Each game's picture: `image.svg` beside its data, drawn for Reelhouse (no CDN, no
third-party art), served by the app at IMAGE_PATH (api/game_images.py)."""

from __future__ import annotations

from functools import cache

from reelhouse.games import catalogue

IMAGE_FILE = "image.svg"
IMAGE_PATH = "/img/games"
MEDIA_TYPE = "image/svg+xml"


@cache
def image_svg(game_code: str) -> bytes | None:
    """The picture's bytes; None for a code that is not a catalogue game or has none."""
    if catalogue.get_game(game_code) is None:
        return None
    path = catalogue.DATA_ROOT / game_code / IMAGE_FILE
    return path.read_bytes() if path.is_file() else None


def image_path(game_code: str) -> str:
    """Where the app serves the picture, from its root."""
    return f"{IMAGE_PATH}/{game_code}.svg"
