"""The operating system's resolver behind callback_address.Resolver, with a time bound.

Like SystemClock beside the Clock protocol: the one real implementation, kept next to the
protocol so services (checking a URL when it is saved) and dispatch (checking it again for
every call) use the same one; tests hand in a fake instead.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from reelhouse.domain.limits import RESOLVER_THREADS


class SystemResolver:
    def __init__(self) -> None:
        # getaddrinfo blocks and cannot be interrupted, so it runs on a few worker threads
        # and the caller stops waiting at its bound; a hung lookup keeps its thread only.
        self._pool = ThreadPoolExecutor(RESOLVER_THREADS, thread_name_prefix="resolve")

    def __call__(self, host: str, port: int, timeout_s: float) -> Sequence[str]:
        lookup = self._pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            found = lookup.result(timeout=max(timeout_s, 0.0))
        except FutureTimeout:
            lookup.cancel()
            raise TimeoutError(f"no answer from the resolver within {timeout_s:.1f} s") from None
        # Each address once, in the resolver's order (it lists the preferred family first).
        return list(dict.fromkeys(str(info[4][0]) for info in found))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
