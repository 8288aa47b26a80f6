"""Slot math: the game catalogue as data, the pure engine, the RNG, exact RTP and simulation.

May import only `reelhouse.domain`. The public surface for services:

    from reelhouse.games import catalogue, rng
    game = catalogue.get_game("lucky-sevens")
    variant = catalogue.select_variant(game, Decimal("96.5"))   # -> 96
    recorder = rng.RecordingRng(rng.SecretsRng())
    outcome = play(game, variant, bet_minor, recorder)          # outcome.draws are recorded
    replay(game.game_code, variant, catalogue.math_hash(game, variant), bet_minor,
           outcome.draws, outcome.to_json())
"""

from reelhouse.games.catalogue import (
    PROVIDER_ID,
    PROVIDER_NAME,
    get_game,
    list_games,
    math_hash,
    select_variant,
    supported_rtps,
)
from reelhouse.games.engine import is_valid_bet, play
from reelhouse.games.model import Game, GameInfo
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.replay import ReplayResult, replay
from reelhouse.games.rng import RNG_VERSION, RecordingRng, ReplayRng, SecretsRng

__all__ = [
    "PROVIDER_ID",
    "PROVIDER_NAME",
    "RNG_VERSION",
    "Game",
    "GameInfo",
    "RecordingRng",
    "ReplayResult",
    "ReplayRng",
    "SecretsRng",
    "SpinOutcome",
    "get_game",
    "is_valid_bet",
    "list_games",
    "math_hash",
    "play",
    "replay",
    "select_variant",
    "supported_rtps",
]
