"""The API reference page in headless Chromium with every request off this machine refused:
it renders every operation of the document from Reelhouse's own files, and "Try it out"
after "Authorize" sends the agent's token as `Authorization: Bearer`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import DOCS_IMG, LOCAL_HOSTS
from tests.harness import Stack, running_stack


# The page does not depend on the database: SQLite alone (named, so that `make screenshots`,
# which selects `-k sqlite`, runs this test too).
@pytest.fixture(params=["sqlite"])
def stack(tmp_path: Path) -> Iterator[Stack]:
    with running_stack(f"sqlite:///{tmp_path / 'reelhouse.db'}", tmp_path) as running:
        yield running


def _loopback_only(route: Route) -> None:
    """Whatever the page asks of another host is refused, as on a machine with no network."""
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


def test_the_reference_renders_offline_and_try_it_out_sends_the_token(
    stack: Stack, page: Page
) -> None:
    document = httpx.get(f"{stack.reelhouse.url}/openapi.json").json()
    operations = sum(len(item) for item in document["paths"].values())
    page.route("**/*", _loopback_only)
    page.goto(f"{stack.reelhouse.url}/docs")

    blocks = page.locator(".opblock")
    expect(blocks.first).to_be_visible()
    expect(blocks).to_have_count(operations)
    expect(page.locator(".opblock-summary-path", has_text="/v4/user/create")).to_be_visible()
    page.screenshot(path=str(DOCS_IMG / "api-reference.png"))

    # Authorize with the agent's API token (the first of the two bearer schemes).
    page.locator("button.authorize").first.click()
    dialog = page.locator(".auth-container").filter(has_text="apiToken")
    dialog.locator("input").fill(stack.api_token)
    dialog.locator("button.authorize").click()
    page.locator("button.btn-done").first.click()

    # Try out /v4/agent/info: the request carries the token, the answer is shown.
    operation = page.locator(".opblock", has=page.locator("[data-path='/v4/agent/info']"))
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    with page.expect_request(lambda request: request.url.endswith("/v4/agent/info")) as sent:
        operation.locator("button.execute").click()
    assert sent.value.headers["authorization"] == f"Bearer {stack.api_token}"
    expect(operation.locator(".responses-wrapper .live-responses-table")).to_contain_text(
        "casino_one"
    )
