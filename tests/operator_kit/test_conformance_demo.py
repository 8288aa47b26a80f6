"""The conformance suite against the demo casino: every scenario passes in every dialect, on
SQLite and PostgreSQL, and the test account ends where it started."""

from __future__ import annotations

import json

import pytest

from reelhouse.domain.clock import FakeClock
from reelhouse.operator_kit.conformance import SCENARIO_IDS, Status, render_text
from reelhouse.operator_kit.demo_casino import create_casino_app

from .casino_helpers import TOKEN
from .conformance_helpers import DIALECTS, KEYS, OPENING, TESTER, failed_ids, served, skipped_ids

# What does not apply where: SlotCity has no single-call round; flavour B has no timestamp.
NOT_APPLICABLE = {
    "slotcity-v4": {"single-call-round"},
    "igamingace-a": set(),
    "igamingace-b": {"stale-timestamps"},
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_suite_passes_against_the_demo_casino(
    wallet_url: str, clock: FakeClock, dialect: str
) -> None:
    app = create_casino_app(wallet_url, TOKEN, clock=clock, keys=lambda _d: KEYS)
    casino = app.state.casino
    try:
        casino.create_player(TESTER, "USD", OPENING)
        with served(app) as wallet:
            report = wallet.run(dialect, clock)
        assert failed_ids(report) == set(), render_text(report)
        assert skipped_ids(report) == NOT_APPLICABLE[dialect]
        assert report.passed
        assert [s.id for s in report.scenarios] == ["preflight", *SCENARIO_IDS]
        # Every scenario that ran sent something and checked the money through `balance`.
        ran = [s for s in report.scenarios[1:] if s.status is Status.PASSED]
        assert all(s.steps and s.money for s in ran)
        assert all(check.passed for s in ran for check in s.money)
        # Each scenario puts back what it took: the account can be tested again and again.
        assert casino.player(TESTER)["balance"] == OPENING
        assert casino.ledger(None)  # the suite really played: bets, wins, cancels
    finally:
        casino.dispose()


def test_the_report_as_json(tmp_path: object, clock: FakeClock) -> None:
    app = create_casino_app("sqlite://", TOKEN, clock=clock, keys=lambda _d: KEYS)
    casino = app.state.casino
    try:
        casino.create_player(TESTER, "USD", OPENING)
        with served(app) as wallet:
            report = wallet.run("slotcity-v4", clock, only=["spec-3-bet-twice"])
    finally:
        casino.dispose()
    doc = json.loads(json.dumps(report.to_dict()))
    assert doc["summary"] == {"ok": True, "passed": 2, "failed": 0, "skipped": 0, "advice": 0}
    assert doc["target"]["dialect"] == "slotcity-v4"
    scenario = doc["scenarios"][1]
    assert scenario["id"] == "spec-3-bet-twice" and scenario["source"] == "spec 3.3"
    labels = [step["label"] for step in scenario["steps"]]
    assert labels[:6] == [
        "balance at the start",
        "authenticate",
        "balance",
        "bet below the balance",
        "the same bet again",
        "balance: debited once",
    ]
    bet = scenario["steps"][3]
    assert bet["sent"]["body"].startswith('{"command":"bet","data":{')
    assert bet["received"]["status"] == 200
    assert bet["outcome"]["kind"] == "applied" and bet["outcome"]["balance_minor"] == 98000
    repeat = scenario["steps"][4]
    assert json.loads(repeat["received"]["body"])["result"] == 41
    # The callback token never reaches a report: only its last characters.
    headers = dict(bet["sent"]["headers"])
    assert headers["Callback-Token"] == "..." + TOKEN[-4:]
    assert TOKEN not in json.dumps(doc)
    money = scenario["money"][0]
    assert money == {
        "label": "debited once",
        "balance_before_minor": 100000,
        "balance_after_minor": 98000,
        "expected_delta_minor": -2000,
        "observed_delta_minor": -2000,
        "passed": True,
    }
