"""The game client's data: the words of every language, the bet ladder, the game view, and
the static files and headers the page is served with."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelhouse.client import i18n
from reelhouse.client.page import ASSETS, asset_url, safe_return_url
from reelhouse.domain.limits import CLIENT_BET_LEVELS_MAX
from reelhouse.games import catalogue
from reelhouse.services.game_client import bet_levels, game_view
from tests.harness import Stack, running_stack


def test_every_language_has_every_word_with_the_same_placeholders() -> None:
    assert len(i18n.TABLES) >= 3
    for lang, table in i18n.TABLES.items():
        assert table.keys() == i18n.EN.keys(), lang
        for key, text in table.items():
            placeholders = set(re.findall(r"\{(\w+)\}", text))
            assert placeholders == set(re.findall(r"\{(\w+)\}", i18n.EN[key])), (lang, key)
    assert i18n.words_for("ko") is i18n.EN and i18n.page_lang("ko") == "en"


@pytest.mark.parametrize(
    ("game_code", "low", "high"),
    [("lucky-sevens", 10, 100_000), ("emerald-temple", 10, 100_000), ("prairie-thunder", 1, 30)],
)
def test_bets_are_multiples_of_the_step_inside_the_limits(
    game_code: str, low: int, high: int
) -> None:
    game = catalogue.get_game(game_code)
    assert game is not None
    levels = bet_levels(game, low, high)
    assert levels == sorted(set(levels)) and 0 < len(levels) <= CLIENT_BET_LEVELS_MAX
    assert all(low <= v <= high and v % game.bet_step_minor == 0 for v in levels)
    assert levels[0] == -(-low // game.bet_step_minor) * game.bet_step_minor
    assert levels[-1] == high // game.bet_step_minor * game.bet_step_minor


def test_no_bet_fits_when_the_limits_hold_no_multiple_of_the_step() -> None:
    game = catalogue.get_game("prairie-thunder")  # step 25
    assert game is not None
    assert bet_levels(game, 1, 24) == []


def test_the_game_view_carries_no_reel_strips() -> None:
    for info in catalogue.list_games():
        game = catalogue.get_game(info.game_code)
        assert game is not None
        view = game_view(game)
        assert len(view["symbols"]) == len(game.symbols)
        assert "strips" not in str(view) and "weights" not in str(view)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://casino.example/lobby", True),
        ("http://casino.example/", True),
        ("javascript:alert(1)", False),
        ("  JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("", False),
    ],
)
def test_only_http_return_urls_become_the_exit_button(url: str, kept: bool) -> None:
    assert (safe_return_url(url) != "") is kept


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def test_assets_are_served_from_the_package_with_a_content_hash(stack: Stack) -> None:
    for name, media_type in ASSETS.items():
        answer = httpx.get(f"{stack.reelhouse.url}{asset_url(name)}")
        assert answer.status_code == 200 and answer.headers["content-type"] == media_type
        assert "immutable" in answer.headers["cache-control"]
    assert httpx.get(f"{stack.reelhouse.url}/client/../pyproject.toml").status_code == 404
    assert httpx.get(f"{stack.reelhouse.url}/client/page.py").status_code == 404
