"""A one-connection-at-a-time HTTP server on loopback built on a raw socket, for transport
tests that need control over every byte and its timing (a trickling wallet), and a record of
what reached it (requests, Host headers)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RawServer:
    port: int
    body: bytes = b'{"result": 0}'
    trickle_s: float = 0.0  # > 0: send the body one byte at a time, this far apart
    requests: list[bytes] = field(default_factory=list)
    body_bytes_sent: int = 0
    cut_off: bool = False  # the client closed the connection before the body was all sent
    done: threading.Event = field(default_factory=threading.Event)

    def host_header(self) -> str:
        head = self.requests[-1].split(b"\r\n\r\n", 1)[0].decode("latin-1")
        return next(
            line.split(":", 1)[1].strip()
            for line in head.split("\r\n")
            if line.lower().startswith("host:")
        )

    def _answer(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(65536)
            if not chunk:
                return
            request += chunk
        head, _, rest = request.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(rest) < length:
            rest += conn.recv(65536)
        self.requests.append(request)
        # One request per connection, said so: a client that kept the connection for its next
        # request could race the server's close and meet a reset.
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n")
        conn.sendall(b"Content-Length: %d\r\n\r\n" % len(self.body))
        if not self.trickle_s:
            conn.sendall(self.body)
            self.body_bytes_sent = len(self.body)
            return
        for byte in self.body:
            time.sleep(self.trickle_s)
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                self.cut_off = True
                return
            self.body_bytes_sent += 1


@contextmanager
def raw_server(**options: object) -> Iterator[RawServer]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = RawServer(port=listener.getsockname()[1], **options)  # type: ignore[arg-type]

    listener.settimeout(0.05)  # so the loop sees `stop` soon after the test ends
    stop = threading.Event()

    def serve() -> None:
        try:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                conn.settimeout(None)
                with conn:
                    server._answer(conn)
                if server.trickle_s:
                    break
        finally:
            server.done.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=60)
        listener.close()
