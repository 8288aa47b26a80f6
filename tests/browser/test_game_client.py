"""The game client in headless Chromium against Reelhouse and the demo casino on loopback.

Outcomes are forced through `Platform.game_rng` (recorded seeded draws, replayed), so every
test knows what the reels must show and what the casino's ledger must say afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import CallState, RoundState
from reelhouse.games import catalogue
from reelhouse.services import win_cap
from reelhouse.store.models import Operator, Round, WalletCall
from tests.browser.client_helpers import (
    ScriptedRounds,
    casino_minor,
    find_draws,
    grid_codes,
    grid_on_page,
    has_free_spins,
    is_loss,
    is_win,
    launch_url,
    open_game,
    shown_minor,
    spin,
    spins_done,
)
from tests.browser.conftest import DOCS_IMG
from tests.harness import Stack, running_stack

BET = 10  # the operator's minimum bet (0.10 USD), the client's first bet level


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def rounds(stack: Stack) -> list[Round]:
    with stack.platform.db.transaction() as session:
        found = list(session.scalars(select(Round).order_by(Round.id)))
        session.expunge_all()
        return found


def test_a_player_wins_and_loses_and_the_balance_is_the_casinos(
    stack: Stack, page: Page, database_url: str
) -> None:
    win_draws, win = find_draws("lucky-sevens", BET, is_win)
    loss_draws, _ = find_draws("lucky-sevens", BET, is_loss)
    stack.platform.game_rng = ScriptedRounds(win_draws, loss_draws, win_draws)
    open_game(page, launch_url(stack, "alice"))
    assert shown_minor(page, "#balance") == casino_minor(stack, "alice") == 10_000
    assert shown_minor(page, "#bet") == BET

    spin(page)
    assert shown_minor(page, "#win") == win.win_minor
    assert (
        shown_minor(page, "#balance")
        == casino_minor(stack, "alice")
        == 10_000 - BET + win.win_minor
    )
    # The winning lines are drawn and their cells highlighted.
    assert page.locator("#overlay polyline").count() == len(win.base.line_wins)
    assert page.locator(".cell.hit").count() > 0
    assert grid_on_page(page) == grid_codes("lucky-sevens", [list(c) for c in win.base.grid])

    spin(page, key=True)  # the space bar spins too
    assert shown_minor(page, "#win") == 0
    assert page.locator("#overlay polyline").count() == 0
    assert page.locator(".cell.hit").count() == 0
    assert shown_minor(page, "#balance") == casino_minor(stack, "alice")

    page.click("#bet-up")
    assert shown_minor(page, "#bet") > BET
    page.click("#bet-down")
    spin(page)
    assert shown_minor(page, "#balance") == casino_minor(stack, "alice")
    assert casino_minor(stack, "alice") == 10_000 - 3 * BET + 2 * win.win_minor
    assert [r.state for r in rounds(stack)] == [RoundState.SETTLED.value] * 3
    if database_url.startswith("sqlite"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / "game-client.png"))


def test_free_spins_play_through_with_their_counter(stack: Stack, page: Page) -> None:
    game = "dragon-hoard"
    draws, outcome = find_draws(game, BET, has_free_spins)
    stack.platform.game_rng = ScriptedRounds(draws)
    open_game(page, launch_url(stack, "bob", game=game))
    counters: list[str] = []
    page.expose_function("sawCounter", lambda text: counters.append(text))
    page.evaluate(
        """() => new MutationObserver(() => {
             const b = document.getElementById('banner');
             if (b.dataset.spin) window.sawCounter(b.dataset.spin + '/' + b.dataset.total);
           }).observe(document.getElementById('banner'), {attributes: true})"""
    )
    spin(page)
    total = len(outcome.free_spins)
    assert f"{total}/{total}" in counters
    assert counters[0] == f"1/{total}"
    assert shown_minor(page, "#win") == outcome.win_minor
    assert page.get_attribute("#banner", "data-total") == str(total)
    assert shown_minor(page, "#balance") == casino_minor(stack, "bob")
    assert casino_minor(stack, "bob") == 10_000 - BET + outcome.win_minor
    last = outcome.free_spins[-1]
    assert grid_on_page(page) == grid_codes(game, [list(c) for c in last.grid])


def test_insufficient_funds_shows_the_message_and_changes_nothing(stack: Stack, page: Page) -> None:
    draws, _outcome = find_draws("lucky-sevens", BET, is_win)
    stack.platform.game_rng = ScriptedRounds(draws)  # the refused round would have won
    open_game(page, launch_url(stack, "carol", balance="0.05"))
    assert shown_minor(page, "#balance") == 5
    spin(page)
    assert "Insufficient funds" in page.inner_text("#message")
    assert shown_minor(page, "#balance") == 5
    assert casino_minor(stack, "carol") == 5
    assert [r.state for r in rounds(stack)] == [RoundState.REJECTED.value]
    assert page.get_attribute("body", "data-state") == "idle"
    # Reloaded, the round the casino refused is not shown as a win, nor are its lines.
    page.reload()
    page.wait_for_selector("body[data-state=idle]")
    assert "not played" in page.inner_text("#message")
    assert shown_minor(page, "#win") == 0
    assert page.locator(".cell.hit").count() == 0


def test_a_reload_resumes_the_session_and_shows_the_last_round(stack: Stack, page: Page) -> None:
    draws, outcome = find_draws("lucky-sevens", BET, is_win)
    stack.platform.game_rng = ScriptedRounds(draws)
    open_game(page, launch_url(stack, "dave"))
    session_url = page.url
    assert "/play/s/" in session_url
    spin(page)
    page.reload()
    page.wait_for_selector("body[data-state=idle]")
    assert page.url == session_url
    assert grid_on_page(page) == grid_codes("lucky-sevens", [list(c) for c in outcome.base.grid])
    assert shown_minor(page, "#win") == outcome.win_minor
    assert shown_minor(page, "#balance") == casino_minor(stack, "dave")
    assert page.locator(".cell.hit").count() > 0


def test_an_expired_session_says_so_and_stops(stack: Stack, page: Page) -> None:
    open_game(page, launch_url(stack, "erin"))
    stack.clock.advance(hours=3)
    spin(page)
    assert "session has ended" in page.inner_text("#message")
    assert page.get_attribute("body", "data-state") == "expired"
    assert page.is_disabled("#spin-btn")
    assert rounds(stack) == []


def test_an_unreachable_wallet_refunds_and_says_so(stack: Stack, page: Page) -> None:
    open_game(page, launch_url(stack, "frank"))
    before = shown_minor(page, "#balance")
    stack.casino.stop()
    spin(page)
    assert "did not confirm your bet" in page.inner_text("#message")
    assert shown_minor(page, "#balance") == before  # the last balance the casino reported
    (round_,) = rounds(stack)
    assert round_.state in (RoundState.CANCELLING.value, RoundState.CANCELLED.value)


def test_a_round_still_settling_is_explained(stack: Stack, page: Page) -> None:
    open_game(page, launch_url(stack, "gina"))
    spin(page)
    (round_,) = rounds(stack)
    with stack.platform.db.transaction() as session:
        stored = session.get(Round, round_.id)
        assert stored is not None
        stored.state = RoundState.DEBITED.value
        # As if its win were on the wire right now: the one thing a next round waits for.
        win = session.scalars(
            select(WalletCall).where(WalletCall.round_id == round_.id, WalletCall.kind == "win")
        ).one()
        win.state = CallState.IN_FLIGHT.value
        win.lease_until_utc = to_naive_utc(stack.clock.now() + dt.timedelta(hours=1))
    spin(page)
    assert "still being settled" in page.inner_text("#message")
    assert len(rounds(stack)) == 1
    assert shown_minor(page, "#balance") == casino_minor(stack, "gina")


@pytest.mark.parametrize(
    ("lang", "spin_word", "balance_word"),
    [("en", "Spin", "Balance"), ("de", "Drehen", "Guthaben"), ("es", "Girar", "Saldo")],
)
def test_the_launch_language_is_the_page_language(
    stack: Stack, page: Page, lang: str, spin_word: str, balance_word: str
) -> None:
    open_game(page, launch_url(stack, f"lang_{lang}", lang=lang))
    assert page.get_attribute("html", "lang") == lang
    assert page.inner_text("#spin-btn").lower() == spin_word.lower()
    assert balance_word.lower() in page.inner_text(".controls").lower()


def test_the_paytable_comes_from_the_game_data(stack: Stack, page: Page) -> None:
    # The casino pays at most 2.00 a round: ten bets at the first bet level (0.20).
    with stack.platform.db.transaction() as db:
        db.get_one(Operator, stack.operator_id).max_win_minor = 200
    emerald = catalogue.get_game("emerald-temple")
    assert emerald is not None
    effective = win_cap.effective_rtp_at(emerald, 96, 200, 20)
    open_game(page, launch_url(stack, "hugo", game="emerald-temple"))
    page.click("#help-btn")
    help_text = page.inner_text("#help-body")
    assert "Golden Idol" in help_text and "Emerald" in help_text
    assert "96 %" in help_text  # the RTP variant the session plays
    assert "at most 2.00 USD per round" in help_text
    assert f"with the casino's maximum win: {effective} %" in help_text
    # The max win a round can really pay, with its odds (5000 bets: astronomically rare).
    assert "Maximum win: 5000.0 times the bet per round, about once in" in help_text
    assert "\u00d7 10^" in help_text
    assert "20 lines" in help_text
    assert page.locator("#help .pay").count() == 11
    assert page.locator("#help .line-map").count() == 20
    page.keyboard.press("Escape")
    assert page.is_hidden("#help")


def test_the_return_url_closes_the_game(stack: Stack, page: Page) -> None:
    lobby = f"{stack.casino.url}/lobby"
    open_game(page, launch_url(stack, "ivan", return_url=lobby))
    page.click("#exit-btn")
    page.wait_for_url(lobby)


def test_demo_mode_looks_the_same_with_fun_money(stack: Stack, page: Page) -> None:
    open_game(page, launch_url(stack, "judy", demo=True))
    assert page.is_visible("#demo-badge")
    assert shown_minor(page, "#balance") == 100_000  # 1000.00 of fun money
    spin(page)
    assert page.inner_text("#message") == "" or page.is_hidden("#message")
    (round_,) = rounds(stack)
    assert shown_minor(page, "#balance") == 100_000 - BET + round_.win_minor
    assert casino_minor(stack, "judy") == 10_000  # the casino's wallet was never called


def test_free_rounds_granted_by_the_operator(stack: Stack, page: Page) -> None:
    user_code = stack.bots().fund_player("kate", "USD", "100.00")
    expires = int((stack.clock.now().timestamp() + 86_400) * 1000)
    grant = stack.call(
        "/v4/game/freeround/start",
        {
            "user_code": user_code,
            "provider_id": 1,
            "game_code": "lucky-sevens",
            "bet": "0.50",
            "rounds": 2,
            "expirationDate": expires,
        },
    )
    assert grant["code"] == 0, grant
    open_game(page, launch_url(stack, "kate"))
    assert "2 free rounds" in page.inner_text("#banner")
    assert shown_minor(page, "#bet") == 50
    assert page.is_disabled("#bet-up")
    spin(page)
    assert "1 free rounds" in page.inner_text("#banner")
    spin(page)
    wins = sum(r.win_minor for r in rounds(stack))
    assert casino_minor(stack, "kate") == 10_000 + wins  # nothing debited
    assert shown_minor(page, "#balance") == casino_minor(stack, "kate")
    assert shown_minor(page, "#bet") == BET  # back to paid bets
    assert all(r.free_round_id is not None for r in rounds(stack))


def test_every_game_of_the_catalogue_plays(stack: Stack, page: Page) -> None:
    from reelhouse.games import catalogue

    for info in catalogue.list_games():
        open_game(
            page, launch_url(stack, f"p_{info.game_code.replace('-', '_')}", game=info.game_code)
        )
        before = spins_done(page)
        spin(page)
        assert spins_done(page) == before + 1
        grid = grid_on_page(page)
        codes = {s.code for s in info.symbols}
        assert len(grid) == info.reels and all(len(column) == info.rows for column in grid)
        assert all(code in codes for column in grid for code in column)
        assert page.is_hidden("#message") or "Your last round" in page.inner_text("#message")


def test_the_mobile_layout_fits_a_phone(
    stack: Stack, browser_phone: Page, database_url: str
) -> None:
    page = browser_phone
    open_game(page, launch_url(stack, "lena", game="prairie-thunder"))
    spin(page)
    width = page.viewport_size["width"] if page.viewport_size else 0
    reels = page.locator("#reels").bounding_box()
    button = page.locator("#spin-btn").bounding_box()
    assert reels is not None and button is not None
    assert reels["x"] >= 0 and reels["x"] + reels["width"] <= width
    assert button["width"] > width * 0.6  # the spin button spans the phone's width
    if database_url.startswith("sqlite"):
        page.screenshot(path=str(DOCS_IMG / "game-client-mobile.png"))
