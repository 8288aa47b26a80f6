"""The HTTP transport: puts a dialect's exact bytes on the wire. The only socket code.

Two guarantees beyond httpx's own:

- **One deadline per call.** httpx's timeouts bound each operation (each read may wait the
  full timeout), so a wallet trickling a byte a second could hold a 2 s call for minutes. Here
  the request's timeout is one wall deadline, on a monotonic clock, for the whole call: name
  resolution, connect, TLS, writing the request and every read of the answer. Each network
  operation waits at most what is left of it.
- **It connects only where it checked.** The host is resolved here, every address it resolves
  to is checked (domain/callback_address.py), and the socket connects to a checked address,
  so a name cannot resolve to a public address for the check and a private one for the
  connection. The URL's host still goes in the Host header and in TLS (SNI and certificate).

Both are enforced by an httpcore network backend under httpx: the deadline of the call in
progress is found through a context variable, because httpcore hands the backend only
per-operation timeouts.

The pieces both transports need (the call's deadline, the address check, the bounded answer,
the reading of httpx's failures) live here and are used by the async transport too
(dispatch/transport_async.py), so the two cannot drift apart.
"""

from __future__ import annotations

import contextvars
import ssl
import time
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import httpcore
import httpx

from reelhouse.domain.callback_address import (
    AddressRefused,
    CallbackTarget,
    Resolver,
    check_target,
    parse_callback_url,
)
from reelhouse.domain.limits import CALLBACK_RESOLVE_TIMEOUT_SECONDS, MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.name_resolver import SystemResolver
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.tls import client_tls_context

Monotonic = Callable[[], float]


class TransportError(Exception):
    """No usable answer: connection refused or reset, deadline passed, oversized answer, or
    an address Reelhouse will not call. The message never quotes the wallet's bytes."""


class WalletUnreachable(TransportError):
    """Nothing answered the connection: refused, or the wallet's name does not resolve (or
    resolves to an address Reelhouse will not call). Unlike a timeout, this says the wallet
    is down, not slow; the circuit breaker opens on it (dispatch.breaker)."""


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpAnswer: ...


class _DeadlinePassed(Exception):
    pass


class _Deadline:
    """The moment, on a monotonic clock, by which the call in progress must be over."""

    def __init__(self, seconds: float, monotonic: Monotonic) -> None:
        self._monotonic = monotonic
        self._at = monotonic() + seconds

    def left(self, timeout: float | None) -> float:
        """What an operation allowed `timeout` may wait now: the smaller of the two. Raises
        once the deadline has passed, so no operation starts after it."""
        remaining = self._at - self._monotonic()
        if remaining <= 0:
            raise _DeadlinePassed
        return remaining if timeout is None else min(timeout, remaining)


# The deadline of the call this thread (for the async transport: this task) is making; httpx
# does all of a call's network operations on the calling thread, or in the calling task.
# None outside a call: nothing is clamped.
_CURRENT: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "reelhouse_call_deadline", default=None
)


@contextmanager
def call_deadline(seconds: float, monotonic: Monotonic) -> Iterator[None]:
    """The call made inside this block must be over `seconds` from now."""
    token = _CURRENT.set(_Deadline(seconds, monotonic))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def clamp(timeout: float | None, on_passed: type[Exception]) -> float | None:
    """What a network operation allowed `timeout` may wait inside the call in progress; raises
    `on_passed` (an httpcore timeout, which httpx reports as one) once the deadline passed."""
    deadline = _CURRENT.get()
    if deadline is None:
        return timeout
    try:
        return deadline.left(timeout)
    except _DeadlinePassed:
        raise on_passed("the call's deadline has passed") from None


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits no longer than the call's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _CheckedBackend(httpcore.NetworkBackend):
    """Resolves the host, checks every address, connects to a checked one."""

    def __init__(self, resolve: Resolver, allow_private: bool) -> None:
        self._resolve = resolve
        self._allow_private = allow_private
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        wait = clamp(timeout, httpcore.ConnectTimeout)
        target = connect_target(host, port)
        addresses = checked_addresses(target, self._resolve, self._allow_private, wait)
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, like a plain connect
            try:
                stream = self._sockets.connect_tcp(
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

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("callbacks go over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def connect_target(host: str, port: int) -> CallbackTarget:
    """The host and port httpx is about to connect to, checked by the same rules as when the
    URL was saved."""
    bracketed = f"[{host}]" if ":" in host else host
    return parse_callback_url(f"http://{bracketed}:{port}/")


def checked_addresses(
    target: CallbackTarget, resolve: Resolver, allow_private: bool, wait: float | None
) -> list[str]:
    """Every address `target` stands for, each checked; a name is resolved within `wait` (what
    is left of the call, from clamp), or the resolver's own bound outside a call."""
    return check_target(
        target,
        resolve,
        allow_private=allow_private,
        timeout_s=CALLBACK_RESOLVE_TIMEOUT_SECONDS if wait is None else wait,
    )


class _CheckedHttpTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses the checked backend. httpx offers
    no argument for a network backend, so the pool it builds is replaced by one like it."""

    def __init__(self, backend: httpcore.NetworkBackend, max_connections: int) -> None:
        tls = client_tls_context()  # loading the CA bundle takes a while: once per process
        super().__init__(verify=tls, limits=httpx.Limits(max_connections=max_connections))
        self._pool = httpcore.ConnectionPool(
            ssl_context=tls,
            max_connections=max_connections,
            max_keepalive_connections=httpx.Limits().max_keepalive_connections,
            keepalive_expiry=httpx.Limits().keepalive_expiry,
            network_backend=backend,
        )


def append_bounded(body: bytearray, chunk: bytes) -> None:
    """Adds a chunk of the wallet's answer to what was read of it; refuses an answer past
    MAX_WALLET_ANSWER_BYTES, so a wallet cannot make Reelhouse hold an unbounded one."""
    body += chunk
    if len(body) > MAX_WALLET_ANSWER_BYTES:
        raise TransportError("answer larger than the limit")


# httpx exceptions whose message is the operating system's (errno text), never the wallet's
# bytes; for the others (protocol errors quote what the wallet sent) only the type is kept.
_OS_MESSAGES = (httpx.NetworkError,)


def deadline_passed(timeout_seconds: float, cause: BaseException) -> TransportError:
    return TransportError(
        f"deadline: no complete answer within {timeout_seconds:.1f} s, {type(cause).__name__}"
    )


@contextmanager
def failures_as_transport_errors(timeout_seconds: float) -> Iterator[None]:
    """Whatever went wrong in the call made inside this block, as a TransportError
    (WalletUnreachable when the request never left), in words that never quote the wallet."""
    try:
        yield
    except AddressRefused as exc:
        raise WalletUnreachable(f"callback address refused: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise deadline_passed(timeout_seconds, exc) from exc
    except httpx.ConnectError as exc:
        # Connection refused, no route to the host: the request never left.
        raise WalletUnreachable(f"{type(exc).__name__}: {exc}") from exc
    except _OS_MESSAGES as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    except httpx.HTTPError as exc:
        raise TransportError(type(exc).__name__) from exc


class HttpxTransport:
    def __init__(
        self,
        timeout_scale: float = 1.0,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        # Deployments keep 1.0: the dialects' timeouts are the contract. Test suites that run
        # many servers on a small, loaded machine stretch them for tests that are not about
        # timeouts, so a starved CPU is not mistaken for a dead wallet.
        assert timeout_scale >= 1.0
        self._timeout_scale = timeout_scale
        self._monotonic = monotonic
        self._closers: list[Callable[[], None]] = []
        if resolver is None:
            system = SystemResolver()
            self._closers.append(system.close)
            resolver = system
        backend = _CheckedBackend(resolver, allow_private)
        # Keep-alive connections to each operator (a kept connection was checked when it
        # was made); redirects are not followed, because a wallet that redirects a money call
        # is misconfigured, not to be guessed at.
        self._client = httpx.Client(
            follow_redirects=False, transport=_CheckedHttpTransport(backend, max_connections=200)
        )

    def send(self, request: HttpRequest) -> HttpAnswer:
        timeout = request.timeout_ms / 1000 * self._timeout_scale
        with failures_as_transport_errors(timeout):
            # The URL was checked when it was saved; its shape is checked again here because
            # a stored URL may predate the rules, and its addresses by the backend.
            parse_callback_url(request.url)
            with (
                call_deadline(timeout, self._monotonic),
                self._client.stream(
                    request.method,
                    request.url,
                    content=request.body,
                    headers=list(request.headers),
                    timeout=httpx.Timeout(timeout),
                ) as response,
            ):
                body = bytearray()
                for chunk in response.iter_bytes():
                    append_bounded(body, chunk)
                return HttpAnswer(response.status_code, bytes(body))

    def close(self) -> None:
        self._client.close()
        for close in self._closers:
            close()
