"""Hardening item 3: a call's timeout is one deadline for the whole call, not a bound on each
read. A wallet trickling its answer one byte at a time stayed under every per-read timeout
and held a call for as long as it liked."""

from __future__ import annotations

import pytest

from reelhouse.dispatch.transport import HttpxTransport, TransportError
from reelhouse.domain.wallet import HttpRequest
from tests.dispatch.raw_server import raw_server

BODY_BYTES = 40
TRICKLE_S = 0.25  # the whole body would take 10 s; the call's deadline is 1 s


def request_to(port: int, timeout_ms: int) -> HttpRequest:
    return HttpRequest(
        "POST", f"http://127.0.0.1:{port}/cb", (("Content-Type", "application/json"),),
        b"{}", timeout_ms,
    )  # fmt: skip


def test_a_trickling_wallet_is_cut_off_at_the_calls_deadline() -> None:
    transport = HttpxTransport(allow_private=True)  # scale 1: this test is about the timeout
    try:
        with raw_server(body=b"x" * BODY_BYTES, trickle_s=TRICKLE_S) as server:
            with pytest.raises(TransportError, match="deadline"):
                transport.send(request_to(server.port, timeout_ms=1000))
            # The server notices the closed connection on its next writes; it never got to
            # finish: each byte stayed under a per-read timeout, the whole call did not.
            assert server.done.wait(timeout=BODY_BYTES * TRICKLE_S * 2)
            assert server.cut_off and server.body_bytes_sent < BODY_BYTES
    finally:
        transport.close()


def test_an_answer_inside_the_deadline_is_read_whole() -> None:
    transport = HttpxTransport(5.0, allow_private=True)
    try:
        with raw_server(body=b'{"result": 0}') as server:
            answer = transport.send(request_to(server.port, timeout_ms=2000))
            assert (answer.status, answer.body) == (200, b'{"result": 0}')
            assert transport.send(request_to(server.port, timeout_ms=2000)).status == 200
    finally:
        transport.close()


def test_no_operation_starts_after_the_deadline() -> None:
    """With a clock that jumps past the deadline as soon as the call starts, the call ends
    in a deadline error before a byte is read, whatever the network does."""
    ticks = iter([0.0] + [100.0] * 1000)
    transport = HttpxTransport(allow_private=True, monotonic=lambda: next(ticks))
    try:
        with raw_server() as server, pytest.raises(TransportError, match="deadline"):
            transport.send(request_to(server.port, timeout_ms=2000))
    finally:
        transport.close()
