"""The game client shows the server's reality check and session limits (docs/game-client.md):
a spin refused because a check is pending pauses play and shows the time played and the net
position as the server counts them; "continue" resumes play, after the compulsory break
where the jurisdiction sets one (counted down on the page, spin button disabled); past the
launch's time limit the page says the session is over. On the stack's injected clock (and,
for the break, the page's own clock moved by the test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from reelhouse.client.i18n_rg import WORDS
from reelhouse.services import operators
from tests.browser.client_helpers import ScriptedRounds, find_draws, is_loss, open_game, spin
from tests.harness import OPERATOR_NAME, Stack, running_stack

BET = 10  # the operator's minimum bet, the client's first level: 0.10 GBP
# Malta: a reality check every 60 minutes, no least time between rounds (a quick test).


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_reality_check_pauses_play_and_the_time_limit_ends_it(stack: Stack, page: Page) -> None:
    with stack.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR_NAME).currency = "GBP"
    loss_draws, _ = find_draws("lucky-sevens", BET, is_loss)
    stack.platform.game_rng = ScriptedRounds(loss_draws, loss_draws)
    user_code = stack.bots().fund_player("rhea", "GBP", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": "lucky-sevens"}
    # Malta has the player set the interval: the operator sends the player's 60 minutes.
    launch = body | {
        "lang": "en",
        "jurisdiction": "mt",
        "time_limit_minutes": 90,
        "reality_check_minutes": 60,
    }
    envelope = stack.call("/v4/game/game-url", launch)
    assert envelope["code"] == 0, envelope
    open_game(page, envelope["data"]["game_url"], turbo=False)
    spin(page)

    # An hour later the server refuses the spin (3016): the client shows the check.
    stack.clock.advance(minutes=60)
    page.click("#spin-btn")  # the spin waits for the answer: it ends once it is given
    page.wait_for_selector("#reality:not([hidden])")
    assert page.get_attribute("body", "data-state") == "paused"
    assert page.get_attribute("#reality-text", "data-seconds") == "3600"
    assert page.get_attribute("#reality-text", "data-net-minor") == str(-BET)
    assert "1:00:00" in (page.text_content("#reality-text") or "")
    assert page.locator("#reality-history").get_attribute("href")

    page.click("#reality-continue")
    page.wait_for_selector("body[data-state=idle]")
    assert page.locator("#reality").is_hidden()
    spin(page)
    assert page.get_attribute("#net", "data-minor") == str(-2 * BET)

    # Past the session's time limit: the spin is refused (3017) and the page says so.
    stack.clock.advance(minutes=31)
    spin(page)
    page.wait_for_selector("body[data-state=expired]")
    assert page.text_content("#message") == WORDS["en"]["err_3017"]
    assert page.locator("#spin-btn").is_disabled()
    # Reopened, the page says so at once.
    page.reload()
    page.wait_for_selector("body[data-state=expired]")
    assert page.text_content("#message") == WORDS["en"]["err_3017"]


def _countdown(page: Page) -> tuple[int, str]:
    """The break panel's seconds left and its mm:ss, read together."""
    seconds, text = page.eval_on_selector(
        "#reality-break-time", "node => [Number(node.dataset.seconds), node.textContent]"
    )
    return int(seconds), str(text)


def _paused_by_the_break(page: Page) -> None:
    assert page.locator("#reality-break").is_visible()
    assert page.get_attribute("body", "data-state") == "paused"
    assert page.locator("#spin-btn").is_disabled()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_compulsory_break_after_the_check_counts_down_and_holds_play(
    stack: Stack, page: Page
) -> None:
    """Germany: after "continue" a five-minute break, counted down on the page from the
    server's figure; the page's own countdown never ends it, the server's clock does."""
    with stack.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR_NAME).currency = "EUR"
    loss_draws, _ = find_draws("lucky-sevens", BET, is_loss)
    stack.platform.game_rng = ScriptedRounds(loss_draws, loss_draws)
    user_code = stack.bots().fund_player("bruno", "EUR", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": "lucky-sevens"}
    envelope = stack.call("/v4/game/game-url", body | {"lang": "de", "jurisdiction": "de"})
    assert envelope["code"] == 0, envelope
    # The page's timers on a clock the test moves (the server's is the stack's).
    page.clock.install()
    open_game(page, envelope["data"]["game_url"], turbo=False)
    words = WORDS["de"]
    # A second tab of the same session, opened before the check: it learns of the break
    # only from a refused spin (3024).
    other = page.context.new_page()
    other.goto(page.url)
    other.wait_for_selector("body[data-state=idle]")
    spin(page)

    stack.clock.advance(minutes=60)
    page.click("#spin-btn")
    page.wait_for_selector("#reality:not([hidden])")
    page.click("#reality-continue")
    page.wait_for_selector("#reality-break:not([hidden])")
    assert page.locator("#reality").is_hidden()
    _paused_by_the_break(page)
    assert page.text_content("#reality-break-text") == words["break_body"].replace("{minutes}", "5")
    seconds, text = _countdown(page)
    assert 290 <= seconds <= 300 and text == f"{seconds // 60:02d}:{seconds % 60:02d}"
    page.clock.fast_forward(60_000)
    page.wait_for_function(
        "() => Number(document.getElementById('reality-break-time').dataset.seconds) <= 240"
    )
    assert _countdown(page)[1].startswith("0")  # 03:5x or 04:00

    # The other tab spins: refused for the break, in the player's language, and it pauses.
    other.click("#spin-btn")
    other.wait_for_selector("#reality-break:not([hidden])")
    assert other.text_content("#message") == words["err_3024"]
    _paused_by_the_break(other)
    other.close()

    # The page's countdown ends, but on the server's clock the break has not: it goes on.
    page.clock.fast_forward(300_000)
    page.wait_for_function(
        "() => Number(document.getElementById('reality-break-time').dataset.seconds) > 240"
    )
    _paused_by_the_break(page)

    # Five minutes on the server's clock: the page's next zero ends the break; play resumes.
    stack.clock.advance(minutes=5)
    page.clock.fast_forward(300_000)
    page.wait_for_selector("body[data-state=idle]")
    assert page.locator("#reality-break").is_hidden()
    assert not page.locator("#spin-btn").is_disabled()
    spin(page)
    assert page.get_attribute("#net", "data-minor") == str(-2 * BET)
