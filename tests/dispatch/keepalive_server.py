"""A keep-alive HTTP server on loopback that runs in the test's own event loop (no thread), for
async transport tests about connection reuse and concurrency: it counts the connections it
accepted and the most requests it held at once, and can answer after a delay (a slow wallet)
or only once enough requests are waiting together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
import anyio.abc


@dataclass
class KeepAliveServer:
    port: int
    status: int = 200
    body: bytes = b'{"result": 0}'
    delay_s: float = 0.0  # > 0: each answer waits this long (a slow wallet)
    # > 0: no answer leaves before this many requests have been held at once, so a test can
    # show calls were at the wallet together without timing anything
    gather: int = 0
    gathered: anyio.Event = field(default_factory=anyio.Event)
    requests: list[bytes] = field(default_factory=list)  # each request's head and body
    connections: int = 0
    in_flight: int = 0
    most_in_flight: int = 0

    async def _serve(self, stream: anyio.abc.SocketStream) -> None:
        self.connections += 1
        buffered = b""
        async with stream:
            while True:
                try:
                    while b"\r\n\r\n" not in buffered:
                        buffered += await stream.receive()
                    head, _, buffered = buffered.partition(b"\r\n\r\n")
                    length = _content_length(head)
                    while len(buffered) < length:
                        buffered += await stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    return  # the client closed its kept connection
                body, buffered = buffered[:length], buffered[length:]
                self.requests.append(head + b"\r\n\r\n" + body)
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                if self.most_in_flight >= self.gather:
                    self.gathered.set()
                try:
                    await self.gathered.wait()
                    await anyio.sleep(self.delay_s)
                finally:
                    self.in_flight -= 1
                await stream.send(
                    b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (self.status, len(self.body), self.body)
                )


def _content_length(head: bytes) -> int:
    return next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )


@asynccontextmanager
async def keepalive_server(**options: object) -> AsyncIterator[KeepAliveServer]:
    """Serves until the block ends; must be entered inside the event loop of the test."""
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    server = KeepAliveServer(port=port, **options)  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, server._serve)
        try:
            yield server
        finally:
            tasks.cancel_scope.cancel()
    await listener.aclose()
