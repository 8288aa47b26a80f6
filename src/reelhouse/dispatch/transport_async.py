"""The HTTP transport for callers on an event loop: a spin waiting on a wallet holds a task,
not a thread.

The same guarantees as the thread transport (dispatch/transport.py), by the same code:

- **One deadline per call**, over everything the call does: waiting for a connection to the
  wallet, name resolution, connect, TLS, writing the request and reading the whole answer.
  The call runs inside a cancel scope ending at the deadline, so no await of the call outlives
  it; each network operation is also clamped to what is left (transport.clamp), so none
  starts after it even on a clock that jumps.
- **It connects only where it checked**: the backend resolves the host, checks every address
  and connects to a checked one; the URL's host stays in the Host header and in TLS.
  Resolution calls the same `Resolver` as the thread transport, on a worker thread (a
  resolver blocks), so it never stalls the event loop; an address literal needs no worker.
- **A bounded answer**: read as a stream, refused past MAX_WALLET_ANSWER_BYTES.
- The same errors: TransportError, WalletUnreachable when the request never left.

Connections are kept alive and reused. At most `calls_per_host` calls to one wallet
(scheme, host and port) are in flight at once (WALLET_CALLS_PER_HOST, 100, by default;
the pool's other bounds are beside it in domain/limits.py), so one operator's slow wallet
cannot take every connection; a call past the limit waits its turn inside its own deadline.
"""

from __future__ import annotations

import functools
import ssl
import time
import typing
from collections.abc import Callable
from typing import Protocol

import anyio
import anyio.to_thread
import httpcore
import httpx

from reelhouse.dispatch.transport import (
    Monotonic,
    Transport,
    append_bounded,
    call_deadline,
    checked_addresses,
    clamp,
    connect_target,
    deadline_passed,
    failures_as_transport_errors,
)
from reelhouse.domain.callback_address import Resolver, parse_callback_url
from reelhouse.domain.limits import (
    IDLE_WALLET_CONNECTION_SECONDS,
    IDLE_WALLET_CONNECTIONS_KEPT,
    RESOLVER_THREADS,
    WALLET_CALLS_PER_HOST,
    WALLET_CONNECTIONS_TOTAL,
)
from reelhouse.domain.name_resolver import SystemResolver
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.tls import client_tls_context


class AsyncTransport(Protocol):
    async def send_async(self, request: HttpRequest) -> HttpAnswer: ...

    async def aclose(self) -> None: ...


class _DeadlineStream(httpcore.AsyncNetworkStream):
    """A connection whose every read and write waits no longer than the call's deadline."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, clamp(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, clamp(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(await self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host, checks every address, connects to a checked one."""

    def __init__(self, resolve: Resolver, allow_private: bool) -> None:
        self._resolve = resolve
        self._allow_private = allow_private
        self._sockets = httpcore.AnyIOBackend()
        # As many lookups at once as the system resolver has threads; made on first use,
        # inside the event loop.
        self._resolving: anyio.CapacityLimiter | None = None

    async def _checked_addresses(self, host: str, port: int, wait: float | None) -> list[str]:
        target = connect_target(host, port)
        if target.literal is not None:  # nothing to resolve: checked here, on the loop
            return checked_addresses(target, self._resolve, self._allow_private, wait)
        if self._resolving is None:
            self._resolving = anyio.CapacityLimiter(RESOLVER_THREADS)
        lookup = functools.partial(
            checked_addresses, target, self._resolve, self._allow_private, wait
        )
        # Abandoned, not waited for, when the call's deadline cancels it: a resolver that
        # ignores its bound keeps its worker thread, never the call.
        return await anyio.to_thread.run_sync(
            lookup, abandon_on_cancel=True, limiter=self._resolving
        )

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = clamp(timeout, httpcore.ConnectTimeout)
        addresses = await self._checked_addresses(host, port, wait)
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, like a plain connect
            try:
                stream = await self._sockets.connect_tcp(
                    address,
                    port,
                    clamp(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("callbacks go over TCP only")

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


class _CheckedHttpTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that uses the checked backend. httpx offers
    no argument for a network backend, so the pool it builds is replaced by one like it."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        tls = client_tls_context()  # loading the CA bundle takes a while: once per process
        super().__init__(verify=tls)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=WALLET_CONNECTIONS_TOTAL,
            max_keepalive_connections=IDLE_WALLET_CONNECTIONS_KEPT,
            keepalive_expiry=IDLE_WALLET_CONNECTION_SECONDS,
            network_backend=backend,
        )


class AsyncHttpxTransport:
    """The async transport. Made anywhere, used from one event loop (its kept connections and
    limiters belong to the loop that first used them); `aclose` in that loop when done."""

    def __init__(
        self,
        timeout_scale: float = 1.0,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        monotonic: Monotonic = time.monotonic,
        calls_per_host: int = WALLET_CALLS_PER_HOST,
    ) -> None:
        # timeout_scale as for HttpxTransport: 1.0 in deployments, larger only in test suites.
        assert timeout_scale >= 1.0
        assert calls_per_host >= 1
        self._timeout_scale = timeout_scale
        self._monotonic = monotonic
        self._calls_per_host = calls_per_host
        # One limiter per wallet origin, made on its first call (inside the event loop).
        self._per_host: dict[tuple[str, str, int], anyio.CapacityLimiter] = {}
        self._close_resolver: Callable[[], None] | None = None
        if resolver is None:
            system = SystemResolver()
            self._close_resolver = system.close
            resolver = system
        # Redirects are not followed, as in HttpxTransport: a wallet that redirects a money
        # call is misconfigured, not to be guessed at. Kept connections were checked when made.
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            transport=_CheckedHttpTransport(_CheckedBackend(resolver, allow_private)),
        )

    def _limiter(self, url: str) -> anyio.CapacityLimiter:
        target = parse_callback_url(url)
        origin = (target.scheme, target.host, target.port)
        limiter = self._per_host.get(origin)
        if limiter is None:
            limiter = self._per_host[origin] = anyio.CapacityLimiter(self._calls_per_host)
        return limiter

    async def send_async(self, request: HttpRequest) -> HttpAnswer:
        timeout = request.timeout_ms / 1000 * self._timeout_scale
        with failures_as_transport_errors(timeout):
            try:
                with anyio.fail_after(timeout), call_deadline(timeout, self._monotonic):
                    # The URL's shape is checked again, as in HttpxTransport: a stored URL may
                    # predate the rules; its addresses are checked by the backend.
                    async with self._limiter(request.url):
                        return await self._exchange(request, timeout)
            except TimeoutError as exc:  # the cancel scope's deadline
                raise deadline_passed(timeout, exc) from exc

    async def _exchange(self, request: HttpRequest, timeout: float) -> HttpAnswer:
        async with self._client.stream(
            request.method,
            request.url,
            content=request.body,
            headers=list(request.headers),
            timeout=httpx.Timeout(timeout),
        ) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                append_bounded(body, chunk)
            return HttpAnswer(response.status_code, bytes(body))

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._close_resolver is not None:
            self._close_resolver()


class _ThreadedTransport:
    """A thread transport behind the async interface: each send runs on anyio's worker
    threads (40 at once by default). For test fakes and the like, not for volume: every call
    holds a thread."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def send_async(self, request: HttpRequest) -> HttpAnswer:
        # Waited for even when the caller is cancelled: the request may be on the wire, and
        # the sync transport's own deadline bounds it.
        return await anyio.to_thread.run_sync(self._transport.send, request)

    async def aclose(self) -> None:
        """Nothing: the thread transport belongs to whoever made it, who closes it."""


def as_async(transport: Transport) -> AsyncTransport:
    return _ThreadedTransport(transport)
