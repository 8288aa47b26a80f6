"""The game client tells the player the casino's word on them (docs/wallet-callbacks.md, "The
player may not play"): a German session whose player the casino blocked (the demo casino
answers the bet 22, "player not active") shows the German message, stops offering spins, and
a reload of the ended session says the same, in German. One page session, SQLite only (the
database is the service tests' concern)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from reelhouse.client.i18n import words_for
from tests.browser.client_helpers import open_game, spin
from tests.conftest import fresh_database
from tests.harness import Stack, running_stack


@pytest.fixture
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(fresh_database(request, "sqlite", tmp_path), tmp_path) as running:
        yield running


def test_a_blocked_player_reads_why_in_their_language_and_can_spin_no_more(
    stack: Stack, page: Page
) -> None:
    user_code = stack.bots().fund_player("lena", "USD", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": "lucky-sevens", "lang": "de"}
    envelope = stack.call("/v4/game/game-url", body)
    assert envelope["code"] == 0, envelope
    open_game(page, envelope["data"]["game_url"])
    session_url = page.url

    stack.app_casino().set_active("lena", False)
    spin(page)

    german = words_for("de")["err_3023"]
    assert page.text_content("#message") == german
    assert page.get_attribute("body", "data-state") == "expired"
    assert page.is_disabled("#spin-btn")
    # Nothing was charged: the casino's balance is where it was.
    assert stack.bots().casino_balance("lena") == 100

    page.goto(session_url)
    assert german in page.content()
