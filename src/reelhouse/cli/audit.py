"""`reelhouse audit export`: one operator's responsible-gaming audit of a period, as CSV or
JSON lines on standard output (services/rg_audit.py; docs/jurisdictions.md, "Audit")."""

from __future__ import annotations

import datetime as dt
import sys

import typer

from reelhouse.cli.context import EXIT_REFUSED, refused, stored_platform
from reelhouse.domain.errors import ReelhouseError

app = typer.Typer(no_args_is_help=True, help="The responsible-gaming audit.")


def _moment(text: str, option: str) -> dt.datetime:
    """A day (YYYY-MM-DD, its midnight) or an ISO 8601 time; UTC unless it says otherwise."""
    try:
        moment = dt.datetime.fromisoformat(text[:40])
    except ValueError:
        typer.echo(f"{option}: not a date or ISO 8601 time: {text[:40]!r}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@app.command("export")
def export(
    operator: str = typer.Option(..., help="operator (agent) name"),
    since: str = typer.Option(..., help="from this day or time, included (UTC by default)"),
    until: str = typer.Option(..., help="to this day or time, excluded"),
    fmt: str = typer.Option("csv", "--format", help="csv or jsonl"),
) -> None:
    """Every audited fact of the operator's sessions in [since, until), oldest first:
    refusals by a market rule or a session limit, reality checks shown and answered, limits
    reached."""
    from reelhouse.services import operators, rg_audit

    start, end = _moment(since, "--since"), _moment(until, "--until")
    try:
        with stored_platform() as platform:
            with platform.db.transaction() as session:
                operator_id = operators.find_by_name(session, operator[:64]).id
            rg_audit.check_period(start, end)
            rows = rg_audit.entries(platform, operator_id, start, end)
            rg_audit.write_export(rows, sys.stdout, fmt)
    except ReelhouseError as exc:
        raise refused(exc) from exc
