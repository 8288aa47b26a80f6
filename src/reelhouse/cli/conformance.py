"""`reelhouse conformance URL ...`: the conformance suite against any wallet, and
`reelhouse operator approve NAME`: the go-live gate, the suite against an operator's
configured wallet, approving it only if every scenario its dialect's contract requires
passes (recommendations it does not follow are reported as advice).

Exit status: 0 every required scenario passed (skipped ones do not apply; advice does not
count), 1 a required scenario failed (or, for approve, the approval was refused), 2 the run
could not start (bad options, unknown operator).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reelhouse.cli.context import refused, stored_platform
from reelhouse.dialects.registry import DIALECT_NAMES
from reelhouse.domain.errors import ReelhouseError

if TYPE_CHECKING:
    from reelhouse.dialects.base import CallbackCredentials
    from reelhouse.operator_kit.conformance import ScenarioResult, SuiteReport, Target

TOKEN_ENV = "REELHOUSE_CONFORMANCE_TOKEN"  # noqa: S105 - the variable's name
KEY_ENV = "REELHOUSE_CONFORMANCE_KEY"


def _run(target: Target, only: list[str] | None, quiet: bool) -> SuiteReport:
    """The suite with a progress bar on stderr (the report itself goes to stdout)."""
    from reelhouse.operator_kit.conformance import SCENARIO_IDS, Status, run_suite
    from reelhouse.operator_kit.conformance.report_text import scenario_line

    total = len(only) if only else len(SCENARIO_IDS)
    with typer.progressbar(
        length=total, label="conformance", file=sys.stderr, show_pos=True
    ) as bar:

        def progress(_done: int, _total: int, result: ScenarioResult) -> None:
            bar.update(1)
            if not quiet and result.status is Status.FAILED:
                typer.echo(f"\n{scenario_line(result)}", err=True)

        try:
            return run_suite(target, only=only, progress=progress)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc


def _publish(report: SuiteReport, as_json: bool, html: Path | None) -> None:
    """Print the report (`--json`: exactly the document whose digest an approval keeps)."""
    from reelhouse.operator_kit.conformance import render_html, render_text

    typer.echo(report.to_json() if as_json else render_text(report), nl=not as_json)
    if html is not None:
        html.write_text(render_html(report), encoding="utf-8")
        typer.echo(f"HTML report written to {html}", err=True)


def _credentials(
    url: str, dialect: str, token: str | None, key: str | None, agent_id: str | None
) -> CallbackCredentials:
    from reelhouse.dialects.base import CallbackCredentials, Credential
    from reelhouse.dialects.registry import get_dialect

    # What each dialect signs with is its descriptor's (dialects.base.CodecDialect).
    descriptor = get_dialect(dialect)
    needs = {
        Credential.CALLBACK_TOKEN: ("--token (the callback token)", token),
        Credential.API_TOKEN: ("--token (the API token that signs callbacks)", token),
        Credential.SECRET_KEY: ("--key (the secret key)", key),
    }[descriptor.signs_with]
    if descriptor.needs_agent_id:
        needs = (f"{needs[0]} and --agent-id", needs[1] and agent_id)
    if not needs[1]:
        typer.echo(f"error: {dialect} needs {needs[0]}", err=True)
        raise typer.Exit(2)
    return CallbackCredentials(url, token or "", token, key, agent_id)


def conformance(
    url: str = typer.Argument(..., help="the callback URL (iGamingAce B: the base URL)"),
    dialect: str = typer.Option("slotcity-v4", help=f"one of {', '.join(DIALECT_NAMES)}"),
    token: str | None = typer.Option(
        None, envvar=TOKEN_ENV, help=f"callback token / API token (better: set {TOKEN_ENV})"
    ),
    key: str | None = typer.Option(
        None, envvar=KEY_ENV, help=f"igamingace-b secret key (better: set {KEY_ENV})"
    ),
    agent_id: str | None = typer.Option(None, help="igamingace-b agentID"),
    account: str = typer.Option(..., help="the funded test account the wallet provides"),
    currency_code: str = typer.Option("USD", "--currency", help="the test account's currency"),
    token_only: bool = typer.Option(
        False, help="slotcity-v4: the wallet checks the Callback-Token, not the signature"
    ),
    only: list[str] | None = typer.Option(None, help="run only this scenario (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    html: Path | None = typer.Option(None, help="also write a self-contained HTML report"),
) -> None:
    """Run the conformance suite against a wallet; exit 0 only if every required scenario
    passes."""
    from reelhouse.operator_kit.conformance import Target

    if dialect not in DIALECT_NAMES:
        typer.echo(f"error: --dialect must be one of {', '.join(DIALECT_NAMES)}", err=True)
        raise typer.Exit(2)
    target = Target(
        _credentials(url, dialect, token, key, agent_id),
        dialect,
        account,
        currency_code,
        signatures_checked=not token_only,
    )
    report = _run(target, only, quiet=as_json)
    _publish(report, as_json, html)
    if not report.passed:
        raise typer.Exit(1)


def approve(
    name: str = typer.Argument(..., help="the operator to approve"),
    account: str = typer.Option(..., help="the funded test account the operator provides"),
    by: str = typer.Option(..., help="who approves (recorded in the audit log)"),
    reason: str | None = typer.Option(None, help="why (default: the suite's summary)"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    html: Path | None = typer.Option(None, help="also write a self-contained HTML report"),
) -> None:
    """Run the suite against the operator's callback URL; approve it if every scenario its
    contract requires passes (advice is reported, never blocks)."""
    from reelhouse.operator_kit.conformance import Status, Target
    from reelhouse.services import audit, go_live
    from reelhouse.services.operators import OperatorState

    with stored_platform() as platform:
        try:
            found = go_live.candidate(platform, name)
        except ReelhouseError as exc:
            raise refused(exc) from exc
        if found.state != OperatorState.UNAPPROVED:
            typer.echo(f"error: operator {name} is {found.state} already", err=True)
            raise typer.Exit(2)
        endpoint = found.endpoint
        target = Target.of_endpoint(endpoint, account, found.currency)
        report = _run(target, None, as_json)
        _publish(report, as_json, html)
        if not report.passed:
            typer.echo(f"operator {name} stays unapproved: the suite failed", err=True)
            raise typer.Exit(1)
        evidence = go_live.SuiteEvidence(
            endpoint.callback_url,
            endpoint.dialect,
            account,
            report.count(Status.PASSED),
            report.count(Status.FAILED),
            report.count(Status.SKIPPED),
            report.digest(),
            report.count(Status.ADVICE),
        )
        summary = (
            f"conformance suite passed ({evidence.passed} passed, {evidence.skipped} n/a, "
            f"{evidence.advice} recommendation(s) not followed)"
        )
        try:
            who = audit.Accountable.checked(by, reason or summary)
            go_live.approve(platform, name, evidence, who)
        except ReelhouseError as exc:
            typer.echo(f"error {exc.code.value}: {exc.message}", err=True)
            raise typer.Exit(1) from exc
    typer.echo(f"operator {name} approved", err=True)
