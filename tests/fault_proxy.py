"""A fault-injecting HTTP proxy between Reelhouse and a wallet, on loopback.

It reads each request, then by a seeded draw: forwards it; resets the connection before
forwarding; forwards it and resets instead of answering ("applied, answer lost"); or holds it
past the caller's timeout and then forwards it (the wallet applies it late). Raw asyncio, so a
reset is a real TCP reset, not an HTTP status.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from collections import Counter

import httpx

from reelhouse.api.server import free_port

LATE_SECONDS = 4.5  # past every command's timeout (2 s bets, 4 s wins and cancels)


class FaultProxy:
    def __init__(self, upstream: str, seed: int, fault_rate: float = 0.2) -> None:
        self.upstream = upstream.rstrip("/")
        self.port = free_port()
        self.rng = random.Random(seed)
        self.fault_rate = fault_rate
        self.faults_on = True
        self.counts: Counter[str] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        future.result(timeout=10)
        return self

    async def _serve(self) -> None:
        self._client = httpx.AsyncClient(timeout=30)
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    def stop(self) -> None:
        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            # Requests still held ("late") are abandoned; their sockets close in `finally`.
            handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for handler in handlers:
                handler.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
            await self._server.wait_closed()
            await self._client.aclose()
            await asyncio.sleep(0.05)  # let the closed transports finish closing

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _choose(self) -> str:
        if not self.faults_on or self.rng.random() >= self.fault_rate:
            return "pass"
        return self.rng.choice(["reset", "lost_answer", "late", "late"])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                path, headers, body = request
                fault = self._choose()
                self.counts[fault] += 1
                if fault == "reset":
                    return _reset(writer)
                if fault == "late":
                    await asyncio.sleep(LATE_SECONDS)
                answer = await self._client.post(
                    f"{self.upstream}{path}", content=body, headers=headers
                )
                if fault == "lost_answer":
                    return _reset(writer)
                if fault == "late":
                    writer.close()  # the caller has long given up
                    return
                head = (
                    f"HTTP/1.1 {answer.status_code} OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(answer.content)}\r\n\r\n"
                )
                writer.write(head.encode() + answer.content)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            if not writer.is_closing():
                writer.close()


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    _method, path, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip()] = value.strip()
    length = int(headers.get("Content-Length", headers.get("content-length", "0")))
    body = await reader.readexactly(length)
    forwarded = {
        k: v
        for k, v in headers.items()
        if k.lower() not in ("host", "content-length", "connection")
    }
    return path, forwarded, body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST instead of FIN, as a crashed middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()
