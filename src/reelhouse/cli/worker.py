"""`reelhouse worker`: the dispatcher that drains the outbox and finishes open rounds."""

from __future__ import annotations

import signal
import threading

import typer

from reelhouse.cli.context import open_platform


def worker() -> None:
    """Run the dispatcher until SIGINT/SIGTERM. On start it finishes every round that is not
    terminal: expired claims are taken back and queued calls are sent. Beside it, on its own
    thread, operators' events are pushed to their webhooks (docs/webhooks.md)."""
    from reelhouse.api.logging_setup import configure_logging
    from reelhouse.api.wiring import claim_id_node
    from reelhouse.dispatch.events_delivery import EventDeliverer
    from reelhouse.dispatch.sender import WalletSender
    from reelhouse.dispatch.transport import HttpxTransport
    from reelhouse.dispatch.worker import Worker

    configure_logging()
    # The database `serve` created: a worker pointed at another data directory stops here.
    platform = open_platform()
    settings = platform.settings
    claim_id_node(platform)
    assert isinstance(platform.wallet, WalletSender)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    # Webhooks are checked like callback URLs, when saved and at every connection.
    webhook_transport = HttpxTransport(allow_private=settings.allow_private_callbacks)
    deliverer = EventDeliverer(platform.db, platform.sealer, webhook_transport, platform.clock)
    pushing = threading.Thread(target=deliverer.run_forever, args=(stop,), name="events")
    typer.echo("worker running; Ctrl-C stops it")
    pushing.start()
    try:
        Worker(platform.db, platform.wallet, platform.clock).run_forever(stop)
    finally:
        stop.set()
        pushing.join()
        webhook_transport.close()
        platform.close()
