"""The transport tells a wallet that is down (nothing listening, no such name) from one that
is slow: only the first is WalletUnreachable, which the circuit breaker opens on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Sequence

import pytest

from reelhouse.dispatch.transport import HttpxTransport, TransportError, WalletUnreachable
from reelhouse.domain.wallet import HttpRequest


def post(url: str) -> HttpRequest:
    return HttpRequest("POST", url, (("Content-Type", "application/json"),), b"{}", 2000)


def no_such_name(host: str, port: int, timeout_s: float) -> Sequence[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def free_port() -> int:
    """A loopback port nothing listens on (taken, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_refused_connection_is_unreachable() -> None:
    transport = HttpxTransport(allow_private=True)
    try:
        with pytest.raises(WalletUnreachable, match="ConnectError"):
            transport.send(post(f"http://127.0.0.1:{free_port()}/cb"))
    finally:
        transport.close()


def test_a_name_that_does_not_resolve_is_unreachable() -> None:
    transport = HttpxTransport(allow_private=True, resolver=no_such_name)
    try:
        with pytest.raises(WalletUnreachable, match="does not resolve"):
            transport.send(post("http://wallet.example/cb"))
    finally:
        transport.close()


def test_a_connection_closed_without_an_answer_is_a_failure_not_an_outage() -> None:
    # The wallet accepted the connection: something is there, whatever went wrong after.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def hang_up() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    transport = HttpxTransport(allow_private=True)
    try:
        with pytest.raises(TransportError) as failed:
            transport.send(post(f"http://127.0.0.1:{listener.getsockname()[1]}/cb"))
        assert not isinstance(failed.value, WalletUnreachable)
    finally:
        transport.close()
        thread.join()
        listener.close()
