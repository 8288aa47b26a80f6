"""Headless Chromium for the browser tests: Debian's own build (never a downloaded one), one
browser per test process, a fresh context per test. Every request a page makes is recorded,
and a test fails if any went anywhere but loopback: the pages must work offline."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

CHROMIUM = os.environ.get("REELHOUSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What a page may load: its own server, the demo casino (the return URL), and the
# in-document URLs the client generates (symbol art, the empty favicon).
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
# Screenshots go where `make screenshots` asks (docs/img, for the README); otherwise to a
# scratch folder, so a test run never modifies a tracked file.
DOCS_IMG = (
    Path(os.environ["REELHOUSE_SCREENSHOTS_DIR"]).resolve()
    if os.environ.get("REELHOUSE_SCREENSHOTS_DIR")
    else Path(tempfile.mkdtemp(prefix="reelhouse-screenshots-"))
)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        # As with PostgreSQL: on CI a missing browser is a failure (.ci/run installs it);
        # on a developer's machine these tests skip and say how to get them running.
        hint = f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(hint)
        pytest.skip(hint)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Requests:
    """Every URL the pages of one context asked for."""

    urls: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def requests_seen() -> Requests:
    return Requests()


def _recorded_context(browser: Browser, seen: Requests, **options: Any) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="en-US", **options)
    ctx.on("request", lambda request: seen.urls.append(request.url))
    yield ctx
    ctx.close()
    assert seen.urls, "the test made no request at all"
    assert seen.outside() == [], f"requests left the machine: {seen.outside()}"


def _checked_page(ctx: BrowserContext) -> Iterator[Page]:
    """A page that fails its test on any uncaught script error."""
    new_page = ctx.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    new_page.set_default_timeout(15_000)
    yield new_page
    assert errors == [], f"script errors on the page: {errors}"


@pytest.fixture
def context(browser: Browser, requests_seen: Requests) -> Iterator[BrowserContext]:
    yield from _recorded_context(browser, requests_seen, viewport={"width": 1100, "height": 760})


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    yield from _checked_page(context)


@pytest.fixture
def browser_phone(browser: Browser, requests_seen: Requests) -> Iterator[Page]:
    """A phone held upright: small viewport, touch, high density."""
    for ctx in _recorded_context(
        browser,
        requests_seen,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ):
        yield from _checked_page(ctx)
