"""The `reelhouse` command line."""

from __future__ import annotations

from typing import Any

import typer

from reelhouse.cli import (
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
from reelhouse.services.settings import ConfigError
from reelhouse.store.secrets import SecretKeyError

# Exit status of a command that could not start: a setting, or a key that does not fit.
EXIT_CANNOT_START = 2


class _Reelhouse(typer.Typer):
    """The command line; a setting or key Reelhouse cannot start with ends the command with
    its message and status 2, not a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except (ConfigError, SecretKeyError) as exc:
            typer.echo(f"reelhouse: cannot start: {exc}", err=True)
            raise SystemExit(EXIT_CANNOT_START) from None


app = _Reelhouse(no_args_is_help=True, help="Reelhouse remote game server.")
app.add_typer(operator.app, name="operator")
app.add_typer(rtp_app, name="rtp")
app.add_typer(rounds.app, name="round")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("worker")(worker.worker)
app.command("db-upgrade")(serve.db_upgrade)
app.command("reconcile")(reconcile.reconcile)
app.add_typer(stuck.app, name="stuck")
app.command("conformance")(conformance.conformance)
operator.app.command("approve")(conformance.approve)
app.add_typer(backoffice.app, name="backoffice")
app.add_typer(provider.app, name="provider")
app.add_typer(webhook.app, name="webhook")
