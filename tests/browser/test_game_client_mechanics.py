"""The game client's mechanics (docs/game-client.md, "Mechanics"), one page session each, on one
stack: a Crystal Cascade round shown grid by grid (and replayed from the history as the
round-details page shows it), a Starfall Lanes wild expanding over its reel after the landed
grid, and a Golden Vault bonus buy (the paytable's word on it, the button, its price, the
respin board filling with the respins counter and the total; no button under a profile that
forbids buying).

Outcomes are forced through `Platform.game_rng`, as in test_game_client_play.py. SQLite only:
the page does the same on either database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from reelhouse.games import catalogue
from reelhouse.games.bet_modes import BUY
from reelhouse.games.outcome import SpinOutcome
from reelhouse.services import operators
from tests.browser.client_helpers import (
    ScriptedRounds,
    casino_minor,
    find_draws,
    grid_codes,
    grid_on_page,
    launch_url,
    open_game,
    shown_minor,
    spin,
    spins_done,
)
from tests.browser.conftest import DOCS_IMG
from tests.browser.test_game_client_play import replayed_spins, round_page_spins
from tests.conftest import fresh_database
from tests.harness import OPERATOR_NAME, Stack, running_stack

CASCADE_BET = 20  # Crystal Cascade's bet step: the client's first bet level
BET = 10  # Golden Vault's and Starfall Lanes' first bet level (0.10 USD)
PRICE_X = 60  # Golden Vault's bonus buy price, in bets
RESPINS = 3  # Golden Vault's respins at the start and after every landing


@pytest.fixture
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(fresh_database(request, "sqlite", tmp_path), tmp_path) as running:
        yield running


def long_cascade(outcome: SpinOutcome) -> bool:
    """Two winning grids at least, so a grid drops in after a win and the multiplier rises."""
    return len(outcome.base.cascades) >= 3


def expanded_win(outcome: SpinOutcome) -> bool:
    return bool(outcome.base.expanded) and not outcome.free_spins and outcome.win_minor > 0


def reset_after_miss(outcome: SpinOutcome) -> bool:
    """A respin that lands nothing, then one that lands a coin: the counter drops, then resets."""
    assert outcome.hold is not None
    respins = outcome.hold.respins
    return any(not a.landed and b.landed for a, b in pairwise(respins))


# A coin's cell on the reels as [reel, row, value in minor units].
COINS = "nodes => nodes.map(n => [+n.dataset.reel, +n.dataset.row, +n.dataset.minor])"


def trace(page: Page, kind: str) -> list[dict[str, Any]]:
    return list(page.evaluate("(kind) => ReelMechanics.trace.filter(e => e.kind === kind)", kind))


def check_cascade(stack: Stack, page: Page, outcome: SpinOutcome) -> None:
    game = "crystal-cascade"
    open_game(page, launch_url(stack, "cora", game=game))
    spin(page)
    steps = outcome.base.cascades
    shown = trace(page, "cascade")
    assert [s["grid"] for s in shown] == [
        grid_codes(game, [list(c) for c in s.grid]) for s in steps
    ]
    assert [s["multiplier"] for s in shown] == [s.multiplier for s in steps]
    wins = [s["win_minor"] for s in shown]
    assert sum(wins) == outcome.win_minor and wins[0] > 0 and wins[1] > 0
    assert grid_on_page(page) == grid_codes(game, [list(c) for c in steps[-1].grid])
    assert page.get_attribute("#feature-meter .cascade-multiplier", "data-multiplier") == str(
        steps[-1].multiplier
    )
    assert shown_minor(page, "#win") == outcome.win_minor
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "game-client-cascade.png"))

    # The history's replay shows every grid with its clusters, as the round-details page does.
    page.click("#history-btn")
    page.wait_for_selector("#history[data-loaded=true]")
    first = page.locator("#history-list li[data-round]").first
    round_id = first.get_attribute("data-round")
    first.click()
    page.wait_for_function("(id) => document.body.dataset.replayed === id", arg=round_id)
    replayed = replayed_spins(page)
    assert len(replayed) == len(steps)
    url = page.get_attribute("#history-detail .details-link", "href")
    assert url and replayed == round_page_spins(page, url)
    assert [s["win_minor"] for s in trace(page, "cascade")[len(steps) :]] == wins


def check_expanding_wild(stack: Stack, page: Page, outcome: SpinOutcome) -> None:
    game = "starfall-lanes"
    open_game(page, launch_url(stack, "stella", game=game))
    spin(page)
    landed, expanded = trace(page, "landed"), trace(page, "expanded")
    assert landed[0]["grid"] == grid_codes(game, [list(c) for c in outcome.base.landed])
    assert expanded[0]["reels"] == list(outcome.base.expanded)
    assert grid_on_page(page) == grid_codes(game, [list(c) for c in outcome.base.grid])
    expanded_reels = page.eval_on_selector_all(
        "#reels .reel",
        "nodes => nodes.flatMap((n, i) => n.classList.contains('expanded') ? [i] : [])",
    )
    assert expanded_reels == list(outcome.base.expanded)
    assert shown_minor(page, "#win") == outcome.win_minor


def check_buy(stack: Stack, page: Page, outcome: SpinOutcome) -> None:
    hold = outcome.hold
    assert hold is not None
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(json.loads(r.post_data or "{}"))
            if r.url.endswith("/api/game/spin")
            else None
        ),
    )
    open_game(page, launch_url(stack, "vera", game="golden-vault"))
    # The paytable tells the feature at this bet: 10 000 credits of 0.01 for a full board.
    page.click("#help-btn")
    rules = page.inner_text("#help-body")
    assert "100.00 USD" in rules and f"{PRICE_X} x the bet" in rules
    page.keyboard.press("Escape")
    page.click("#buy-btn")
    assert shown_minor(page, "#buy-price") == PRICE_X * BET
    page.click("#buy-cancel")
    assert page.is_hidden("#buy-dialog") and spins_done(page) == 0
    page.click("#buy-btn")
    before = spins_done(page)
    page.click("#buy-confirm")
    page.wait_for_function(
        "(n) => Number(document.body.dataset.spins) > n && document.body.dataset.state === 'idle'",
        arg=before,
    )
    assert bodies == [{"bet": "0.10", "turbo": True, "autoplay": False, "bet_mode": "buy"}]

    # The board fills respin by respin: the counter resets on a landing, the total grows.
    respins = trace(page, "respin")
    assert [r["left"] for r in respins] == [RESPINS] + [r.respins_left for r in hold.respins]
    assert [r["landed"] for r in respins] == [len(hold.start)] + [
        len(r.landed) for r in hold.respins
    ]
    credit = outcome.credit_minor
    running = [sum(v for _, _, v in hold.start) * credit]
    for respin in hold.respins:
        running.append(running[-1] + sum(v for _, _, v in respin.landed) * credit)
    assert [r["total_minor"] for r in respins] == running
    assert trace(page, "hold_total")[-1]["total_minor"] == outcome.win_minor
    board = sorted([r, w, v * credit] for r, w, v in hold.coins)
    assert sorted(page.eval_on_selector_all("#reels .cell[data-symbol=COIN]", COINS)) == board
    assert shown_minor(page, "#feature-meter .hold-total") == outcome.win_minor
    page.screenshot(path=str(DOCS_IMG / "game-client-hold-and-win.png"))
    assert shown_minor(page, "#win") == outcome.win_minor

    # Charged the price, paid the feature: the casino's balance and the one shown agree.
    assert casino_minor(stack, "vera") == 10_000 - PRICE_X * BET + outcome.win_minor
    assert shown_minor(page, "#balance") == casino_minor(stack, "vera")

    # A reload shows the final board with its values.
    page.reload()
    page.wait_for_selector("body[data-state=idle]")
    assert sorted(page.eval_on_selector_all("#reels .cell[data-symbol=COIN]", COINS)) == board

    # A profile that forbids buying a feature (its stake cap is written in GBP): no button.
    with stack.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR_NAME).currency = "GBP"
    user_code = stack.bots().fund_player("ursula", "GBP", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": "golden-vault", "lang": "en"}
    envelope = stack.call("/v4/game/game-url", body | {"jurisdiction": "uk"})
    assert envelope["code"] == 0, envelope
    assert envelope["data"]["game_url"]
    open_game(page, envelope["data"]["game_url"], turbo=False)
    assert page.locator("#buy-btn").count() == 0 and page.locator("#buy-dialog").count() == 0


def test_cascade_expanding_wild_and_bonus_buy_on_sqlite(stack: Stack, page: Page) -> None:
    cascade_draws, cascade = find_draws("crystal-cascade", CASCADE_BET, long_cascade)
    wild_draws, wild = find_draws("starfall-lanes", BET, expanded_win)
    buy_draws, bought = find_draws("golden-vault", BET, reset_after_miss, mode=BUY)
    stack.platform.game_rng = ScriptedRounds(cascade_draws, wild_draws, buy_draws)
    check_cascade(stack, page, cascade)
    check_expanding_wild(stack, page, wild)
    check_buy(stack, page, bought)


def _winning(outcome: SpinOutcome) -> bool:
    """A round that pays on its base spin: every game's replay then has wins to compare."""
    return outcome.base.win_credits > 0


def test_a_replayed_round_matches_the_round_details_page_in_every_game_on_sqlite(
    stack: Stack, page: Page
) -> None:
    """For every game of the catalogue: a winning round, replayed from the history panel,
    shows the grids, winning cells, win amounts and spin wins of its round-details page (a
    hold-and-win round's final board is compared by its total)."""
    for game in sorted(info.game_code for info in catalogue.list_games()):
        open_game(page, launch_url(stack, f"replay_{game}".replace("-", "_"), game=game))
        bet = int(page.get_attribute("#bet", "data-minor") or 0)
        draws, outcome = find_draws(game, bet, _winning)
        stack.platform.game_rng = ScriptedRounds(draws)
        spin(page)
        assert shown_minor(page, "#win") == outcome.win_minor, game
        page.click("#history-btn")
        page.wait_for_selector("#history[data-loaded=true]")
        first = page.locator("#history-list li[data-round]").first
        round_id = first.get_attribute("data-round")
        first.click()
        page.wait_for_function("(id) => document.body.dataset.replayed === id", arg=round_id)
        replayed = replayed_spins(page)
        url = page.get_attribute("#history-detail .details-link", "href")
        assert url is not None
        on_page = round_page_spins(page, url)
        if outcome.hold is not None:
            board = on_page.pop()  # the final respin board, shown by the panel as a block
            assert board["total"] == outcome.hold.win_credits * outcome.credit_minor, game
        assert replayed == on_page, game
