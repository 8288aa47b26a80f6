"""`reelhouse stuck ...`: the manual queue of wallet calls that outlived their retry window.

Every retry or resolve needs who (--by) and why (--reason) and is written to the audit log
in the same transaction. Exit status 2 when the action was refused (nothing changed).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from reelhouse.cli.context import EXIT_REFUSED, stored_platform
from reelhouse.domain.errors import ReelhouseError

if TYPE_CHECKING:
    from reelhouse.services import audit
    from reelhouse.services.platform import Platform

app = typer.Typer(no_args_is_help=True, help="Stuck wallet calls (the manual queue).")

AGE = re.compile(r"([0-9]{1,9})([smhd]?)", re.ASCII)
AGE_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@contextmanager
def _platform() -> Iterator[Platform]:
    try:
        with stored_platform() as platform:
            yield platform
    except ReelhouseError as exc:
        typer.echo(f"refused, nothing changed: error {exc.code.value}: {exc.message}", err=True)
        raise typer.Exit(EXIT_REFUSED) from exc


def _age(text: str | None) -> dt.timedelta | None:
    if text is None:
        return None
    match = AGE.fullmatch(text.strip())
    if match is None:
        typer.echo(f"--min-age is a number with s, m, h or d (90m, 72h), not {text!r}", err=True)
        raise typer.Exit(2)
    return dt.timedelta(seconds=int(match[1]) * AGE_UNIT_SECONDS[match[2]])


def _show(call: dict[str, Any]) -> str:
    return (
        f"{call['trans_id']}  {call['operator']}  {call['account']}  round {call['round_id']}  "
        f"{call['kind']} {call['amount']} {call['currency']}  {call['state']}  "
        f"attempts {call['attempts']}  age {call['age_seconds']}s  last: {call['last_outcome']} "
        f"{call['last_detail']}".rstrip()
    )


@app.command("list")
def list_calls(
    operator: str | None = typer.Option(None, help="only this operator's calls"),
    min_age: str | None = typer.Option(None, help="only calls at least this old: 90m, 72h, 3d"),
    limit: int = typer.Option(100, help="at most this many rows"),
    json_output: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the calls in the manual queue, oldest first."""
    from reelhouse.services import stuck_calls

    age = _age(min_age)
    with _platform() as platform:
        calls = stuck_calls.list_stuck(platform, operator=operator, min_age=age, limit=limit)
    if json_output:
        typer.echo(json.dumps(calls, indent=2))
        return
    for call in calls:
        typer.echo(_show(call))
    typer.echo(f"{len(calls)} call(s) in the manual queue")


def _act(
    action: Callable[[Platform, int, audit.Accountable], dict[str, Any]],
    call_id: int,
    by: str,
    reason: str,
) -> dict[str, Any]:
    from reelhouse.services import audit

    with _platform() as platform:
        return action(platform, call_id, audit.Accountable.checked(by, reason))


@app.command("retry")
def retry(
    call_id: int = typer.Argument(..., help="the call's trans_id"),
    by: str = typer.Option(..., help="who does this (recorded in the audit log)"),
    reason: str = typer.Option(..., help="why (recorded in the audit log)"),
) -> None:
    """Queue a stuck call again, due now; the worker sends it with the same id and body."""
    from reelhouse.services import stuck_calls

    call = _act(stuck_calls.retry, call_id, by, reason)
    typer.echo(f"queued again: {_show(call)}")


@app.command("resolve")
def resolve(
    call_id: int = typer.Argument(..., help="the call's trans_id"),
    by: str = typer.Option(..., help="who does this (recorded in the audit log)"),
    reason: str = typer.Option(..., help="why (recorded in the audit log)"),
) -> None:
    """Close a stuck call by hand; a win's round becomes settled, a cancel's cancelled."""
    from reelhouse.services import stuck_calls

    call = _act(stuck_calls.resolve, call_id, by, reason)
    typer.echo(f"resolved: {_show(call)}; round now {call['round_state']}")


@app.command("audit")
def audit_log(
    call_id: int | None = typer.Option(None, "--call", help="only rows about this call"),
    limit: int = typer.Option(50, help="at most this many rows, newest first"),
) -> None:
    """Show the audit log of stuck-call actions, newest first."""
    from reelhouse.services import audit

    with _platform() as platform:
        entries = audit.recent(platform, target_id=call_id, limit=limit)
    for entry in entries:
        typer.echo(
            f"{entry['at']}  {entry['actor']}  {entry['action']}  {entry['target_id']}  "
            f"{entry['before_state']} -> {entry['after_state']}  {entry['reason']}"
        )
