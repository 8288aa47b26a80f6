"""The async transport keeps the thread transport's guarantees (one deadline per call, checked
addresses only, a bounded answer, WalletUnreachable only when the request never left) and
holds no thread while a call waits: many calls share one event loop and kept connections."""

from __future__ import annotations

import socket
import threading
from collections.abc import Awaitable, Callable, Sequence

import anyio
import pytest

from reelhouse.dispatch.transport import TransportError, WalletUnreachable
from reelhouse.dispatch.transport_async import AsyncHttpxTransport, as_async
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES, WALLET_CALLS_PER_HOST
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from tests.dispatch.keepalive_server import keepalive_server
from tests.dispatch.raw_server import raw_server
from tests.dispatch.test_transport_addresses import FakeDns
from tests.dispatch.test_transport_unreachable import free_port, no_such_name


def post(url: str, timeout_ms: int = 2000, body: bytes = b"{}") -> HttpRequest:
    return HttpRequest("POST", url, (("Content-Type", "application/json"),), body, timeout_ms)


def run_with(
    transport: AsyncHttpxTransport, scenario: Callable[[AsyncHttpxTransport], Awaitable[None]]
) -> None:
    """Runs `scenario` in a fresh event loop, closing the transport there afterwards."""

    async def main() -> None:
        try:
            await scenario(transport)
        finally:
            await transport.aclose()

    anyio.run(main)


# --- One deadline per call -------------------------------------------------------------------

TRICKLE_BYTES = 30
TRICKLE_S = 0.5  # the whole body would take 15 s; the call's deadline is 1 s


def test_a_trickling_wallet_is_cut_off_at_the_calls_deadline() -> None:
    async def scenario(transport: AsyncHttpxTransport) -> None:
        with raw_server(body=b"x" * TRICKLE_BYTES, trickle_s=TRICKLE_S) as server:
            with pytest.raises(TransportError, match="deadline"):
                await transport.send_async(post(f"http://127.0.0.1:{server.port}/cb", 1000))
            # The server notices the closed connection on its next writes: it never got to
            # finish, although each byte came well inside any per-read timeout.
            assert server.done.wait(timeout=TRICKLE_BYTES * TRICKLE_S * 2)
            assert server.cut_off and server.body_bytes_sent < TRICKLE_BYTES

    run_with(AsyncHttpxTransport(allow_private=True), scenario)  # scale 1: about the timeout


def test_no_operation_starts_after_the_deadline() -> None:
    """With a clock that jumps past the deadline as soon as the call starts, the call ends in
    a deadline error before connecting, whatever the network does."""
    ticks = iter([0.0] + [100.0] * 1000)

    async def scenario(transport: AsyncHttpxTransport) -> None:
        async with keepalive_server() as server:
            with pytest.raises(TransportError, match="deadline"):
                await transport.send_async(post(f"http://127.0.0.1:{server.port}/cb"))
            assert server.connections == 0

    run_with(AsyncHttpxTransport(allow_private=True, monotonic=lambda: next(ticks)), scenario)


def test_a_resolver_that_ignores_its_bound_cannot_hold_the_call() -> None:
    """The lookup runs on a worker thread; the call stops waiting for it at its deadline (the
    thread is let go when the test ends)."""
    release = threading.Event()

    def hung(host: str, port: int, timeout_s: float) -> Sequence[str]:
        release.wait(timeout=60)
        raise OSError("released")

    async def scenario(transport: AsyncHttpxTransport) -> None:
        with pytest.raises(TransportError, match="deadline") as failed:
            await transport.send_async(post("http://wallet.example/cb", timeout_ms=500))
        assert not isinstance(failed.value, WalletUnreachable)  # slow, not known to be down

    try:
        run_with(AsyncHttpxTransport(allow_private=True, resolver=hung), scenario)
    finally:
        release.set()


# --- Unreachable wallets and checked addresses -------------------------------------------------


def test_a_refused_connection_is_unreachable() -> None:
    async def scenario(transport: AsyncHttpxTransport) -> None:
        with pytest.raises(WalletUnreachable, match="ConnectError"):
            await transport.send_async(post(f"http://127.0.0.1:{free_port()}/cb"))

    run_with(AsyncHttpxTransport(5.0, allow_private=True), scenario)


def test_a_name_that_does_not_resolve_is_unreachable() -> None:
    async def scenario(transport: AsyncHttpxTransport) -> None:
        with pytest.raises(WalletUnreachable, match="does not resolve"):
            await transport.send_async(post("http://wallet.example/cb"))

    run_with(AsyncHttpxTransport(5.0, allow_private=True, resolver=no_such_name), scenario)


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
def test_a_private_address_is_refused_before_connecting(url: str) -> None:
    dns = FakeDns({"evil.example": ["127.0.0.1"], "localhost.": ["127.0.0.1"]})

    async def scenario(transport: AsyncHttpxTransport) -> None:
        with raw_server() as server:
            with pytest.raises(WalletUnreachable, match="address refused"):
                await transport.send_async(post(url.format(port=server.port)))
            assert server.requests == []  # nothing reached the loopback server

    run_with(AsyncHttpxTransport(5.0, allow_private=False, resolver=dns), scenario)


def test_the_connection_goes_to_the_checked_address_with_the_urls_host_name() -> None:
    dns = FakeDns({"wallet.example": ["127.0.0.1"]})

    async def scenario(transport: AsyncHttpxTransport) -> None:
        with raw_server() as server:
            answer = await transport.send_async(post(f"http://wallet.example:{server.port}/cb"))
            assert answer.status == 200
            assert server.host_header() == f"wallet.example:{server.port}"
        assert dns.asked == ["wallet.example"]

    run_with(AsyncHttpxTransport(5.0, allow_private=True, resolver=dns), scenario)


# --- The answer --------------------------------------------------------------------------------


def test_an_answer_is_read_exactly_and_the_request_sent_as_given() -> None:
    body = b'{"result": 0, "balance": 100}\x00\xff'  # bytes as they are, not decoded

    async def scenario(transport: AsyncHttpxTransport) -> None:
        async with keepalive_server(status=503, body=body) as server:
            url = f"http://127.0.0.1:{server.port}/wallet/cb?x=1"
            answer = await transport.send_async(post(url, body=b'{"amount": 5}'))
            # A status is an answer, not a transport failure: the dialect reads it.
            assert answer == HttpAnswer(503, body)
            head, _, sent_body = server.requests[0].partition(b"\r\n\r\n")
            assert head.startswith(b"POST /wallet/cb?x=1 HTTP/1.1\r\n")
            assert b"\r\nContent-Type: application/json" in head
            assert sent_body == b'{"amount": 5}'

    run_with(AsyncHttpxTransport(5.0, allow_private=True), scenario)


def test_an_answer_at_the_limit_is_read_and_one_byte_more_refused() -> None:
    async def scenario(transport: AsyncHttpxTransport) -> None:
        with raw_server(body=b"x" * MAX_WALLET_ANSWER_BYTES) as server:
            answer = await transport.send_async(post(f"http://127.0.0.1:{server.port}/cb"))
            assert len(answer.body) == MAX_WALLET_ANSWER_BYTES
        with (
            raw_server(body=b"x" * (MAX_WALLET_ANSWER_BYTES + 1)) as server,
            pytest.raises(TransportError, match="larger than the limit"),
        ):
            await transport.send_async(post(f"http://127.0.0.1:{server.port}/cb"))

    run_with(AsyncHttpxTransport(5.0, allow_private=True), scenario)


def test_a_protocol_error_does_not_quote_the_wallets_bytes() -> None:
    async def scenario(transport: AsyncHttpxTransport) -> None:
        with raw_server() as server:

            def garbage(conn: socket.socket) -> None:
                conn.recv(65536)
                conn.sendall(b"SECRET-STATUS-LINE\r\n\r\n")

            server._answer = garbage  # type: ignore[method-assign]
            with pytest.raises(TransportError) as refused:
                await transport.send_async(post(f"http://127.0.0.1:{server.port}/cb"))
        assert "SECRET" not in str(refused.value)

    run_with(AsyncHttpxTransport(5.0, allow_private=True), scenario)


# --- Kept connections, many calls, no threads ---------------------------------------------------


def test_sequential_calls_reuse_one_kept_connection() -> None:
    async def scenario(transport: AsyncHttpxTransport) -> None:
        async with keepalive_server() as server:
            for _ in range(20):
                answer = await transport.send_async(post(f"http://127.0.0.1:{server.port}/cb"))
                assert answer.status == 200
            assert (len(server.requests), server.connections) == (20, 1)

    run_with(AsyncHttpxTransport(5.0, allow_private=True), scenario)


CONCURRENT_CALLS = 2 * WALLET_CALLS_PER_HOST  # half wait for the other half


def test_many_slow_calls_wait_together_in_one_event_loop_without_threads() -> None:
    """Twice the per-host limit of calls to a wallet taking 150 ms each, at once: they wait
    as tasks, not threads, and no more than the limit of them are at the wallet at a time."""
    threads_before = threading.active_count()
    most_threads = threads_before
    answers: list[HttpAnswer] = []

    async def scenario(transport: AsyncHttpxTransport) -> None:
        nonlocal most_threads
        gather = WALLET_CALLS_PER_HOST
        async with keepalive_server(delay_s=0.15, gather=gather) as server:
            url = f"http://127.0.0.1:{server.port}/cb"

            async def call() -> None:
                answers.append(await transport.send_async(post(url, timeout_ms=60_000)))

            async def watch_threads() -> None:
                nonlocal most_threads
                while True:
                    most_threads = max(most_threads, threading.active_count())
                    await anyio.sleep(0.005)

            async with anyio.create_task_group() as watching:
                watching.start_soon(watch_threads)
                async with anyio.create_task_group() as calls:
                    for _ in range(CONCURRENT_CALLS):
                        calls.start_soon(call)
                watching.cancel_scope.cancel()
            # The first limit's worth were at the wallet together (it answered none before), and
            # never more: the rest waited their turn. (How many connections carried them is
            # httpx's business: two calls let in together may both be offered the one idle
            # connection, and the loser opens another. Reuse is shown one call at a time.)
            assert server.most_in_flight == WALLET_CALLS_PER_HOST

    run_with(AsyncHttpxTransport(allow_private=True), scenario)
    assert [a.status for a in answers] == [200] * CONCURRENT_CALLS
    # A thread per waiting call would be a hundred or more; address literals need none.
    assert most_threads - threads_before <= 2


def test_a_wallet_is_called_by_no_more_than_the_per_host_limit_at_once() -> None:
    """Calls past the limit wait for a free slot (inside their own deadline), and run when one
    is freed: with a limit of 3, six calls reach the wallet three at a time."""

    async def scenario(transport: AsyncHttpxTransport) -> None:
        async with keepalive_server(delay_s=0.05, gather=3) as server:
            url = f"http://127.0.0.1:{server.port}/cb"
            async with anyio.create_task_group() as calls:
                for _ in range(6):
                    calls.start_soon(transport.send_async, post(url, timeout_ms=60_000))
            assert server.most_in_flight == 3
            assert len(server.requests) == 6

    run_with(AsyncHttpxTransport(allow_private=True, calls_per_host=3), scenario)


# --- A thread transport behind the async interface ---------------------------------------------


class RecordingTransport:
    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def send(self, request: HttpRequest) -> HttpAnswer:
        self.threads.append(threading.current_thread())
        return HttpAnswer(200, request.body)


def test_as_async_runs_a_thread_transport_off_the_event_loop() -> None:
    fake = RecordingTransport()

    async def main() -> None:
        transport = as_async(fake)
        answer = await transport.send_async(post("http://wallet.example/cb", body=b"echo"))
        await transport.aclose()
        assert answer == HttpAnswer(200, b"echo")

    anyio.run(main)
    assert fake.threads and fake.threads[0] is not threading.main_thread()
