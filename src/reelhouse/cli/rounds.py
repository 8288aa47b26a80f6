"""`reelhouse round ...`: look at stored rounds."""

from __future__ import annotations

import typer

from reelhouse.api.wiring import build_platform
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services.replay import replay_round
from reelhouse.services.settings import load_settings

app = typer.Typer(no_args_is_help=True, help="Stored rounds.")


@app.command("replay")
def replay(round_id: int) -> None:
    """Re-evaluate a round from its recorded draws and math version; exit 1 if it differs."""
    platform = build_platform(load_settings())
    try:
        result = replay_round(platform, round_id)
    except ReelhouseError as exc:
        typer.echo(f"error {exc.code.value}: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    finally:
        platform.close()
    typer.echo(
        f"round {round_id}: {'VERIFIED' if result.verified else 'NOT VERIFIED'} ({result.reason})"
    )
    if not result.verified:
        raise typer.Exit(1)
