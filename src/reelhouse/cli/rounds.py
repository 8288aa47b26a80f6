"""`reelhouse round ...`: look at stored rounds."""

from __future__ import annotations

import typer

from reelhouse.cli.context import refused, stored_platform
from reelhouse.domain.errors import ReelhouseError

app = typer.Typer(no_args_is_help=True, help="Stored rounds.")


@app.command("replay")
def replay(round_id: int) -> None:
    """Re-evaluate a round from its recorded draws and math version; exit 1 if it differs."""
    from reelhouse.services.replay import replay_round

    try:
        with stored_platform() as platform:
            result = replay_round(platform, round_id)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    typer.echo(
        f"round {round_id}: {'VERIFIED' if result.verified else 'NOT VERIFIED'} ({result.reason})"
    )
    if not result.verified:
        raise typer.Exit(1)
