"""What the commands that work on stored data share: the deployment's platform, opened from
the configuration every command reads (services/settings.py), and the one-line refusal.

Imported by every command module, so it stays light: the app (FastAPI, SQLAlchemy, argon2)
is imported when a command runs, not when `reelhouse --help` lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from reelhouse.domain.errors import ReelhouseError

if TYPE_CHECKING:
    from reelhouse.services.platform import Platform

# Exit status of a refusal: the command did nothing.
EXIT_REFUSED = 2


def refused(exc: ReelhouseError) -> typer.Exit:
    """The refusal's code and message on stderr; raise what it returns."""
    typer.echo(f"error {exc.code.value}: {exc.message}", err=True)
    return typer.Exit(EXIT_REFUSED)


def open_platform() -> Platform:
    """The platform on the configured database, which must exist already (a command pointed
    at the wrong data directory stops with ConfigError instead of creating an empty one)."""
    from reelhouse.api.wiring import build_platform
    from reelhouse.services.settings import load_settings

    return build_platform(load_settings(existing_database=True))


@contextmanager
def stored_platform() -> Iterator[Platform]:
    """`open_platform`, closed afterwards."""
    platform = open_platform()
    try:
        yield platform
    finally:
        platform.close()
