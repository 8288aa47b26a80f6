"""`reelhouse worker`: the dispatcher that drains the outbox and finishes open rounds."""

from __future__ import annotations

import signal
import threading

import typer

from reelhouse.cli.context import open_platform


def worker() -> None:
    """Run the dispatcher until SIGINT/SIGTERM. On start it finishes every round that is not
    terminal: expired claims are taken back and queued calls are sent."""
    from reelhouse.api.logging_setup import configure_logging
    from reelhouse.api.wiring import claim_id_node
    from reelhouse.dispatch.sender import WalletSender
    from reelhouse.dispatch.worker import Worker

    configure_logging()
    # The database `serve` created: a worker pointed at another data directory stops here.
    platform = open_platform()
    claim_id_node(platform)
    assert isinstance(platform.wallet, WalletSender)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    typer.echo("worker running; Ctrl-C stops it")
    try:
        Worker(platform.db, platform.wallet, platform.clock).run_forever(stop)
    finally:
        platform.close()
