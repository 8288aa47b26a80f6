"""Reconciliation against the demo casino's ledger: zero differences after real play (with a
lost bet answer and a bet that never arrived among the rounds), every difference class found
in a tampered ledger, pending calls reported apart, and refused runs; the same for the
iGamingAce dialects for an operator that opted in to one betwin call per paid round (their
default, a bet then a win, is reconciled by the end-to-end test)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from reelhouse.cli import app
from reelhouse.dispatch.transport import TransportError
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.operator_kit.demo_casino.models import LedgerEntry
from reelhouse.services import ledger_export
from reelhouse.services.reconcile import Finding, Report, reconcile
from tests.faults import (
    DROP,
    LOSE_ANSWER,
    FaultTransport,
    calls,
    drain,
    faulty_stack,
    past_late_bet_window,
    session_for,
    spin,
)
from tests.harness import B_ROLLBACK_PREFIX, GAME, Stack, reelhouse_id, running_stack


@pytest.fixture
def rig(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, FaultTransport]]:
    with faulty_stack(database_url, tmp_path) as pair:
        yield pair


def played(stack: Stack, transport: FaultTransport) -> None:
    """Ordinary rounds, a bet whose answer was lost (refunded by its cancel) and a bet that
    never arrived (its cancel answered 43)."""
    bots = stack.bots()
    tally = bots.play(session_for(stack, "alice"), 20, ["0.10", "1.00", "2.00"], seed=3)
    assert tally.rounds == 20, tally.refused
    transport.fail("bet", LOSE_ANSWER, times=1)
    assert spin(stack, session_for(stack, "bob"))["code"] == 3003
    transport.fail("bet", DROP, times=1)
    assert spin(stack, session_for(stack, "carol"))["code"] == 3003
    past_late_bet_window(stack)  # its cancel found nothing: the second one finds nothing too


def today(stack: Stack) -> dt.date:
    day: dt.date = stack.clock.now().date()
    return day


def cli(stack: Stack, *args: str) -> Any:
    env = {
        "REELHOUSE_DATABASE_URL": stack.platform.settings.database_url,
        "REELHOUSE_SECRET_KEY": stack.platform.settings.secret_key,
    }
    return CliRunner().invoke(app, ["reconcile", *args], env=env)


def ledger_document(stack: Stack) -> dict[str, Any]:
    answer = httpx.get(f"{stack.casino.url}/api/ledger", params={"date": today(stack).isoformat()})
    document: dict[str, Any] = answer.json()
    return document


def run_on(stack: Stack, document: dict[str, Any], tmp_path: Path, **kw: Any) -> Report:
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(document))
    fetch = ledger_export.from_file(path)
    return reconcile(stack.platform, "casino_one", today(stack), fetch, **kw)


def test_zero_differences_after_real_play(rig: tuple[Stack, FaultTransport]) -> None:
    stack, transport = rig
    played(stack, transport)
    url = f"{stack.casino.url}/api/ledger"
    result = cli(
        stack, "--operator", "casino_one", "--date", today(stack).isoformat(), "--ledger-url", url
    )
    assert result.exit_code == 0, result.output
    assert "NO DIFFERENCES" in result.output
    as_json = cli(
        stack,
        "--operator",
        "casino_one",
        "--date",
        today(stack).isoformat(),
        "--ledger-url",
        url,
        "--json",
    )
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.output)
    assert report["ok"] is True and report["differences"] == []
    # 20 bets and wins; 2 bets and cancels, and the second cancel of the bet never seen.
    assert report["reelhouse_calls"] == 20 * 2 + 2 * 2 + 1
    assert report["matched"] == report["reelhouse_calls"]
    assert report["operator_rows"] == 20 * 2 + 2  # the lost bet and its refund; not carol's


def test_each_difference_class_is_found(rig: tuple[Stack, FaultTransport], tmp_path: Path) -> None:
    stack, transport = rig
    played(stack, transport)
    document = ledger_document(stack)
    rows = document["rows"]
    bets = [r for r in rows if r["kind"] == "bet" and r["cancelled_by"] is None]
    wins = [r for r in rows if r["kind"] == "win"]
    refunded = next(r for r in rows if r["kind"] == "bet" and r["cancelled_by"])
    expected = {
        Finding.MISSING_AT_OPERATOR: wins[0]["trans_guid"],
        Finding.MISSING_AT_REELHOUSE: "777",
        Finding.AMOUNT_DIFFERS: bets[1]["trans_guid"],
        Finding.KIND_DIFFERS: wins[2]["trans_guid"],
        Finding.CANCELLED_AT_OPERATOR_ONLY: bets[3]["trans_guid"],
        Finding.CANCELLED_AT_REELHOUSE_ONLY: refunded["trans_guid"],
    }
    rows.remove(wins[0])
    rows.append(dict(bets[0], trans_guid="777", amount="5.00", amount_minor=500))
    bets[1]["amount_minor"] += 1
    wins[2]["kind"] = "bet"
    bets[3]["cancelled_by"] = "123"
    refunded["cancelled_by"] = None

    report = run_on(stack, document, tmp_path)
    found = {(i.finding, i.trans_guid) for i in report.differences}
    assert found == {(finding, guid) for finding, guid in expected.items()}
    assert not report.ok and report.summary()[Finding.AMOUNT_DIFFERS] == 1

    path = tmp_path / "ledger.json"
    day = today(stack).isoformat()
    result = cli(stack, "--operator", "casino_one", "--date", day, "--ledger-file", str(path))
    assert result.exit_code == 1, result.output
    for finding in expected:
        assert finding.value in result.output
    assert "6 DIFFERENCES" in result.output


def test_an_unknown_bet_absent_at_the_operator_is_consistent(
    rig: tuple[Stack, FaultTransport], tmp_path: Path
) -> None:
    """Either side of the lost-answer case is consistent: the bet absent at the operator, or
    present and cancelled. (Here the operator's export simply lacks the pair.)"""
    stack, transport = rig
    played(stack, transport)
    document = ledger_document(stack)
    refunded = next(r for r in document["rows"] if r["kind"] == "bet" and r["cancelled_by"])
    document["rows"] = [
        r
        for r in document["rows"]
        if refunded["trans_guid"] not in (r["trans_guid"], r["cancel_trans_guid"])
    ]
    report = run_on(stack, document, tmp_path)
    # The bet is fine absent; its cancel was applied, so the cancel is missing.
    assert [(i.finding, i.trans_guid) for i in report.differences] == [
        (Finding.MISSING_AT_OPERATOR, refunded["cancelled_by"])
    ]


def test_pending_calls_are_reported_apart_unless_strict(
    rig: tuple[Stack, FaultTransport], tmp_path: Path
) -> None:
    stack, transport = rig
    transport.fail("win", DROP)
    assert spin(stack, session_for(stack, "dana"))["code"] == 0
    report = reconcile(
        stack.platform,
        "casino_one",
        today(stack),
        lambda _day: ledger_export.parse_ledger(ledger_document(stack)),
    )
    assert report.ok
    assert [i.finding for i in report.of(Finding.PENDING)] == [Finding.PENDING]
    url = f"{stack.casino.url}/api/ledger"
    day = today(stack).isoformat()
    assert cli(stack, "--operator", "casino_one", "--date", day, "--ledger-url", url).exit_code == 0
    strict = cli(stack, "--operator", "casino_one", "--date", day, "--ledger-url", url, "--strict")
    assert strict.exit_code == 1, strict.output
    transport.heal()
    stack.clock.advance(minutes=5)
    drain(stack)
    assert {c.state for c in calls(stack)} == {CallState.ACKED}
    assert (
        cli(
            stack, "--operator", "casino_one", "--date", day, "--ledger-url", url, "--strict"
        ).exit_code
        == 0
    )


def test_a_call_acknowledged_after_midnight_matches_the_next_days_ledger(
    rig: tuple[Stack, FaultTransport],
) -> None:
    stack, transport = rig
    now = stack.clock.now()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    stack.clock.advance(seconds=(midnight - now).total_seconds() - 30)
    transport.fail("win", DROP, times=1)
    assert spin(stack, session_for(stack, "dana"))["code"] == 0
    stack.clock.advance(minutes=2)  # the retry lands after midnight at both sides
    drain(stack)
    url = f"{stack.casino.url}/api/ledger"
    for day in (midnight.date() - dt.timedelta(days=1), midnight.date()):
        result = cli(
            stack, "--operator", "casino_one", "--date", day.isoformat(), "--ledger-url", url
        )
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--operator", "nobody", "--date", "2026-01-01", "--ledger-url", "URL"],
        ["--operator", "casino_one", "--date", "2026-01-01"],
        [
            "--operator",
            "casino_one",
            "--date",
            "2026-01-01",
            "--ledger-url",
            "URL",
            "--ledger-file",
            "F",
        ],
        ["--operator", "casino_one", "--date", "01/01/2026", "--ledger-url", "URL"],
        ["--operator", "casino_one", "--date", "2026-01-01", "--ledger-file", "F"],
        ["--operator", "casino_one", "--date", "2026-01-01", "--ledger-url", "URL/nothing-here"],
    ],
)
def test_runs_that_cannot_be_done_exit_2(
    rig: tuple[Stack, FaultTransport], tmp_path: Path, args: list[str]
) -> None:
    stack, _ = rig
    bad = tmp_path / "bad.json"
    bad.write_text('{"rows": [{"trans_guid": "1", "kind": "bet"}]}')
    url = f"{stack.casino.url}/api/ledger"
    resolved = [
        a.replace("URL", url).replace("F", str(bad))
        if a in ("URL", "F") or a.startswith("URL/")
        else a
        for a in args
    ]
    result = cli(stack, *resolved)
    assert result.exit_code == 2, result.output


def test_a_row_edited_in_the_casinos_database_is_found(rig: tuple[Stack, FaultTransport]) -> None:
    stack, transport = rig
    played(stack, transport)
    with stack.app_casino().db.unit_of_work() as session:
        entry = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "win")).first()
        assert entry is not None
        entry.amount_minor += 100
        guid = entry.trans_guid
    url = f"{stack.casino.url}/api/ledger"
    day = today(stack).isoformat()
    result = cli(stack, "--operator", "casino_one", "--date", day, "--ledger-url", url, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(d["finding"], d["trans_guid"]) for d in report["differences"]] == [
        ("amount_differs", guid)
    ]


# --- iGamingAce, opted in: one bet_win call per paid round -----------------------------------


class _OneCallFaults(FaultTransport):
    """FaultTransport keyed by the iGamingAce command: A's `command` field, B's operation
    (the last part of the URL path), as `betwin` for both."""

    def send(self, request: HttpRequest) -> HttpAnswer:
        command = json.loads(request.body).get("command") or request.url.rsplit("/", 1)[-1]
        fault = self._fault_for(str(command).lower())
        if fault == DROP:
            raise TransportError("injected: not sent")
        answer = self.inner.send(request)
        if fault == LOSE_ANSWER:
            raise TransportError("injected: answer lost after the wallet applied it")
        return answer


ONE_CALL_DIALECTS = ("igamingace-a", "igamingace-b")


@pytest.fixture(params=ONE_CALL_DIALECTS)
def one_call_rig(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[tuple[Stack, _OneCallFaults]]:
    transport = _OneCallFaults()
    try:
        with running_stack(
            database_url,
            tmp_path,
            transport=transport,
            dialect=request.param,
            single_call_rounds=True,  # the operator opted in to one betwin per round
        ) as stack:
            yield stack, transport
    finally:
        transport.inner.close()


def played_one_call(stack: Stack, transport: _OneCallFaults) -> int:
    """Paid rounds (each one betwin), a betwin whose answer was lost (reversed by its
    cancel / rollback) and one that never arrived (its cancel finds nothing). Returns the
    number of settled rounds."""
    bots = stack.bots()
    token = bots.open_session(bots.fund_player("alice", "USD", "500.00"), GAME)
    tally = bots.play(token, 12, ["0.10", "1.00", "2.00"], seed=5)
    assert tally.rounds == 12, tally.refused
    transport.fail("betwin", LOSE_ANSWER, times=1)
    assert spin(stack, session_for(stack, "bobby"))["code"] == 3003  # B: 4+ characters
    transport.fail("betwin", DROP, times=1)
    assert spin(stack, session_for(stack, "carol"))["code"] == 3003
    past_late_bet_window(stack)  # its cancel found nothing: the second one finds nothing too
    assert {c.state for c in calls(stack) if c.kind == "cancel"} == {CallState.ACKED}
    return tally.rounds


def test_one_call_dialects_reconcile_with_zero_differences(
    one_call_rig: tuple[Stack, _OneCallFaults],
) -> None:
    stack, transport = one_call_rig
    rounds = played_one_call(stack, transport)
    document = ledger_document(stack)
    assert {r["kind"] for r in document["rows"]} == {"betwin", "cancel"}
    with ledger_export.http_client() as client:
        fetch = ledger_export.from_url(f"{stack.casino.url}/api/ledger", client)
        report = reconcile(stack.platform, "casino_one", today(stack), fetch)
    assert report.ok, [i.to_json() for i in report.items]
    assert report.items == []
    assert report.carried_wins == rounds  # not missing at the operator: no row of their own
    # betwins; 2 betwins and their cancels, and the second cancel of the one never seen
    assert report.reelhouse_calls == rounds + 2 * 2 + 1
    assert report.matched == report.reelhouse_calls
    assert report.operator_rows == rounds + 2  # the lost betwin and its reversal; not carol's
    result = cli(
        stack,
        "--operator",
        "casino_one",
        "--date",
        today(stack).isoformat(),
        "--ledger-url",
        f"{stack.casino.url}/api/ledger",
    )
    assert result.exit_code == 0, result.output
    assert "NO DIFFERENCES" in result.output


def test_one_call_dialects_find_a_tampered_row(
    one_call_rig: tuple[Stack, _OneCallFaults], tmp_path: Path
) -> None:
    stack, transport = one_call_rig
    played_one_call(stack, transport)
    document = ledger_document(stack)
    rows = document["rows"]
    betwins = [r for r in rows if r["kind"] == "betwin" and r["cancelled_by"] is None]
    refunded = next(r for r in rows if r["kind"] == "betwin" and r["cancelled_by"])
    cancel = next(r for r in rows if r["kind"] == "cancel")
    assert cancel["trans_guid"] == refunded["cancelled_by"]
    if stack.dialect == "igamingace-b":
        assert cancel["trans_guid"] == f"{B_ROLLBACK_PREFIX}{refunded['trans_guid']}"
    betwins[0]["win_amount_minor"] += 1  # the win of a one-call round
    betwins[1]["amount_minor"] -= 1  # the bet of another
    rows.remove(cancel)  # the reversal of the lost one
    refunded["cancelled_by"] = None
    report = run_on(stack, document, tmp_path)
    found = {(i.finding, i.trans_guid) for i in report.differences}
    assert found == {
        (Finding.AMOUNT_DIFFERS, betwins[0]["trans_guid"]),
        (Finding.AMOUNT_DIFFERS, betwins[1]["trans_guid"]),
        (Finding.MISSING_AT_OPERATOR, cancel["trans_guid"]),
        (Finding.CANCELLED_AT_REELHOUSE_ONLY, refunded["trans_guid"]),
    }
    ids = {reelhouse_id(stack.dialect, r["trans_guid"]) for r in betwins[:2]}
    assert ids <= {c.id for c in calls(stack) if c.kind == "bet_win"}


def test_one_call_dialects_find_a_row_edited_in_the_casinos_database(
    one_call_rig: tuple[Stack, _OneCallFaults],
) -> None:
    stack, transport = one_call_rig
    played_one_call(stack, transport)
    with stack.app_casino().db.unit_of_work() as session:
        entry = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.kind == "betwin", LedgerEntry.cancelled_by.is_(None)
            )
        ).first()
        assert entry is not None and entry.win_amount_minor is not None
        entry.win_amount_minor += 100
        guid = entry.trans_guid
    url = f"{stack.casino.url}/api/ledger"
    day = today(stack).isoformat()
    result = cli(stack, "--operator", "casino_one", "--date", day, "--ledger-url", url, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(d["finding"], d["trans_guid"]) for d in report["differences"]] == [
        ("amount_differs", guid)
    ]
