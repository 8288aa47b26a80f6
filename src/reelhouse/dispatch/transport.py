"""The HTTP transport: puts a dialect's exact bytes on the wire. The only socket code."""

from __future__ import annotations

from typing import Protocol

import httpx

from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.wallet import HttpAnswer, HttpRequest


class TransportError(Exception):
    """No usable answer: connection refused or reset, timeout, oversized answer."""


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpAnswer: ...


class HttpxTransport:
    def __init__(self, timeout_scale: float = 1.0) -> None:
        # Deployments keep 1.0: the dialects' timeouts are the contract. Test suites that run
        # many servers on a small, loaded machine stretch them for tests that are not about
        # timeouts, so a starved CPU is not mistaken for a dead wallet.
        assert timeout_scale >= 1.0
        self._timeout_scale = timeout_scale
        # Keep-alive connections to each operator; redirects are not followed, because a
        # wallet that redirects a money call is misconfigured, not to be guessed at.
        self._client = httpx.Client(
            follow_redirects=False, limits=httpx.Limits(max_connections=200)
        )

    def send(self, request: HttpRequest) -> HttpAnswer:
        timeout = request.timeout_ms / 1000 * self._timeout_scale
        try:
            with self._client.stream(
                request.method,
                request.url,
                content=request.body,
                headers=list(request.headers),
                timeout=httpx.Timeout(timeout),
            ) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_WALLET_ANSWER_BYTES:
                        raise TransportError("answer larger than the limit")
                return HttpAnswer(response.status_code, bytes(body))
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        self._client.close()
