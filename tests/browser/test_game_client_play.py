"""The game client's play features in one page session (docs/game-client.md): drawn symbol art
for every game, the sound toggle kept across a reload, anticipation, autoplay (its spins, its
loss limit, each spin declared to the server), the quick stop, and the history panel, whose
replay of a round shows the grid, wins and amounts of the round-details page.

Outcomes are forced through `Platform.game_rng`, as in test_game_client.py. SQLite only: the
page does the same on either database, which test_game_client.py already covers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page

from reelhouse.games import catalogue
from reelhouse.games.outcome import SpinOutcome
from tests.browser.client_helpers import (
    ScriptedRounds,
    casino_minor,
    find_draws,
    grid_codes,
    grid_on_page,
    is_loss,
    launch_url,
    open_game,
    shown_minor,
    spin,
    spins_done,
)
from tests.browser.conftest import DOCS_IMG
from tests.conftest import fresh_database
from tests.harness import Stack, running_stack

GAME = "dragon-hoard"
BET = 10  # the operator's minimum bet (0.10 USD), the client's first bet level
AUTOPLAY_SPINS = 10  # the first count the autoplay dialog offers
LOSS_LIMIT_BETS = 2
FEWEST_FREE_SPINS = 8  # three eggs in Dragon's Hoard


@pytest.fixture
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(fresh_database(request, "sqlite", tmp_path), tmp_path) as running:
        yield running


def lines_win(outcome: SpinOutcome) -> bool:
    return len(outcome.base.line_wins) >= 2 and not outcome.free_spins


def feature_with_wins(outcome: SpinOutcome) -> bool:
    """The shortest feature (no retrigger), with wins in its free spins."""
    return len(outcome.free_spins) == FEWEST_FREE_SPINS and any(
        spin.line_wins for spin in outcome.free_spins
    )


def check_art(page: Page) -> None:
    """Every symbol of every game is drawn art (no letter-only tile, no generic fallback)."""
    for info in catalogue.list_games():
        for symbol in info.symbols:
            found = page.evaluate(
                """([game, code]) => {
                     const symbol = {code, name: code};
                     const url = ReelArt.dataUrl(game, symbol, 0);
                     const svg = decodeURIComponent(url.split(',')[1]);
                     return [ReelArt.kind(game, symbol),
                             (svg.match(/<(path|circle|ellipse|polygon)\\b/g) || []).length];
                   }""",
                [info.game_code, symbol.code],
            )
            assert found[0] == "drawn", (info.game_code, symbol.code)
            assert found[1] >= 1, (info.game_code, symbol.code)
    sources = page.eval_on_selector_all(".reel .cell img", "nodes => nodes.map(n => n.src)")
    assert sources and all(src.startswith("data:image/svg+xml") for src in sources)


def check_anticipation(page: Page) -> None:
    """Two eggs (three open the feature) on the first reels: every later reel that could still
    bring the third turns in suspense; one egg is no near-feature. The page's own rule."""
    suspense = page.evaluate(
        """() => {
             const game = JSON.parse(document.getElementById('boot').textContent).state.game;
             const egg = game.symbols.findIndex(s => s.code === 'EGG');
             const other = game.symbols.findIndex(s => s.code === 'TEN');
             const column = (s) => [s, other, other];
             const near = [column(egg), column(other), column(egg), column(other), column(other)];
             const far = [column(egg), column(other), column(other), column(other), column(other)];
             return [ReelSpin.anticipation(game, near), ReelSpin.anticipation(game, far)];
           }"""
    )
    assert suspense == [[False, False, False, True, True], [False] * 5]


def start_autoplay(page: Page, loss_limit: str) -> None:
    page.click("#autoplay-btn")
    page.check(f"#autoplay input[name=spins][value='{AUTOPLAY_SPINS}']")
    page.fill("#autoplay-loss", loss_limit)
    page.click("#autoplay-start")
    page.wait_for_function("() => document.body.dataset.autoplay === 'off'", timeout=60_000)


def round_page_spins(page: Page, url: str) -> list[dict[str, object]]:
    """The round-details page's spins: each grid's codes and winning cells (rows[row][reel]),
    its win amounts and its spin win, in minor units."""
    details = page.context.new_page()
    details.goto(url)
    spins = details.evaluate(
        """() => [...document.querySelectorAll('table.grid')].map(table => ({
             grid: [...table.rows].map(r => [...r.cells].map(c => c.textContent)),
             wins: [...table.rows].map(r => [...r.cells].map(c => c.className === 'win')),
             amounts: [...table.nextElementSibling.querySelectorAll('li')]
               .map(li => li.textContent).filter(text => text !== 'no win')
               .map(text => text.split(': ').pop()),
             total: table.nextElementSibling.nextElementSibling.textContent.split(': ').pop(),
           }))"""
    )
    details.close()
    for found in spins:
        found["amounts"] = [int(Decimal(a) * 100) for a in found["amounts"]]
        found["total"] = int(Decimal(found["total"]) * 100)
    return list(spins)


def replayed_spins(page: Page) -> list[dict[str, object]]:
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('#history-detail .replay-spin')].map(s => ({
                 grid: [...s.querySelectorAll('tr')].map(r =>
                   [...r.cells].map(c => c.dataset.symbol)),
                 wins: [...s.querySelectorAll('tr')].map(r =>
                   [...r.cells].map(c => c.classList.contains('win'))),
                 amounts: [...s.querySelectorAll('ul.wins li[data-minor]')]
                   .map(li => Number(li.dataset.minor)),
                 total: Number(s.querySelector('.spin-win').dataset.minor),
               }))"""
        )
    )


def test_art_sound_autoplay_quick_stop_and_history_on_sqlite(stack: Stack, page: Page) -> None:
    loss_draws, _ = find_draws(GAME, BET, is_loss)
    win_draws, win = find_draws(GAME, BET, lines_win)
    feature_draws, feature = find_draws(GAME, BET, feature_with_wins)
    autoplay_rounds = AUTOPLAY_SPINS + LOSS_LIMIT_BETS
    stack.platform.game_rng = ScriptedRounds(
        *[loss_draws] * autoplay_rounds, win_draws, feature_draws
    )
    spin_bodies: list[dict[str, object]] = []
    page.on(
        "request",
        lambda r: (
            spin_bodies.append(json.loads(r.post_data or "{}"))
            if r.url.endswith("/api/game/spin")
            else None
        ),
    )
    open_game(page, launch_url(stack, "mia", game=GAME))
    assert page.is_hidden("#loading")
    check_art(page)
    check_anticipation(page)

    # The sound toggle is kept on this device, across a reload.
    assert page.get_attribute("#sound-btn", "aria-pressed") == "true"
    page.click("#sound-btn")
    page.reload()
    page.wait_for_selector("body[data-state=idle]")
    assert page.get_attribute("#sound-btn", "aria-pressed") == "false"
    assert page.get_attribute("#turbo-btn", "aria-pressed") == "true"  # kept as well

    # Autoplay: all of its spins, then a run stopped by its loss limit (never past it).
    start_autoplay(page, "5.00")
    assert page.get_attribute("body", "data-autoplay-stop") == "done"
    assert spins_done(page) == AUTOPLAY_SPINS
    start_autoplay(page, f"0.{LOSS_LIMIT_BETS * BET}")
    assert page.get_attribute("body", "data-autoplay-stop") == "loss_limit"
    assert spins_done(page) == autoplay_rounds
    assert [b["autoplay"] for b in spin_bodies] == [True] * autoplay_rounds
    assert shown_minor(page, "#balance") == casino_minor(stack, "mia")
    assert casino_minor(stack, "mia") == 10_000 - autoplay_rounds * BET

    # The quick stop: asked for as soon as the spin starts, the reels land at once, showing
    # the server's grid and win.
    page.click("#turbo-btn")  # off: a full-length spin to cut short
    before = spins_done(page)
    page.click("#spin-btn")
    page.wait_for_selector("body[data-state=spinning]")
    page.click("#spin-btn")
    page.wait_for_function("(n) => Number(document.body.dataset.spins) > n", arg=before)
    assert page.get_attribute("#reels", "data-stopped") == "quick"
    assert grid_on_page(page) == grid_codes(GAME, [list(c) for c in win.base.grid])
    assert shown_minor(page, "#win") == win.win_minor
    assert page.locator("#overlay polyline").count() == len(win.base.line_wins)
    assert spin_bodies[-1]["autoplay"] is False
    page.click("#turbo-btn")

    spin(page)  # the feature round
    assert shown_minor(page, "#win") == feature.win_minor

    # History: the latest round first; its replay shows what the round-details page shows.
    page.click("#history-btn")
    page.wait_for_selector("#history[data-loaded=true]")
    assert page.locator("#history-list li[data-round]").count() == autoplay_rounds + 2
    first = page.locator("#history-list li[data-round]").first
    round_id = first.get_attribute("data-round")
    first.click()
    page.wait_for_function("(id) => document.body.dataset.replayed === id", arg=round_id)
    replayed = replayed_spins(page)
    assert len(replayed) == 1 + len(feature.free_spins)
    assert shown_minor(page, "#history-detail .total b") == feature.win_minor
    url = page.get_attribute("#history-detail .details-link", "href")
    assert url and re.search(rf"/round/{round_id}/", url)
    assert replayed == round_page_spins(page, url)
    last = feature.free_spins[-1]
    assert grid_on_page(page) == grid_codes(GAME, [list(c) for c in last.grid])
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "game-client-history.png"))
