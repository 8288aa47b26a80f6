"""The game client in a display unit (docs/game-client.md): a BTC player whose operator shows
BTC in mBTC sees the balance and the bet in mBTC, with its symbol and its 5 decimals, bets in
it, and sees a won round's win in mBTC; the casino's wallet moved satoshis, exactly.

Outcomes are forced through `Platform.game_rng`, as in test_game_client.py. SQLite only: the
page does the same on either database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from reelhouse.domain.display_units import display_unit
from reelhouse.domain.money import format_fixed
from reelhouse.services import operator_currencies
from tests.browser.client_helpers import (
    ScriptedRounds,
    find_draws,
    is_win,
    open_game,
    shown_minor,
    spin,
)
from tests.conftest import fresh_database
from tests.harness import OPERATOR_NAME, Stack, running_stack

MBTC = display_unit("mBTC").view
BET = 1_000  # satoshis: 0.01000 mBTC, the operator's minimum BTC bet and the first level
START = 100_000_000  # 1 BTC funded: 1,000.00000 mBTC


@pytest.fixture
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(fresh_database(request, "sqlite", tmp_path), tmp_path) as running:
        yield running


def test_a_btc_player_sees_and_bets_in_mbtc(stack: Stack, page: Page) -> None:
    operator_currencies.add_currency(
        stack.platform,
        OPERATOR_NAME,
        "BTC",
        min_bet_minor=BET,
        max_bet_minor=1_000_000,
        unit_name="mBTC",
    )
    user_code = stack.bots().fund_player("satoshi", "BTC", "1")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": "lucky-sevens"}
    envelope = stack.call("/v4/game/game-url", body | {"lang": "en", "currency": "BTC"})
    assert envelope["code"] == 0, envelope
    draws, won = find_draws("lucky-sevens", BET, is_win)
    stack.platform.game_rng = ScriptedRounds(draws)
    open_game(page, envelope["data"]["game_url"])

    # Grouped digits, mBTC's 5 decimals, its symbol; the same satoshis underneath.
    assert page.inner_text("#balance") == "1,000.00000 mBTC"
    assert page.inner_text("#bet") == "0.01000 mBTC"
    assert (shown_minor(page, "#balance"), shown_minor(page, "#bet")) == (START, BET)

    spin(page)
    assert shown_minor(page, "#win") == won.win_minor
    assert page.inner_text("#win") == f"{format_fixed(won.win_minor, MBTC)} mBTC"
    after = START - BET + won.win_minor
    assert shown_minor(page, "#balance") == after
    # The casino's wallet holds BTC: exactly the satoshis bet and won.
    assert stack.bots().casino_balance("satoshi") * 100_000_000 == after
