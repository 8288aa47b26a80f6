"""The back office's operations workflows in headless Chromium, against a running Reelhouse
and demo casino: the catalogue with each game's picture and figures; an admin puts a game in
maintenance (the games API says so and refuses to launch it) and back; closing a live
session (its token is refused afterwards); the callback test history; the API error log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from reelhouse.services import backoffice_users
from reelhouse.services.backoffice_users import Role
from tests.harness import Stack, running_stack

PASSWORD = "correct horse battery staple"
ADMIN = "admin@reelhouse.example"
GAME = "lucky-sevens"


@pytest.fixture
def stack(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    # argon2id still, with cheap parameters: production's cost 0.6 s a hash on CI's machine.
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(backoffice_users, "HASHER", cheap)
    with running_stack(database_url, tmp_path) as running:
        backoffice_users.create_user(running.platform, ADMIN, PASSWORD, Role.ADMIN)
        yield running


def sign_in(page: Page, stack: Stack) -> str:
    """Sign in as the admin; returns the URL of casino_one's pages."""
    page.goto(f"{stack.reelhouse.url}/backoffice/login")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/backoffice/o/\d+/$"))
    return f"{stack.reelhouse.url}/backoffice/o/{stack.operator_id}"


def listed_status(stack: Stack) -> tuple[str, bool]:
    items = stack.call("/v4/game/games", {"provider_id": 1})["data"]
    item = next(g for g in items if g["game_code"] == GAME)
    return item["status"], item["launch_enable"]


def test_the_operations_workflows(stack: Stack, page: Page) -> None:
    base = sign_in(page, stack)
    bots = stack.bots()
    user_code = bots.fund_player("olga", "USD", "100.00")

    # The catalogue: every game with its picture (served by Reelhouse) and its figures.
    page.goto(f"{base}/games")
    row = page.locator(f"tr.game[data-game='{GAME}']")
    assert row.locator("img.thumb").evaluate("img => img.complete && img.naturalWidth") > 0
    assert row.locator("td.rtp").inner_text().startswith("9")
    assert "x bet" in row.locator("td.max-win").inner_text()
    assert "1 in" in row.locator("td.max-win").inner_text()
    assert "5 lines" in row.locator("td.features").inner_text()

    # Maintenance for every operator: listed so, launch refused (1); then back.
    assert listed_status(stack) == ("available", True)
    row.locator("select[name=for]").select_option("every")
    row.locator("button.maintenance-on").click()
    expect(page.locator(".notice")).to_contain_text("in maintenance for every operator")
    assert "maintenance" in page.locator(f"tr.game[data-game='{GAME}'] td.status").inner_text()
    assert listed_status(stack) == ("maintenance", False)
    launch_body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME}
    assert stack.call("/v4/game/game-url", launch_body)["code"] == 1
    page.locator(f"tr.game[data-game='{GAME}'] button.maintenance-off").click()
    expect(page.locator(".notice")).to_contain_text("available for every operator")
    assert listed_status(stack) == ("available", True)

    # Close a live session from the Live sessions page: its token is refused (3001).
    session_token = bots.open_session(user_code, GAME)
    assert bots.spin(session_token, "0.50")["code"] == 0
    page.goto(f"{base}/sessions")
    assert "Player" in page.inner_text("#sessions thead")  # a heading for people
    page.locator("#sessions button.close-session").click()
    page.wait_for_url(f"{base}/sessions")
    expect(page.locator("#sessions button.close-session")).to_have_count(0)
    assert bots.spin(session_token, "0.50")["code"] == 3001
    page.goto(f"{base}/audit")
    assert "session.close" in page.inner_text("#audit")

    # Test callback from Settings, then its history.
    page.goto(f"{base}/settings")
    page.click("#test-callback")
    assert "Reachable" in page.inner_text("#probe")
    page.click("#callback-history")
    history = page.locator("#callback-tests tbody tr")
    expect(history).to_have_count(1)
    assert f"{stack.casino.url}/callback" in history.inner_text()
    assert ADMIN in history.inner_text()

    # Refused Main API calls appear in the API error log, newest first: this one, and the
    # launch refused during the maintenance above.
    assert stack.call("/v4/user/info", {"user_code": 424242})["code"] == 2002
    page.goto(f"{base}/api-errors")
    errors = page.locator("#api-errors tbody tr")
    expect(errors).to_have_count(2)
    newest, oldest = errors.nth(0).inner_text(), errors.nth(1).inner_text()
    assert "/v4/user/info" in newest and "2002" in newest
    assert "/v4/game/game-url" in oldest and "maintenance" in oldest
