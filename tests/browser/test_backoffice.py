"""The back office in headless Chromium: sign in, change the callback URL, test it, run the
conformance suite (which approves the operator), find a round and open its details; and an
operator user who edits URLs and ids to reach another operator's data finds nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from reelhouse.services import backoffice_users, operators
from reelhouse.services.backoffice_users import Role
from reelhouse.services.operators import OperatorState
from reelhouse.store.models import AuditEntry, Operator, Round, WalletCall
from tests.browser.conftest import DOCS_IMG
from tests.harness import Stack, running_stack

PASSWORD = "correct horse battery staple"
OPS = "ops@casino-one.example"
OTHER = "ops@casino-two.example"
ADMIN = "admin@reelhouse.example"


@pytest.fixture
def stack(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    # argon2id still, with cheap parameters: production's cost 0.6 s a hash on CI's machine.
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(backoffice_users, "HASHER", cheap)
    with running_stack(database_url, tmp_path) as running:
        platform = running.platform
        running.add_operator("casino_two")
        backoffice_users.create_user(platform, OPS, PASSWORD, Role.OPERATOR, "casino_one")
        backoffice_users.create_user(platform, OTHER, PASSWORD, Role.OPERATOR, "casino_two")
        backoffice_users.create_user(platform, ADMIN, PASSWORD, Role.ADMIN)
        yield running


def sign_in(page: Page, stack: Stack, email: str) -> str:
    """Sign in; returns the URL of the operator's pages (…/backoffice/o/<id>)."""
    page.goto(f"{stack.reelhouse.url}/backoffice/")
    assert page.url.endswith("/backoffice/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/backoffice/o/\d+/$"))
    return page.url.rstrip("/")


def play(stack: Stack, name: str, spins: int, api_token: str | None = None) -> list[int]:
    bots = stack.bots()
    user_code = bots.fund_player(name, "USD", "100.00")
    if api_token is not None:
        body = {
            "user_code": user_code,
            "provider_id": 1,
            "game_symbol": "lucky-sevens",
            "lang": "en",
        }
        url = stack.call("/v4/game/game-url", body, token=api_token)["data"]["game_url"]
        session_token = bots.session_from_url(url)
    else:
        session_token = bots.open_session(user_code, "lucky-sevens")
    for _ in range(spins):
        assert bots.spin(session_token, "0.50")["code"] == 0
    with stack.platform.db.transaction() as session:
        return [r.id for r in session.scalars(select(Round).where(Round.player_id == user_code))]


def test_an_operator_user_fixes_the_callback_url_goes_live_and_finds_a_round(
    stack: Stack, page: Page, database_url: str
) -> None:
    good_url = f"{stack.casino.url}/callback"
    operators.set_callback_url(stack.platform, "casino_one", f"{stack.casino.url}/nowhere")
    operators.set_state(stack.platform, "casino_one", OperatorState.UNAPPROVED)
    stack.bots().fund_player("conformance_tester", "USD", "1000.00")
    base = sign_in(page, stack, OPS)

    page.click("text=Settings")
    page.fill("#callback_url", good_url)
    page.click("#test-callback")
    assert "Reachable" in page.inner_text("#probe")
    assert re.search(r"\d+ ms", page.inner_text("#probe-latency"))
    page.fill("#callback_url", good_url)
    page.click("#save-callback")
    assert "Callback URL saved" in page.inner_text(".notice")
    assert page.input_value("#callback_url") == good_url

    page.click("text=Callback API testing")
    page.fill("#account", "conformance_tester")
    page.click("#run-suite")
    assert "0 failed" in page.inner_text("#summary")
    assert page.inner_text("#operator-state") == "approved"
    assert page.locator(".scenario.passed pre.sent").count() > 0  # each request is shown
    assert page.locator(".scenario.passed pre.received").count() > 0

    round_ids = play(stack, "dora", 3)
    page.click("text=Game history")
    page.fill("input[name=player]", "dora")
    page.click("form.filters button[type=submit]")
    # A click does not wait for the page it navigates to: wait for the filtered page itself,
    # or the count may be read from the page before it.
    page.wait_for_url(re.compile(r".*/rounds\?.*player=dora"))
    expect(page.locator("#rounds a.round-link")).to_have_count(3)
    page.click(f"#rounds a.round-link:text('{round_ids[0]}')")
    page.wait_for_url(f"{base}/rounds/{round_ids[0]}")
    assert page.inner_text("#round-state") == "settled"
    assert "Lucky Sevens" in page.inner_text("#round-facts")

    page.click("text=Audit log")
    audit_text = page.inner_text("#audit")
    assert "settings.callback_url" in audit_text and "operator.approve" in audit_text
    with stack.platform.db.transaction() as session:
        operator = session.scalar(select(Operator).where(Operator.name == "casino_one"))
        assert operator is not None
        assert operator.callback_url == good_url and operator.state == OperatorState.APPROVED
    page.click("text=Dashboard")
    assert page.inner_text("#today-rounds") == "3"
    assert page.locator("svg.chart rect").count() > 0
    if database_url.startswith("sqlite"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / "backoffice-dashboard.png"), full_page=True)


def _other_operator_ids(stack: Stack) -> tuple[int, int, int, int]:
    """casino_one's operator id, a round, a player and a wallet call of it."""
    round_ids = play(stack, "victim", 2)
    with stack.platform.db.transaction() as session:
        round_ = session.get(Round, round_ids[0])
        assert round_ is not None
        call = session.scalar(select(WalletCall).where(WalletCall.round_id == round_.id))
        assert call is not None
        return round_.operator_id, round_.id, round_.player_id, call.id


def test_an_operator_user_cannot_reach_another_operators_data(
    stack: Stack, page: Page, context: BrowserContext
) -> None:
    victim_op, round_id, user_code, call_id = _other_operator_ids(stack)
    base = sign_in(page, stack, OTHER)
    own_op = int(base.rsplit("/", 1)[1])
    assert own_op != victim_op
    assert page.locator(".switch a").all_inner_texts() == ["casino_two"]
    root = f"{stack.reelhouse.url}/backoffice/o"
    victim_pages = [
        "/", "/settings", "/players", f"/players/{user_code}", "/transactions", "/rounds",
        f"/rounds/{round_id}", "/sessions", "/stats", "/stats?by=game",
        "/stats?by=player&format=csv",
        "/callback-test", "/stuck", "/audit", "/games", "/games/lucky-sevens",
    ]  # fmt: skip
    for path in victim_pages:
        answer = page.goto(f"{root}/{victim_op}{path}")
        assert answer is not None and answer.status == 404, path
        assert "casino_one" not in page.content(), path
    # Their own pages, with the other operator's ids in them.
    for path in (f"/players/{user_code}", f"/rounds/{round_id}"):
        answer = page.goto(f"{root}/{own_op}{path}")
        assert answer is not None and answer.status == 404, path
    for path in (
        f"/transactions?id={call_id}",
        f"/rounds?id={round_id}",
        f"/players?q={user_code}",
    ):
        page.goto(f"{root}/{own_op}{path}")
        assert str(user_code) not in page.inner_text("main") or "No " in page.inner_text("main")
        assert page.locator("a.round-link").count() == 0, path
    # Every action, with a valid CSRF token of this user's own session.
    page.goto(f"{root}/{own_op}/settings")
    csrf = page.input_value("input[name=csrf] >> nth=0")
    actions = [
        f"/{victim_op}/settings/{name}"
        for name in (
            "callback-url", "test-callback", "allowed-ips", "rtp", "limits", "dialect",
            "api-token", "callback-token", "secret-key",
        )
    ] + [f"/{victim_op}/callback-test", f"/{victim_op}/stuck/{call_id}/retry",
         f"/{victim_op}/stuck/{call_id}/resolve", f"/{own_op}/stuck/{call_id}/retry",
         f"/{own_op}/stuck/{call_id}/resolve"]  # fmt: skip
    form = {"csrf": csrf, "callback_url": "http://127.0.0.1:9/x", "reason": "probe",
            "allowed_ips": "10.0.0.1", "rtp": "88", "min_bet": "1", "max_bet": "2",
            "max_win": "3", "dialect": "igamingace-b", "account": "x"}  # fmt: skip
    for path in actions:
        answer = context.request.post(f"{root}{path}", form=form)
        assert answer.status == 404, path
    with stack.platform.db.transaction() as session:
        victim = session.get(Operator, victim_op)
        assert victim is not None
        assert victim.callback_url.endswith("/callback") and victim.rtp_bp == 9600
        assert victim.allowed_ips == "" and victim.dialect == "slotcity-v4"
        assert session.scalars(select(AuditEntry)).all() == []
        call = session.get(WalletCall, call_id)
        assert call is not None and call.state == "acked"


def test_the_admin_sees_every_operator(stack: Stack, page: Page) -> None:
    play(stack, "ann", 1)
    sign_in(page, stack, ADMIN)
    assert page.locator(".switch a").all_inner_texts() == ["casino_one", "casino_two"]
    page.click(".switch a:text('casino_two')")
    assert "casino_two" in page.inner_text("h1")


def test_sign_in_is_guarded(stack: Stack, page: Page, context: BrowserContext) -> None:
    page.goto(f"{stack.reelhouse.url}/backoffice/o/1/settings")
    assert page.url.endswith("/backoffice/login")  # not signed in: to the login form
    for _ in range(5):
        page.fill("input[name=email]", OPS)
        page.fill("input[name=password]", "not the password")
        page.click("button[type=submit]")
        assert "wrong e-mail or password" in page.inner_text(".error")
    page.fill("input[name=email]", OPS)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert "locked" in page.inner_text(".error")  # even the right password, while locked
    stack.clock.advance(minutes=16)
    sign_in(page, stack, OPS)
    (cookie,) = [c for c in context.cookies() if c["name"] == "rh_bo_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/backoffice"
    # A form posted without this session's CSRF token is refused and changes nothing.
    answer = context.request.post(
        f"{stack.reelhouse.url}/backoffice/o/1/settings/allowed-ips",
        form={"allowed_ips": "10.0.0.1", "csrf": "forged"},
    )
    assert answer.status == 403
    with stack.platform.db.transaction() as session:
        operator = session.get(Operator, 1)
        assert operator is not None and operator.allowed_ips == ""
    page.click("text=Sign out")
    page.goto(f"{stack.reelhouse.url}/backoffice/o/1/")
    assert page.url.endswith("/backoffice/login")


def test_the_other_pages_work(stack: Stack, page: Page) -> None:
    play(stack, "eve", 4)
    base = sign_in(page, stack, OPS)
    page.goto(f"{base}/players?q=ev")
    assert "eve" in page.inner_text("#players")
    page.goto(f"{base}/transactions?type=win")
    kinds = page.locator("#transactions tbody tr td:nth-child(5)").all_inner_texts()
    assert len(kinds) == 4 and all(k.startswith("win") for k in kinds)
    page.goto(f"{base}/transactions?type=cancel")
    assert "No transaction" in page.inner_text("#transactions")
    page.goto(f"{base}/sessions")
    assert page.locator("meta[http-equiv=refresh]").count() == 1
    assert "eve" in page.inner_text("#sessions")
    page.goto(f"{base}/stats?by=game")
    assert "lucky-sevens" in page.inner_text("#stats")
    with page.expect_download() as download:
        page.click("#csv")
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith(
        "provider_id,game_code,game_name,rtp_variant,currency_code,bet,win,ggr"
    )
    page.goto(f"{base}/games/emerald-temple")
    assert "Golden Idol" in page.inner_text("main")
    page.goto(f"{base}/settings")
    page.click("#reissue-api")
    token = page.inner_text("code.secret-value[data-name=api_token]")
    assert stack.call("/v4/game/all", {}, token=token)["code"] == 0  # the new one works
    page.goto(f"{base}/settings")
    assert token not in page.content()  # shown once only
