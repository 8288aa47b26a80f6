"""The catalogue: games as data, variant selection, the public shape services rely on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reelhouse.games import catalogue
from reelhouse.games.engine import is_valid_bet


def test_every_game_is_well_formed() -> None:
    games = catalogue.list_games()
    assert games
    for info in games:
        game = catalogue.get_game(info.game_code)
        assert game is not None
        assert game.provider_id == catalogue.PROVIDER_ID == 1
        assert game.category == "slots"
        assert game.rtp_variants == (88, 92, 94, 96, 97)
        assert game.reels * game.rows >= 9
        for variant in game.rtp_variants:
            assert len(catalogue.math_hash(game, variant)) == 64
    assert catalogue.PROVIDER_NAME == "Reelhouse Originals"


def test_unknown_game_is_none() -> None:
    assert catalogue.get_game("no-such-game") is None


def test_supported_rtps_cover_the_catalogue() -> None:
    assert catalogue.supported_rtps() == (88, 92, 94, 96, 97)


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [("97", 97), ("100", 97), ("96.99", 96), ("96", 96), ("93.5", 92), ("88", 88), ("87.9", None)],
)
def test_select_variant_takes_the_highest_not_above(asked: str, chosen: int | None) -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    assert catalogue.select_variant(game, Decimal(asked)) == chosen


def test_select_variant_refuses_nan() -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    assert catalogue.select_variant(game, Decimal("NaN")) is None


def test_variants_hash_differently() -> None:
    for info in catalogue.list_games():
        game = catalogue.get_game(info.game_code)
        assert game is not None
        hashes = {catalogue.math_hash(game, v) for v in game.rtp_variants}
        assert len(hashes) == len(game.rtp_variants)


def test_bets_must_be_whole_credits() -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    step = game.bet_step_minor
    assert is_valid_bet(game, step)
    assert is_valid_bet(game, 7 * step)
    assert not is_valid_bet(game, step + 1)
    assert not is_valid_bet(game, 0)
    assert not is_valid_bet(game, -step)
