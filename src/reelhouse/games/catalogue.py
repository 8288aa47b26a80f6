"""The game catalogue of the provider "Reelhouse Originals": games are data, found by code.

Each directory under `games/data/` holding a `game.json` is a game; its `rtpNN.json` files are
its RTP variants. The catalogue is read once and kept: the files are part of the installed
package and the math hash of every variant is computed from them at load.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from reelhouse.games.model import PROVIDER_ID, PROVIDER_NAME, Game, GameInfo, parse_game

__all__ = [
    "PROVIDER_ID",
    "PROVIDER_NAME",
    "Catalogue",
    "get_game",
    "list_games",
    "math_hash",
    "select_variant",
    "supported_rtps",
]

# A catalogue larger than this is a packaging mistake, not a product decision.
MAX_GAMES = 200


def _read_json(path: Traversable) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_game_dir(directory: Traversable) -> Game:
    """Load one game from its directory: `game.json` plus every `rtpNN.json` beside it."""
    document = _read_json(directory / "game.json")
    variants: dict[int, Any] = {}
    for entry in directory.iterdir():
        name = entry.name
        if name.startswith("rtp") and name.endswith(".json") and name[3:-5].isdigit():
            variants[int(name[3:-5])] = _read_json(entry)
    game = parse_game(document, variants)
    assert game.game_code == directory.name, f"{directory.name}/game.json names {game.game_code}"
    return game


class Catalogue:
    """All games under one data directory, loaded on first use."""

    def __init__(self, root: Traversable | Path) -> None:
        self._root = root
        self._games: dict[str, Game] | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> dict[str, Game]:
        with self._lock:
            if self._games is None:
                directories = sorted(
                    (d for d in self._root.iterdir() if d.is_dir() and (d / "game.json").is_file()),
                    key=lambda d: d.name,
                )
                assert len(directories) <= MAX_GAMES
                games = (load_game_dir(d) for d in directories)
                self._games = {game.game_code: game for game in games}
            return self._games

    def list_games(self) -> list[GameInfo]:
        return list(self._loaded().values())

    def get_game(self, game_code: str) -> Game | None:
        return self._loaded().get(game_code)

    def supported_rtps(self) -> tuple[int, ...]:
        return tuple(sorted({rtp for g in self._loaded().values() for rtp in g.rtp_variants}))


DATA_ROOT = resources.files("reelhouse.games") / "data"
CATALOGUE = Catalogue(DATA_ROOT)


def list_games() -> list[GameInfo]:
    return CATALOGUE.list_games()


def get_game(game_code: str) -> Game | None:
    return CATALOGUE.get_game(game_code)


def supported_rtps() -> tuple[int, ...]:
    """Every nominal RTP (percent) that some game of the catalogue offers."""
    return CATALOGUE.supported_rtps()


def select_variant(game: GameInfo, rtp_percent: Decimal | int) -> int | None:
    """The highest variant that does not exceed `rtp_percent`; None if even the lowest does."""
    asked = Decimal(rtp_percent)
    if not asked.is_finite():
        return None
    eligible = [rtp for rtp in game.rtp_variants if rtp <= asked]
    return max(eligible) if eligible else None


def math_hash(game: Game, variant: int) -> str:
    """sha256 of the canonical bytes of the variant's data (game.json + rtpNN.json + engine)."""
    return game.variant(variant).math_hash
