"""Tests call `httpx.post(...)` and friends thousands of times, and each of those builds a
client whose transport loads the whole CA bundle (about 0.1 s of CPU on a busy core): most of
a short test's time. Installed once from conftest, the clients of the test process verify
servers with the process's one shared context instead (reelhouse/tls.py says why sharing is
safe). Only the default case is redirected: an explicit context or `verify=False` is kept."""

from __future__ import annotations

import ssl
from typing import Any

from httpx._transports import default as httpx_default_transport

from reelhouse.tls import client_tls_context

_original = httpx_default_transport.create_ssl_context


def _shared_when_default(
    verify: Any = True, cert: Any = None, trust_env: bool = True
) -> ssl.SSLContext:
    if verify is True and cert is None:
        return client_tls_context()
    return _original(verify=verify, cert=cert, trust_env=trust_env)


def install() -> None:
    httpx_default_transport.create_ssl_context = _shared_when_default  # type: ignore[assignment]
