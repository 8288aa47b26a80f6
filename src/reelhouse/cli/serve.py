"""`reelhouse serve`: the Main API and the game client on one port, with the dispatcher
inside each serving process unless --no-dispatcher (docs/operations.md: the process model)."""

from __future__ import annotations

import os

import typer

from reelhouse.domain.ids import NODE_ENV
from reelhouse.services.settings import SERVE_DISPATCHER_ENV, ConfigError, load_settings


def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
    workers: int = typer.Option(1, min=1, help="serving processes sharing the port"),
    dispatcher: bool | None = typer.Option(
        None,
        "--dispatcher/--no-dispatcher",
        help="run the dispatcher in each serving process (off: run `reelhouse worker`);"
        f" default: {SERVE_DISPATCHER_ENV}, else on",
        show_default=False,
    ),
) -> None:
    """Run Reelhouse (migrations are applied once at start, before the processes start)."""
    # Here, not at the top: the server and the app load only when they are run.
    import uvicorn

    from reelhouse.api.factory import APP_FACTORY
    from reelhouse.api.logging_setup import configure_logging
    from reelhouse.store.db import Database

    if workers > 1 and os.environ.get(NODE_ENV):
        # Every process would make ids with the one node: they would clash at once.
        raise ConfigError(
            f"{NODE_ENV} names one process; --workers {workers} starts {workers}. Unset it"
            " (each process then claims a free node) or run one `serve` per node id"
        )
    configure_logging()
    # Settings are read here first: a bad one stops the command before anything starts, and
    # a key file made for a new deployment exists before the processes read it.
    settings = load_settings()
    Database(settings.database_url).dispose()
    # The processes read their settings from the environment: the flag, when given, too.
    if dispatcher is not None:
        os.environ[SERVE_DISPATCHER_ENV] = "1" if dispatcher else "0"
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # proxy_headers off: the app believes X-Forwarded-For only from
        # REELHOUSE_TRUSTED_PROXIES (api/edges.py); uvicorn's default believes it from any
        # loopback client.
        proxy_headers=False,
        # The app writes one JSON access line per request itself (api/access_log.py), and
        # uvicorn's own lines go to the root logger's JSON handler (configure_logging) rather
        # than to the plain-text handlers uvicorn would otherwise install.
        access_log=False,
        log_config=None,
    )


def db_upgrade() -> None:
    """Create the database, or apply its new migrations, and exit."""
    from reelhouse.store.db import Database

    Database(load_settings().database_url).dispose()
    typer.echo("database is at the newest migration")
