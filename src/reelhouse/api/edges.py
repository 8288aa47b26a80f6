"""ASGI middleware at the edge of the app: who the client is, and what may be cached.

- `TrustedProxies`: the client address is the TCP peer, unless the peer is a configured
  proxy (REELHOUSE_TRUSTED_PROXIES); then it is the right-most address of `X-Forwarded-For`
  that is not itself a trusted proxy. A client that is not a trusted proxy cannot choose its
  address by sending the header (IP allow-lists, sign-in throttles and logs all read it).
  uvicorn's own proxy-header handling is switched off (it trusts loopback by default).
- `NoStoreByDefault`: every answer that does not choose its own `Cache-Control` gets
  `no-store`: API answers carry balances and tokens, and no cache between the player and
  Reelhouse (or a shared browser) may keep them. Static files with content-hashed URLs say
  otherwise themselves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reelhouse.services.settings import Network

FORWARDED_FOR = b"x-forwarded-for"


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: list[str], networks: tuple[Network, ...]) -> str:
    """The client behind a chain of trusted proxies: walk `X-Forwarded-For` from the right
    (the hop our peer added last) and stop at the first address no trusted proxy owns."""
    if not networks or not _trusted(peer, networks):
        return peer
    client = peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: keep the last address a trusted proxy vouched for
        client = hop
        if not _trusted(hop, networks):
            break
    return client


class TrustedProxies:
    def __init__(self, app: ASGIApp, networks: tuple[Network, ...]) -> None:
        self.app = app
        self.networks = networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and self.networks and client:
            values = [v.decode("latin-1") for k, v in scope["headers"] if k == FORWARDED_FOR]
            address = forwarded_client(client[0], values, self.networks)
            if address != client[0]:
                scope = dict(scope, client=(address, 0))
        await self.app(scope, receive, send)


class NoStoreByDefault:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                    message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_no_store)
