"""`GET /metrics`: Prometheus text format. Unauthenticated, like most exporters: serve it
only where the monitoring system reaches it (docs/operations.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from reelhouse.api import fairness_metrics
from reelhouse.api.deps import platform_of
from reelhouse.dispatch import metrics
from reelhouse.dispatch.sender import WalletSender
from reelhouse.services.platform import Platform

router = APIRouter(include_in_schema=False)
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.get("/metrics")
def scrape(platform: PlatformDep) -> Response:
    sender = platform.wallet if isinstance(platform.wallet, WalletSender) else None
    guards = sender.guards if sender is not None else None
    body = metrics.render(platform.db, platform.clock, guards)
    # The compensated-play watch: its own metric names, so the two expositions just join.
    body += fairness_metrics.render(platform.db, platform.clock)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
