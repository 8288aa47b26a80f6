"""One TLS client context per process, shared by every outgoing HTTP client.

Building a context loads the whole CA bundle: tens of milliseconds of CPU on a quiet core and
several times that on a busy one. A client made per call or per session would pay it each time.
A client-side `ssl.SSLContext` is safe to share between connections and threads once it is
built (nothing here changes it afterwards), so the first caller builds it and the rest reuse it.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def client_tls_context() -> ssl.SSLContext:
    """The process's context for verifying servers: the CA bundle httpx would load itself
    (honouring SSL_CERT_FILE / SSL_CERT_DIR as it does), loaded once."""
    return httpx.create_ssl_context()
