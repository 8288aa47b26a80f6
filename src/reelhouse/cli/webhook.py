"""`reelhouse webhook ...`: where an operator's events are pushed, and how they are signed
(docs/webhooks.md)."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import typer

from reelhouse.cli.context import open_platform
from reelhouse.domain.clock import format_api_time
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.events import DEFAULT_ROTATION_OVERLAP_S

if TYPE_CHECKING:
    from reelhouse.services.platform import Platform

app = typer.Typer(no_args_is_help=True, help="Operators' event webhooks.")

# Digits of a big-win threshold typed in minor units: bounded before it is parsed.
MAX_THRESHOLD_DIGITS = 19


def _platform() -> Platform:
    # The database `serve` uses; a missing one is refused (cli/context.py).
    return open_platform()


def _hooks() -> ModuleType:
    # Here, not at the top: the command line starts without the app (tests/test_service_ops).
    from reelhouse.services import webhooks

    return webhooks


def _fail(exc: ReelhouseError) -> typer.Exit:
    typer.echo(f"error {exc.code.value}: {exc.message}", err=True)
    return typer.Exit(2)


@app.command("set-url")
def set_url(name: str, url: str = typer.Argument(..., help='the URL; "" = pull only')) -> None:
    """Push the operator's events to URL (checked like a callback URL)."""
    platform = _platform()
    try:
        fresh = _hooks().set_url(platform, name, url)
    except ReelhouseError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    typer.echo(f"webhook of {name}: {url or '(none: pull only)'}")
    if fresh is not None:
        typer.echo(f"signing secret (shown once): {fresh}")


@app.command("rotate-secret")
def rotate_secret(
    name: str,
    overlap_hours: int = typer.Option(
        DEFAULT_ROTATION_OVERLAP_S // 3600, help="hours the previous secret still signs too"
    ),
) -> None:
    """Issue a new signing secret; the previous one signs beside it for the overlap."""
    platform = _platform()
    try:
        if not 0 <= overlap_hours <= 24 * 30:
            raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "overlap must be 0-720 hours")
        fresh = _hooks().rotate_secret(platform, name, overlap_hours * 3600)
    except ReelhouseError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    typer.echo(f"signing secret (shown once): {fresh}")


@app.command("big-win")
def big_win(name: str, threshold: str = typer.Argument(..., help='minor units, or "off"')) -> None:
    """A settled round winning at least THRESHOLD minor units is also a round.big_win."""
    platform = _platform()
    try:
        minor = None
        if threshold != "off":
            if not threshold.isdigit() or len(threshold) > MAX_THRESHOLD_DIGITS:
                raise ReelhouseError(ApiCode.PARAMETERS_INVALID, f"threshold {threshold!r}")
            minor = int(threshold)
        _hooks().set_big_win(platform, name, minor)
    except ReelhouseError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    typer.echo(f"big-win threshold of {name}: {threshold}")


@app.command("show")
def show(name: str) -> None:
    """The webhook, how far delivery got, and the big-win threshold (never the secret)."""
    platform = _platform()
    try:
        seen = _hooks().view(platform, name)
    except ReelhouseError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    overlap = format_api_time(seen.overlap_until) if seen.overlap_until else "-"
    for label, value in (
        ("url", seen.url or "(none: pull only)"),
        ("delivered", f"{seen.delivered_sequence} of {seen.last_sequence}"),
        ("failures", f"{seen.failures} {seen.last_error}".strip()),
        ("overlap_until", overlap),
        ("big_win_minor", "off" if seen.big_win_minor is None else seen.big_win_minor),
    ):
        typer.echo(f"{label:14} {value}")
