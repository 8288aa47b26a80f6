"""Back office users in headless Chromium: an admin invites an operator user, who sets a
password through the one-time link, turns two-factor sign-in on, signs out and back in with
the password and a code (computed here from the secret the page showed, on the stack's
clock); the admin makes them an admin, then disables them, and they cannot sign in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page

from reelhouse.domain import totp
from reelhouse.services import backoffice_users
from reelhouse.services.backoffice_users import Role
from tests.harness import Stack, running_stack

PASSWORD = "correct horse battery staple"
ADMIN = "admin@reelhouse.example"
INVITEE = "new.ops@casino-one.example"
INVITEE_PASSWORD = "a long and new password"


@pytest.fixture
def stack(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    # argon2id still, with cheap parameters (as in test_backoffice.py).
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(backoffice_users, "HASHER", cheap)
    with running_stack(database_url, tmp_path) as running:
        backoffice_users.create_user(running.platform, ADMIN, PASSWORD, Role.ADMIN)
        yield running


def _password_step(page: Page, stack: Stack, email: str, password: str) -> None:
    page.goto(f"{stack.reelhouse.url}/backoffice/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def _code(stack: Stack, secret: str) -> str:
    # The next step's code: the window accepts it, and it is later than the step any code
    # typed before used (codes are good once).
    return totp.code_at(totp.secret_of(secret), stack.clock.now().timestamp() + totp.STEP_SECONDS)


def _row(page: Page, email: str) -> str:
    return f"#users tr[data-email='{email}']"


def test_an_invited_user_sets_a_password_enrols_two_factor_and_is_managed(
    stack: Stack, page: Page, browser: Browser
) -> None:
    _password_step(page, stack, ADMIN, PASSWORD)
    page.wait_for_url(re.compile(r".*/backoffice/o/\d+/$"))
    page.click("header >> text=Users")
    page.fill("#invite-email", INVITEE)
    page.select_option("#invite-form select[name=role]", "operator")
    page.select_option("#invite-form select[name=operator_id]", label="casino_one")
    page.click("#invite")
    link = page.inner_text("#link-url")
    assert link.startswith(f"{stack.reelhouse.url}/backoffice/password?token=")
    assert page.inner_text(f"{_row(page, INVITEE)} .state") == "invited"

    invitee_context = browser.new_context(locale="en-US")
    try:
        other = invitee_context.new_page()
        other.set_default_timeout(15_000)
        other.goto(link)
        assert other.inner_text("#link-email") == INVITEE
        other.fill("input[name=password]", INVITEE_PASSWORD)
        other.fill("input[name=again]", INVITEE_PASSWORD)
        other.click("#set-password")
        other.wait_for_url(re.compile(r".*/backoffice/login\?welcome=1$"))
        other.goto(link)  # the link worked once
        assert "expired or was used" in other.inner_text("main")

        _password_step(other, stack, INVITEE, INVITEE_PASSWORD)
        other.wait_for_url(re.compile(r".*/backoffice/o/\d+/$"))
        other.click("#my-account")
        other.click("#totp-start")
        secret = other.inner_text("#totp-secret")
        assert other.inner_text("#totp-uri").startswith("otpauth://totp/Reelhouse:")
        other.fill(
            "#totp-code", totp.code_at(totp.secret_of(secret), stack.clock.now().timestamp())
        )
        other.click("#totp-confirm")
        assert other.inner_text("#two-factor-state") == "on"
        other.click("text=Sign out")
        other.wait_for_url(re.compile(r".*/backoffice/login$"))

        _password_step(other, stack, INVITEE, INVITEE_PASSWORD)
        other.fill("#code", _code(stack, secret))
        other.click("button[type=submit]")
        other.wait_for_url(re.compile(r".*/backoffice/o/\d+/$"))
        assert "(operator)" in other.inner_text("header .who")

        page.click("header >> text=Users")
        row = _row(page, INVITEE)
        assert page.inner_text(f"{row} .two-factor") == "on"
        page.select_option(f"{row} .role-form select[name=role]", "admin")
        page.click(f"{row} .save-role")
        assert "Role saved" in page.inner_text(".notice")
        other.reload()  # the new role applies at the next request
        assert "(admin)" in other.inner_text("header .who")

        page.click(f"{_row(page, INVITEE)} .disable")
        assert page.inner_text(f"{_row(page, INVITEE)} .state") == "disabled"
        other.reload()  # their session has ended
        other.wait_for_url(re.compile(r".*/backoffice/login$"))
        _password_step(other, stack, INVITEE, INVITEE_PASSWORD)
        assert "disabled" in other.inner_text(".error")
        assert "/backoffice/o/" not in other.url
    finally:
        invitee_context.close()

    changes = page.inner_text("#user-changes")
    for action in ("invite", "set_password", "totp_on", "role", "disable"):
        assert f"backoffice_user.{action}" in changes
