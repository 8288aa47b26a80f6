"""The app factory `reelhouse serve` hands to uvicorn: each serving process (one, or each of
`--workers N`) builds its own platform from the settings in the environment. The database
was migrated once by `serve` before the processes started, so none migrates here."""

from __future__ import annotations

from fastapi import FastAPI

from reelhouse.api.app import create_app
from reelhouse.api.logging_setup import configure_logging
from reelhouse.api.wiring import build_platform, claim_id_node
from reelhouse.services.settings import load_settings

# What uvicorn imports in each process (an import string is what its multi-process mode needs).
APP_FACTORY = "reelhouse.api.factory:app_from_settings"


def app_from_settings() -> FastAPI:
    configure_logging()
    settings = load_settings()
    platform = build_platform(settings, migrate=False)
    claim_id_node(platform)
    return create_app(platform, dispatcher=settings.dispatcher_in_serve, owns_platform=True)
