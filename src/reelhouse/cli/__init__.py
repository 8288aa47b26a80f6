"""The `reelhouse` command line."""

from __future__ import annotations

import typer

from reelhouse.cli import (
    backoffice,
    conformance,
    demo,
    operator,
    reconcile,
    rounds,
    serve,
    stuck,
    worker,
)
from reelhouse.games.cli import rtp_app

app = typer.Typer(no_args_is_help=True, help="Reelhouse remote game server.")
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
