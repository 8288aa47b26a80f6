"""Hardening item 10 at send time: the transport resolves the callback host itself, checks
every address, and connects to a checked one, so a name that resolved to a public address
when the URL was saved cannot reach Reelhouse's own network later (DNS rebinding)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reelhouse.dispatch.transport import HttpxTransport, TransportError
from reelhouse.domain.wallet import HttpRequest
from tests.dispatch.raw_server import raw_server


class FakeDns:
    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int, timeout_s: float) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"{host} not known")
        return self.table[host]


def post(url: str) -> HttpRequest:
    return HttpRequest("POST", url, (("Content-Type", "application/json"),), b"{}", 2000)


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example:{port}/cb",  # resolves to loopback (the fake DNS says so)
        "http://127.0.0.1:{port}/cb",
        "http://2130706433:{port}/cb",
        "http://127.1:{port}/cb",
        "http://localhost.:{port}/cb",
        "http://[::ffff:127.0.0.1]:{port}/cb",
    ],
)
def test_a_call_to_a_forbidden_address_is_refused_before_connecting(url: str) -> None:
    dns = FakeDns({"evil.example": ["127.0.0.1"], "localhost.": ["127.0.0.1"]})
    transport = HttpxTransport(5.0, allow_private=False, resolver=dns)
    try:
        with raw_server() as server, pytest.raises(TransportError, match="address refused"):
            transport.send(post(url.format(port=server.port)))
        assert server.requests == []  # nothing reached the loopback server
    finally:
        transport.close()


def test_the_connection_goes_to_the_checked_address_with_the_urls_host_name() -> None:
    """The resolver's answer is the address connected to (no second lookup by the socket
    layer), and the wallet still sees its own host name."""
    dns = FakeDns({"wallet.example": ["127.0.0.1"]})
    transport = HttpxTransport(5.0, allow_private=True, resolver=dns)
    try:
        with raw_server() as server:
            answer = transport.send(post(f"http://wallet.example:{server.port}/cb"))
            assert answer.status == 200
            assert server.host_header() == f"wallet.example:{server.port}"
        assert dns.asked == ["wallet.example"]
    finally:
        transport.close()


def test_a_name_that_does_not_resolve_is_no_answer_not_a_crash() -> None:
    transport = HttpxTransport(5.0, allow_private=True, resolver=FakeDns({}))
    try:
        with pytest.raises(TransportError, match="does not resolve"):
            transport.send(post("http://gone.example/cb"))
    finally:
        transport.close()


def test_a_protocol_error_does_not_quote_the_wallets_bytes() -> None:
    transport = HttpxTransport(5.0, allow_private=True)
    try:
        with raw_server(body=b"") as server:
            server_bad = b"SECRET-STATUS-LINE\r\n\r\n"

            def garbage(conn):  # type: ignore[no-untyped-def]
                conn.recv(65536)
                conn.sendall(server_bad)

            server._answer = garbage  # type: ignore[method-assign]
            with pytest.raises(TransportError) as refused:
                transport.send(post(f"http://127.0.0.1:{server.port}/cb"))
        assert "SECRET" not in str(refused.value)
    finally:
        transport.close()
