"""The loop of a background worker: passes until asked to stop, a pause after a pass that
found nothing to do, and a failed pass logged and retried."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable


def run_passes(
    run_once: Callable[[], int],
    stop: threading.Event,
    idle_poll_s: float,
    log: logging.Logger,
    what: str,
) -> None:
    """Call `run_once` (how much it did) until `stop` is set, waiting `idle_poll_s` after a
    pass that did nothing."""
    log.info("%s started", what)
    while not stop.is_set():
        try:
            worked = run_once()
        except Exception:
            # A pass that fails (database restarting, say) is retried after a pause; every
            # state change is transactional, so nothing is half-done.
            log.exception("%s pass failed", what)
            worked = 0
        if not worked:
            stop.wait(idle_poll_s)
