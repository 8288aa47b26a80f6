"""What the games lists and the back office catalogue say about each of Reelhouse's own
games besides its name: its picture's URL and its figures (RTP, volatility, hit rate, max
win and its odds, features) at the RTP variant the operator's players get.

The figures are the exact sheet's (games/facts.py), for the variant `game-url` would pick at
the operator's RTP; a number the sheet does not give, or a variant whose facts are stale, is
None (JSON null).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reelhouse.domain.limits import MAX_JSON_EXPONENT
from reelhouse.games import catalogue, facts, images
from reelhouse.games.model import Game
from reelhouse.services.operators import BP_PER_PERCENT
from reelhouse.services.platform import Platform


def image_path(game_code: str) -> str:
    return images.image_path(game_code)


def image_url(platform: Platform, game_code: str) -> str:
    """The picture's absolute URL (the deployment's public base URL and the path)."""
    return f"{platform.settings.public_base_url}{images.image_path(game_code)}"


def _number(text: str | None) -> Decimal | None:
    """A figure of facts.json as an exact number (its own digits), or None when empty."""
    return Decimal(text) if text else None


def _odds(text: str | None) -> Decimal | None:
    """Odds as a number, or None past 1 in 10^MAX_JSON_EXPONENT: a JSON number with a larger
    exponent is refused by every bounded JSON reader (Reelhouse's own among them: an upstream
    Reelhouse reads this catalogue), and such an award is too rare to matter beside it. The
    game's sheet and help keep the figure."""
    odds = _number(text)
    return odds if odds is None or odds.adjusted() <= MAX_JSON_EXPONENT else None


def metadata(game: Game, rtp_bp: int) -> dict[str, Any]:
    """The game's figures at the variant the operator's RTP selects."""
    variant = catalogue.select_variant(game, Decimal(rtp_bp) / BP_PER_PERCENT)
    found = facts.variant_facts(game, variant) if variant is not None else None
    figures = found or {}
    return {
        "rtp_variant": variant,
        "rtp": _number(figures.get("rtp")),
        "volatility": game.volatility,
        "volatility_index": _number(figures.get("volatility_index")),
        "hit_rate": _number(figures.get("hit_rate")),
        "max_win_x": _number(figures.get("max_win_x")),
        "max_win_one_in": _odds(figures.get("max_win_one_in")),
        "free_spins_one_in": _number(figures.get("feature_one_in")),
        "features": facts.features(game),
    }
