"""A lean HTTP/1.1 client on asyncio streams, keep-alive, one origin: the load generator's
and the floor's. httpx costs a few milliseconds of CPU a request; on two shared cores that
would make the generator (and the floor's outbound calls) compete with the server measured.
It speaks just what uvicorn answers these requests with: a status line, headers with a
Content-Length, a body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

# uvicorn closes a keep-alive connection idle for 5 s: never reuse one near that age.
MAX_IDLE_S = 3.0


class HttpFailure(Exception):
    """The connection failed or the answer was not HTTP/1.1 as expected."""


class _ClosedBeforeAnswer(Exception):
    """The connection was closed before a byte of the answer came: the request was not read."""


class LeanClient:
    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        assert parts.scheme == "http" and parts.hostname and parts.port
        self._host, self._port = parts.hostname, parts.port
        self._host_header = f"{self._host}:{self._port}".encode("ascii")
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def post(
        self, path: str, body: bytes, headers: Iterable[tuple[str, str]] = ()
    ) -> tuple[int, bytes]:
        """(status, body) of one POST; a connection is reused only after a full answer."""
        head = [b"POST " + path.encode("ascii") + b" HTTP/1.1", b"Host: " + self._host_header]
        head += [f"{name}: {value}".encode("latin-1") for name, value in headers]
        head.append(b"Content-Length: " + str(len(body)).encode("ascii"))
        message = b"\r\n".join(head) + b"\r\n\r\n" + body
        connection = self._reusable()
        if connection is not None:
            try:
                return await self._exchange(*connection, message)
            except _ClosedBeforeAnswer:
                pass  # the server had closed it while idle: nothing was read, send afresh
        try:
            reader, writer = await asyncio.open_connection(self._host, self._port)
        except OSError as exc:
            raise HttpFailure(f"connect: {exc}") from exc
        try:
            return await self._exchange(reader, writer, message)
        except _ClosedBeforeAnswer as exc:
            raise HttpFailure("closed before answering") from exc

    def _reusable(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        now = time.monotonic()
        while self._idle:
            reader, writer, idle_since = self._idle.pop()
            if now - idle_since < MAX_IDLE_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return None

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, message: bytes
    ) -> tuple[int, bytes]:
        try:
            writer.write(message)
            try:
                raw_head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if not exc.partial:
                    raise _ClosedBeforeAnswer from exc
                raise
            status, length, close = _parse_head(raw_head)
            answer = await reader.readexactly(length)
        except _ClosedBeforeAnswer:
            writer.close()
            raise
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            writer.close()
            raise HttpFailure(str(exc) or type(exc).__name__) from exc
        except BaseException:
            writer.close()  # cancelled mid-answer: the connection's state is unknown
            raise
        if close:
            writer.close()
        else:
            self._idle.append((reader, writer, time.monotonic()))
        return status, answer

    async def aclose(self) -> None:
        for _reader, writer, _since in self._idle:
            writer.close()
        self._idle.clear()


def _parse_head(raw: bytes) -> tuple[int, int, bool]:
    """Status, Content-Length and whether the server closes the connection."""
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    if length is None:
        raise ValueError("an answer without Content-Length")
    return status, length, close
