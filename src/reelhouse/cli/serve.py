"""`reelhouse serve`: the Main API and the game client on one port."""

from __future__ import annotations

import typer
import uvicorn

from reelhouse.api.app import create_app
from reelhouse.api.logging_setup import configure_logging
from reelhouse.api.wiring import build_platform
from reelhouse.services.settings import load_settings
from reelhouse.store.db import Database


def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
) -> None:
    """Run Reelhouse (migrations are applied at start)."""
    configure_logging()
    platform = build_platform(load_settings())
    # proxy_headers off: the app believes X-Forwarded-For only from REELHOUSE_TRUSTED_PROXIES
    # (api/edges.py); uvicorn's default believes it from any loopback client.
    app = create_app(platform)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def db_upgrade() -> None:
    """Apply database migrations and exit."""
    Database(load_settings().database_url).dispose()
    typer.echo("database is at the newest migration")
