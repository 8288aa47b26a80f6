"""The conformance suite's own behaviour: timing on an injected timer, the preflight, the
token-only mode, the reports, and the command line."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelhouse.cli import app as cli_app
from reelhouse.domain.clock import FakeClock
from reelhouse.operator_kit.conformance import Status, render_html, render_text, run_suite
from reelhouse.operator_kit.conformance.wire import IdSource
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.sdk import Wallet

from .broken_wallets import DoubleDebit, SlowBets, broken_app
from .casino_helpers import TOKEN
from .conformance_helpers import (
    KEYS,
    OPENING,
    TESTER,
    advice_ids,
    failed_ids,
    served,
    skipped_ids,
    target,
)


class FakeTimer:
    """Seconds that pass only when a wallet says its work took them."""

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@pytest.fixture
def wallet(tmp_path: Path, clock: FakeClock) -> Iterator[Wallet]:
    wallet = Wallet(f"sqlite:///{tmp_path / 'wallet.db'}", clock)
    wallet.open_account(TESTER, "USD", OPENING)
    yield wallet
    wallet.dispose()


@pytest.mark.parametrize(("seconds", "caught"), [(0.9, False), (1.1, True)])
def test_answers_near_the_timeout_fail(
    wallet: Wallet, clock: FakeClock, seconds: float, caught: bool
) -> None:
    timer = FakeTimer()
    app = broken_app(SlowBets(wallet, timer.advance, seconds), KEYS, clock)
    with served(app) as server:
        report = server.run("slotcity-v4", clock, only=["slow-answers"], timer=timer)
    # A SlotCity bet times out after 2 s; past half of that is too close: advice (the
    # contract asks for an answer within the timeout only), never a failure.
    assert advice_ids(report) == ({"slow-answers"} if caught else set()), render_text(report)
    assert report.passed and failed_ids(report) == set()
    if caught:
        result = report.scenarios[1]
        assert "over 50% of the 2000 ms timeout" in result.reason
        [slow] = [step for step in result.steps if not step.passed]
        assert (slow.command, slow.elapsed_ms) == ("bet", 1100)


def test_a_wrong_account_or_a_poor_one_stops_at_the_preflight(
    wallet: Wallet, clock: FakeClock
) -> None:
    wallet.open_account("pauper", "USD", "9.99")
    app = broken_app(DoubleDebit(wallet), KEYS, clock)  # never reached beyond the preflight
    with served(app) as server:
        for account, why in (("ghost", "could not be read"), ("pauper", "less than 10.00 USD")):
            report = server.run("slotcity-v4", clock, account=account)
            preflight, *rest = report.scenarios
            assert preflight.status is Status.FAILED and why in preflight.reason
            assert {s.status for s in rest} == {Status.SKIPPED}
            assert not report.passed


def test_token_only_wallets(tmp_path: Path, clock: FakeClock) -> None:
    # A SlotCity wallet may compare the Callback-Token and ignore Reelhouse's signature.
    app = create_casino_app(
        f"sqlite:///{tmp_path / 'casino.db'}", TOKEN, require_signature=False, clock=clock
    )
    app.state.casino.create_player(TESTER, "USD", OPENING)
    try:
        with served(app) as server:
            declared = server.run("slotcity-v4", clock, signatures_checked=False)
            undeclared = server.run("slotcity-v4", clock)
    finally:
        app.state.casino.dispose()
    assert declared.passed, render_text(declared)
    assert skipped_ids(declared) == {"single-call-round", "stale-timestamps", "tampered-body"}
    # Tested as if it checked signatures, it accepts tampered and stale requests: advice
    # (the signature headers are Reelhouse's addition), so it passes all the same.
    assert advice_ids(undeclared) == {"tampered-body", "stale-timestamps"}
    assert undeclared.passed and failed_ids(undeclared) == set()


def test_unknown_names_are_refused_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="wallet dialect"):
        run_suite(target("http://127.0.0.1:9", "slotcity-v5"))
    with pytest.raises(ValueError, match="no scenario"):
        run_suite(target("http://127.0.0.1:9", "slotcity-v4"), only=["spec-7"])
    with pytest.raises(ValueError, match="not supported"):
        run_suite(target("http://127.0.0.1:9", "slotcity-v4", currency="ZZZ"))
    with pytest.raises(ValueError, match="no minor unit"):
        run_suite(target("http://127.0.0.1:9", "slotcity-v4", currency="XXX"))


def test_the_reports_name_what_failed(wallet: Wallet, clock: FakeClock) -> None:
    app = broken_app(DoubleDebit(wallet), KEYS, clock)
    with served(app) as server:
        report = server.run("igamingace-a", clock, only=["spec-3-bet-twice", "spec-2-balance"])
    text = render_text(report)
    assert "PASS  spec-2-balance" in text
    assert "FAIL  spec-3-bet-twice" in text
    assert "step:     the same bet again" in text
    assert "answer reports balance 96000, expected 98000" in text
    assert text.rstrip().endswith("FAILED: 2 passed, 1 failed, 0 skipped")
    page = render_html(report)
    assert page.startswith("<!doctype html>") and "FAILED" in page
    # Self-contained: nothing fetched from anywhere, nothing run.
    for outside in ("<script", "<link", "src=", "@import", "url("):
        assert outside not in page
    # What the wallet sent back is shown escaped, never as markup.
    assert "{&quot;balance&quot;:960,&quot;statusCode&quot;:&quot;OK&quot;}" in page


def test_wallet_answers_cannot_inject_markup(clock: FakeClock) -> None:
    from fastapi import FastAPI
    from fastapi.responses import Response

    hostile = FastAPI()

    @hostile.post("/callback")
    def answer() -> Response:
        return Response("<script>alert(1)</script>", media_type="text/html")

    with served(hostile) as server:
        report = server.run("slotcity-v4", clock)
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def cli(*args: str) -> object:
    return CliRunner().invoke(cli_app, ["conformance", *args])


def test_the_command_line(tmp_path: Path) -> None:
    # The command signs with the real clock, so the casino runs on it too.
    app = create_casino_app(f"sqlite:///{tmp_path / 'casino.db'}", TOKEN, keys=lambda _d: KEYS)
    app.state.casino.create_player(TESTER, "USD", OPENING)
    html = tmp_path / "report.html"
    try:
        with served(app) as server:
            url = f"{server.base_url}/callback"
            ok = CliRunner().invoke(
                cli_app,
                ["conformance", url, "--account", TESTER, "--json", "--html", str(html)],
                env={"REELHOUSE_CONFORMANCE_TOKEN": TOKEN},
            )
            one = cli(url, "--token", TOKEN, "--account", TESTER, "--only", "spec-2-balance")
            wrong = cli(url, "--token", "wrong", "--account", TESTER, "--only", "spec-2-balance")
            b_url = f"{server.base_url}/igamingace-b"
            no_key = cli(b_url, "--dialect", "igamingace-b", "--account", TESTER)
            bad_dialect = cli(url, "--dialect", "nope", "--token", TOKEN, "--account", TESTER)
            bad_scenario = cli(url, "--token", TOKEN, "--account", TESTER, "--only", "x")
    finally:
        app.state.casino.dispose()
    assert ok.exit_code == 0, ok.output  # type: ignore[attr-defined]
    document = json.loads(ok.stdout)  # type: ignore[attr-defined]
    assert document["summary"] == {
        "ok": True,
        "passed": 19,
        "failed": 0,
        "skipped": 1,
        "advice": 0,
    }
    assert html.read_text().count("<details") == 20
    assert one.exit_code == 0 and "ALL PASSED: 2 passed" in one.stdout  # type: ignore[attr-defined]
    assert wrong.exit_code == 1 and "FAIL  preflight" in wrong.stdout  # type: ignore[attr-defined]
    for refused in (no_key, bad_dialect, bad_scenario):
        assert refused.exit_code == 2, refused.output  # type: ignore[attr-defined]


def test_the_suites_ids_are_exact_as_doubles() -> None:
    # A JavaScript wallet reads every JSON number as a double: above 2^53 ids lose digits
    # and iGamingAce A signatures, computed over the ids' text, stop matching.
    for _ in range(50):
        source = IdSource()
        ids = [source.new() for _ in range(3)]
        assert all(0 < value < 2**53 and float(value) == value for value in ids)
        assert ids == sorted(set(ids))
