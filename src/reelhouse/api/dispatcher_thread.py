"""The dispatcher (dispatch/worker.py) on a background thread of a serving process, so one
`reelhouse serve` is a complete deployment: queued wins and cancels go out, and expired
claims are taken back, without a separate `reelhouse worker`; operators' events are pushed
to their webhooks on a thread beside it (dispatch/events_delivery.py), as the worker does.

Started and stopped by the app's lifespan. Stopping sets the worker's stop event and waits
for the pass in progress and the calls it has on the wire (their answers are recorded, so
nothing is left claimed that a lease would have to take back later)."""

from __future__ import annotations

import logging
import threading

from reelhouse.dispatch.events_delivery import EventDeliverer
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import HttpxTransport
from reelhouse.dispatch.worker import Worker
from reelhouse.services.platform import Platform

log = logging.getLogger("reelhouse.worker")


class DispatcherThread:
    def __init__(self, platform: Platform) -> None:
        if not isinstance(platform.wallet, WalletSender):
            raise TypeError("the dispatcher needs the platform's wallet to be a WalletSender")
        self._worker = Worker(platform.db, platform.wallet, platform.clock)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._worker.run_forever, args=(self._stop,), name="dispatcher", daemon=True
        )
        self._platform = platform
        self._events: threading.Thread | None = None
        self._webhooks: HttpxTransport | None = None

    def start(self) -> None:
        self._thread.start()
        # Made at start, not with the app: an app never started holds no client.
        # Webhooks are checked like callback URLs, when saved and at every connection.
        platform = self._platform
        self._webhooks = HttpxTransport(allow_private=platform.settings.allow_private_callbacks)
        deliverer = EventDeliverer(platform.db, platform.sealer, self._webhooks, platform.clock)
        self._events = threading.Thread(
            target=deliverer.run_forever, args=(self._stop,), name="events", daemon=True
        )
        self._events.start()
        log.info("dispatcher running inside this serving process")

    def stop(self) -> None:
        """Blocks until the current pass and its deliveries are done."""
        self._stop.set()
        self._thread.join()
        if self._events is not None:
            self._events.join()
        if self._webhooks is not None:
            self._webhooks.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()
