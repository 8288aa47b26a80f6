"""`reelhouse reconcile`: compare one operator's UTC day with its ledger export;
`reelhouse reconcile upstream`: one upstream provider's day with its own export and,
given one, a casino's ledger (cli/reconcile_upstream.py).

Exit status: 0 no differences, 1 differences found (pending calls count only with
--strict), 2 the run could not be done (unknown operator, unreadable ledger, bad options).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reelhouse.cli.context import refused, stored_platform
from reelhouse.domain.errors import ReelhouseError

if TYPE_CHECKING:
    from reelhouse.services.reconcile import Item, Report

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
COLUMNS = ("finding", "trans_guid", "round_id", "account", "reelhouse", "operator", "detail")


def _day(text: str) -> dt.date:
    try:
        if DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    typer.echo(f"--date must be a UTC day YYYY-MM-DD, not {text!r}", err=True)
    raise typer.Exit(2)


def _table(items: Sequence[Item]) -> list[str]:
    rows = [COLUMNS] + [
        tuple(str(v if v is not None else "-") for v in i.to_json().values()) for i in items
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(len(COLUMNS))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _print(report: Report) -> None:
    listed = report.differences + [i for i in report.items if i not in report.differences]
    if listed:
        for line in _table(listed):
            typer.echo(line)
        typer.echo("")
    typer.echo(
        f"operator {report.operator}, {report.date.isoformat()} (UTC), {report.currency}: "
        f"{report.reelhouse_calls} Reelhouse calls, {report.operator_rows} ledger rows "
        f"({report.skipped_rows} of other accounts skipped), {report.matched} consistent"
    )
    counts = ", ".join(f"{name} {n}" for name, n in report.summary().items() if n)
    typer.echo(f"findings: {counts or 'none'}")
    verdict = "NO DIFFERENCES" if report.ok else f"{len(report.differences)} DIFFERENCES"
    typer.echo(verdict + (" (strict: pending calls count)" if report.strict else ""))


app = typer.Typer(help="Compare Reelhouse's transactions with a casino's or a provider's.")


@app.callback(invoke_without_command=True)
def reconcile(
    ctx: typer.Context,
    operator: str | None = typer.Option(None, help="operator (agent) name (required)"),
    date: str | None = typer.Option(None, help="the UTC day to compare, YYYY-MM-DD (required)"),
    ledger_url: str | None = typer.Option(
        None, help="the operator's ledger export URL; ?date=YYYY-MM-DD is added"
    ),
    ledger_file: Path | None = typer.Option(
        None, help="a ledger export saved as a JSON file (same format)"
    ),
    json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
    strict: bool = typer.Option(False, help="count calls still pending as differences"),
) -> None:
    """Compare Reelhouse's transactions of one operator and UTC day with its ledger."""
    if ctx.invoked_subcommand is not None:
        return  # `reconcile upstream`: its own options
    if operator is None or date is None:
        typer.echo("--operator and --date are required", err=True)
        raise typer.Exit(2)
    from reelhouse.services import ledger_export
    from reelhouse.services.reconcile import reconcile as run_reconcile

    day = _day(date)
    if (ledger_url is None) == (ledger_file is None):
        typer.echo("give exactly one of --ledger-url and --ledger-file", err=True)
        raise typer.Exit(2)
    try:
        with stored_platform() as platform, ledger_export.http_client() as http:
            if ledger_file is not None:
                fetch = ledger_export.from_file(ledger_file)
            else:
                assert ledger_url is not None
                fetch = ledger_export.from_url(ledger_url, http)
            report = run_reconcile(platform, operator, day, fetch, strict=strict)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    except ledger_export.LedgerError as exc:
        typer.echo(f"ledger export: {exc}", err=True)
        raise typer.Exit(2) from exc
    if json_output:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print(report)
    if not report.ok:
        raise typer.Exit(1)


@app.command("upstream")
def upstream(
    provider: str = typer.Option(..., help="the upstream provider's name"),
    date: str = typer.Option(..., help="the UTC day to compare, YYYY-MM-DD"),
    provider_export: Path = typer.Option(..., help="the provider's export (JSON lines)"),
    ledger: Path | None = typer.Option(
        None, help="the casino's ledger export of the day (JSON file), for --operator"
    ),
    operator: str | None = typer.Option(None, help="the casino whose --ledger this is"),
    json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
    strict: bool = typer.Option(False, help="count what is still pending as differences"),
) -> None:
    """Three-way: a provider's export, Reelhouse's relayed rounds, a casino's ledger."""
    # Imported here: only this command needs them.
    from reelhouse.cli.reconcile_upstream import run_upstream

    run_upstream(provider, _day(date), provider_export, ledger, operator, json_output, strict)
