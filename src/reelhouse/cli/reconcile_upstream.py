"""`reelhouse reconcile upstream`: one provider's UTC day, three ways (its export,
Reelhouse's record, and a casino's ledger when given). Same exit statuses as `reconcile`."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import typer

from reelhouse.cli.context import refused, stored_platform
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services import ledger_export, upstream_export
from reelhouse.services.reconcile_upstream import UpstreamReport, reconcile_upstream

COLUMNS = ("finding", "transaction_id", "round_id", "player", "provider", "reelhouse", "detail")


def _net(net: dict[str, int] | None) -> str:
    if net is None:
        return "not compared"
    return ", ".join(f"{n} {code}" for code, n in sorted(net.items())) or "0"


def _print(report: UpstreamReport) -> None:
    listed = report.differences + [i for i in report.items if i not in report.differences]
    rows = [COLUMNS] + [
        tuple(str(v if v is not None else "-") for v in i.to_json().values()) for i in listed
    ]
    if listed:
        widths = [max(len(row[c]) for row in rows) for c in range(len(COLUMNS))]
        for row in rows:
            typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        typer.echo("")
    casino = f", casino {report.operator}" if report.operator else ""
    typer.echo(
        f"provider {report.provider}, {report.date.isoformat()} (UTC){casino}: "
        f"{report.provider_rows} provider rows, {report.reelhouse_rows} Reelhouse rows, "
        f"{report.matched} consistent, {report.relayed_rounds} relayed rounds"
        + (f" ({report.casino_unchecked_rounds} of other casinos)" if report.operator else "")
    )
    typer.echo(
        f"net (minor units): provider {_net(report.provider_net_minor)}; "
        f"Reelhouse {_net(report.reelhouse_net_minor)}; casino {_net(report.casino_net_minor)}"
    )
    counts = ", ".join(f"{name} {n}" for name, n in report.summary().items() if n)
    typer.echo(f"findings: {counts or 'none'}")
    verdict = "NO DIFFERENCES" if report.ok else f"{len(report.differences)} DIFFERENCES"
    typer.echo(verdict + (" (strict: pending counts)" if report.strict else ""))


def run_upstream(
    provider: str,
    day: dt.date,
    export: Path,
    ledger: Path | None,
    operator: str | None,
    json_output: bool,
    strict: bool,
) -> None:
    if (ledger is None) != (operator is None):
        typer.echo("--ledger and --operator go together", err=True)
        raise typer.Exit(2)
    try:
        with stored_platform() as platform:
            casino = None
            if ledger is not None and operator is not None:
                casino = (operator, ledger_export.from_file(ledger))
            read = functools.partial(upstream_export.from_file, export)
            report = reconcile_upstream(platform, provider, day, read, casino=casino, strict=strict)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    except ledger_export.LedgerError as exc:
        typer.echo(f"export: {exc}", err=True)
        raise typer.Exit(2) from exc
    if json_output:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print(report)
    if not report.ok:
        raise typer.Exit(1)
