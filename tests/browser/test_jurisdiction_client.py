"""The game client honours a UK session's jurisdiction profile (docs/jurisdictions.md): no
turbo, autoplay or quick stop control, the session's elapsed time and net position shown, and
a win not above the stake shown without being celebrated (no jingle, no scene)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from reelhouse.services import operators
from tests.browser.client_helpers import (
    ScriptedRounds,
    casino_minor,
    find_draws,
    open_game,
    shown_minor,
)
from tests.harness import OPERATOR_NAME, Stack, running_stack

BET = 10  # the operator's minimum bet, the client's first level: 0.10 GBP


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def test_a_uk_session_offers_no_turbo_and_shows_time_and_net_position(
    stack: Stack, page: Page
) -> None:
    # The UK profile caps stakes in GBP: the operator plays in GBP for this test.
    with stack.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR_NAME).currency = "GBP"
    small_draws, small = find_draws(
        "lucky-sevens", BET, lambda o: 0 < o.win_minor < BET and not o.free_spins
    )
    stack.platform.game_rng = ScriptedRounds(small_draws)
    user_code = stack.bots().fund_player("gail", "GBP", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": "lucky-sevens"}
    envelope = stack.call("/v4/game/game-url", body | {"lang": "en", "country": "GB"})
    assert envelope["code"] == 0, envelope
    open_game(page, envelope["data"]["game_url"], turbo=False)

    assert page.locator("#turbo-btn").is_hidden()
    assert page.locator("#autoplay-btn").count() == 0
    assert page.locator("#fig-time").is_visible()
    assert page.locator("#fig-net").is_visible()
    assert page.locator("#fig-rtp").is_visible()
    assert shown_minor(page, "#net") == 0

    page.click("#spin-btn")
    page.wait_for_selector("body[data-state=spinning]")
    assert page.is_disabled("#spin-btn")  # no quick stop here
    page.wait_for_selector("body[data-state=idle]")
    # A win below the stake: shown, but neither a win jingle nor a scene.
    assert shown_minor(page, "#win") == small.win_minor
    cues = (page.get_attribute("body", "data-cues") or "").split()
    assert "settle" in cues and not [cue for cue in cues if cue.startswith("win")]
    assert page.is_hidden("#scene")
    # Net position: the stake less the small win, as the casino's ledger says.
    assert shown_minor(page, "#net") == small.win_minor - BET
    assert casino_minor(stack, "gail") == 10_000 - BET + small.win_minor
    assert page.text_content("#elapsed") is not None
    assert page.get_attribute("#elapsed", "data-seconds") is not None
