"""The game client shows each jurisdiction profile's player-visible rules (docs/jurisdictions.md):
no autoplay, turbo or slam stop control where forbidden, the session's elapsed time, net
position and RTP where required (with the right values after a round), a win not above the
stake shown without celebration where that is forbidden, and no stake offered above the cap.

One page is opened per distinct visible combination of rules (profiles that would look the
same are not opened twice), all on one running stack, each playing one round: a small win
(above nothing, not above the stake), which exercises every rule at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from reelhouse.domain.jurisdictions import PROFILES, Profile
from reelhouse.games.outcome import SpinOutcome
from reelhouse.services import operators
from tests.browser.client_helpers import (
    ScriptedRounds,
    casino_minor,
    find_draws,
    open_game,
    shown_minor,
    spins_done,
)
from tests.harness import OPERATOR_NAME, Stack, running_stack

GAME = "lucky-sevens"
BET = 10  # the operator's minimum bet, the client's first level: 0.10
FUNDS_MINOR = 10_000
RTP_SHOWN = "96 %"  # the operator's default return, the variant the draws are found at
# The autoplay control, which must not exist where autoplay is forbidden. The quick (slam)
# stop is the spin button turning into "Stop" while the reels turn: where it is forbidden the
# button stays disabled until they have landed.
AUTOPLAY_CONTROLS = "#autoplay-btn, [data-control=autoplay]"
MAX_BET_STEPS = 40  # more than the client's bet levels, so the walk up always ends
CLOCK_TEXT = re.compile(r"^(\d+):(\d{2}):(\d{2})$")

# The database does not change what the page shows (the server side of every profile runs on
# both in tests/test_jurisdictions.py): this runs on SQLite only.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _visible(rules: Profile) -> tuple[Any, ...]:
    """What of a profile the player can see in one round: two profiles alike here look alike."""
    return (
        rules.autoplay_allowed,
        rules.turbo_allowed,
        rules.slam_stop_allowed,
        rules.celebrate_win_at_or_below_stake,
        rules.show_rtp,
        rules.show_elapsed_time,
        rules.show_net_position,
        tuple(sorted((rules.max_stake_minor or {}).items())),
    )


def _one_per_look() -> list[str]:
    seen: dict[tuple[Any, ...], str] = {}
    for code in sorted(PROFILES):
        seen.setdefault(_visible(PROFILES[code]), code)
    return sorted(seen.values())


def _currency_of(rules: Profile) -> str:
    """A currency the profile's stake cap is written in (USD where it has none)."""
    return next(iter(sorted(rules.max_stake_minor))) if rules.max_stake_minor else "USD"


def _small_win(outcome: SpinOutcome) -> bool:
    return 0 < outcome.win_minor <= BET and not outcome.free_spins


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def _launch(stack: Stack, page: Page, code: str, draws: tuple[int, ...]) -> Profile:
    """Open a session of `code`'s profile, its operator playing in a currency the profile's
    cap is written in, its first round scripted to `draws`."""
    rules = PROFILES[code]
    money = _currency_of(rules)
    with stack.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR_NAME).currency = money
    stack.platform.game_rng = ScriptedRounds(draws)
    user_code = stack.bots().fund_player(f"pat_{code}", money, f"{FUNDS_MINOR / 100:.2f}")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    envelope = stack.call("/v4/game/game-url", body | {"jurisdiction": code})
    assert envelope["code"] == 0, envelope
    open_game(page, envelope["data"]["game_url"], turbo=rules.turbo_allowed)
    return rules


def _check_controls(page: Page, rules: Profile) -> None:
    if not rules.autoplay_allowed:
        assert page.locator(AUTOPLAY_CONTROLS).count() == 0
    assert page.locator("#turbo-btn").is_visible() is rules.turbo_allowed


def _spin_checking_slam_stop(page: Page, rules: Profile) -> None:
    """One round; while its reels turn, the spin button offers a quick stop only where the
    profile allows it (the page says `spinning` until the reels have landed)."""
    before = spins_done(page)
    page.click("#spin-btn")
    page.wait_for_function(
        "(before) => document.body.dataset.state === 'spinning'"
        " || Number(document.body.dataset.spins || 0) > before",
        arg=before,
    )
    if page.get_attribute("body", "data-state") == "spinning" and not rules.slam_stop_allowed:
        assert page.is_disabled("#spin-btn")
        assert "stop" not in (page.get_attribute("#spin-btn", "class") or "")
    page.wait_for_function(
        "(before) => Number(document.body.dataset.spins || 0) > before"
        " && document.body.dataset.state !== 'spinning'",
        arg=before,
    )


def _check_figures(page: Page, rules: Profile, won_minor: int, casino_before: int) -> None:
    """The figures the profile requires are shown, with the values after one round; the
    others are not."""
    shown = {
        "#fig-time": rules.show_elapsed_time,
        "#fig-net": rules.show_net_position,
        "#fig-rtp": rules.show_rtp,
    }
    for selector, required in shown.items():
        assert page.locator(selector).is_visible() is required, selector
    if rules.show_net_position:
        # Won minus staked in this session, as the casino's ledger moved.
        assert shown_minor(page, "#net") == won_minor - BET
        assert casino_before + won_minor - BET == shown_minor(page, "#balance")
    if rules.show_elapsed_time:
        # Hours, minutes and seconds, saying the same as the seconds the page counts.
        found = CLOCK_TEXT.match(page.text_content("#elapsed") or "")
        assert found is not None
        hours, minutes, seconds = (int(part) for part in found.groups())
        counted = int(page.get_attribute("#elapsed", "data-seconds") or -1)
        assert abs(hours * 3600 + minutes * 60 + seconds - counted) <= 1  # ticks once a second
    if rules.show_rtp:
        assert page.text_content("#rtp-shown") == RTP_SHOWN


def _check_stake_cap(page: Page, rules: Profile, currency: str) -> None:
    """Walking the stake selector to its top never passes the cap, and reaches it."""
    cap = rules.stake_cap_minor(currency)
    if cap is None:
        return
    offered = [shown_minor(page, "#bet")]
    for _ in range(MAX_BET_STEPS):
        if page.locator("#bet-up").is_disabled():
            break
        page.click("#bet-up")
        offered.append(shown_minor(page, "#bet"))
    assert page.locator("#bet-up").is_disabled()
    assert max(offered) == cap


def test_every_profile_shows_what_its_rules_require(stack: Stack, page: Page) -> None:
    draws, outcome = find_draws(GAME, BET, _small_win)
    codes = _one_per_look()
    # The grouping keeps the profiles that look different: every capped one, and at least
    # one that celebrates small wins and one that does not.
    assert {"default", "uk", "de"} <= set(codes)
    for code in codes:
        rules = _launch(stack, page, code, draws)
        currency = _currency_of(rules)
        _check_controls(page, rules)
        if rules.show_net_position:
            assert shown_minor(page, "#net") == 0
        before = casino_minor(stack, f"pat_{code}")
        assert before == FUNDS_MINOR

        _spin_checking_slam_stop(page, rules)
        if not rules.celebrate_win_at_or_below_stake:
            # Shown, but neither a win jingle nor a scene.
            cues = (page.get_attribute("body", "data-cues") or "").split()
            assert not [cue for cue in cues if cue.startswith("win")], (code, cues)
            assert page.is_hidden("#scene")

        assert shown_minor(page, "#win") == outcome.win_minor, code
        assert casino_minor(stack, f"pat_{code}") == before + outcome.win_minor - BET
        celebrated = page.get_attribute("#win", "data-celebrated")
        assert celebrated == str(rules.celebrate_win_at_or_below_stake).lower(), code
        _check_figures(page, rules, outcome.win_minor, before)
        _check_controls(page, rules)  # the same after a round as before it
        _check_stake_cap(page, rules, currency)
