"""The `reelhouse` command line (also `python -m reelhouse`).

Every command module imports only what its options need; the app behind a command (FastAPI,
SQLAlchemy, argon2, numpy) is imported when the command runs, so listing the commands or
asking for help starts quickly (docs/performance.md: the command line's start;
tests/test_cli_start.py keeps it so).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer

from reelhouse.cli import (
    audit,
    backoffice,
    conformance,
    demo,
    operator,
    provider,
    reconcile,
    rounds,
    serve,
    stuck,
    webhook,
    worker,
)
from reelhouse.games.cli import rtp_app
from reelhouse.services.settings import DATA_DIR_ENV, ConfigError, apply_config_file

# Exit status of a command that could not start: a setting, or a key that does not fit.
EXIT_CANNOT_START = 2


def _cannot_start(exc: Exception) -> bool:
    """A setting or key Reelhouse cannot start with (not a bug: no traceback)."""
    if isinstance(exc, ConfigError):
        return True
    # Imported only now: the key's module loads the cryptography library.
    from reelhouse.store.secrets import SecretKeyError

    return isinstance(exc, SecretKeyError)


class _Reelhouse(typer.Typer):
    """The command line; a setting or key Reelhouse cannot start with ends the command with
    its message and status 2, not a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if not _cannot_start(exc):
                raise
            typer.echo(f"reelhouse: cannot start: {exc}", err=True)
            raise SystemExit(EXIT_CANNOT_START) from None


app = _Reelhouse(no_args_is_help=True, help="Reelhouse remote game server.")


@app.callback()
def main(
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help=f"the data directory (database, key, configuration file); default:"
        f" {DATA_DIR_ENV}, else $XDG_DATA_HOME/reelhouse or ~/.local/share/reelhouse",
        show_default=False,
    ),
) -> None:
    """Reelhouse remote game server."""
    if data_dir is not None:
        # Through the environment, like every other setting: `serve --workers N` starts
        # processes that read their settings from it, and a relative path given here is
        # made absolute against where the command was started.
        os.environ[DATA_DIR_ENV] = str(data_dir.expanduser().resolve())
    # Every setting of the data directory's reelhouse.env the environment does not set.
    apply_config_file(os.environ)


app.add_typer(operator.app, name="operator")
app.add_typer(rtp_app, name="rtp")
app.add_typer(rounds.app, name="round")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("worker")(worker.worker)
app.command("db-upgrade")(serve.db_upgrade)
app.add_typer(reconcile.app, name="reconcile")
app.add_typer(stuck.app, name="stuck")
app.command("conformance")(conformance.conformance)
operator.app.command("approve")(conformance.approve)
app.add_typer(backoffice.app, name="backoffice")
app.add_typer(provider.app, name="provider")
app.add_typer(webhook.app, name="webhook")
app.add_typer(audit.app, name="audit")
