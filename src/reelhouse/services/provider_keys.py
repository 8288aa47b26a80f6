"""A provider's keys, loaded from its row: the one that checks its calls and Reelhouse's,
which signs what Reelhouse sends it (requests and answers)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from reelhouse.providers.base import UpstreamProtocol
from reelhouse.providers.registry import get_protocol
from reelhouse.services.platform import Platform
from reelhouse.store.models import Provider


@dataclass(frozen=True, slots=True)
class ProviderKeys:
    protocol: UpstreamProtocol[Any, Any]
    verify_key: Any
    sign_key: Any


# Loaded keys by provider and key text: loading an RSA key costs milliseconds, a lookup
# nothing. A changed key (a new text) is loaded afresh; the old entry is dropped with it.
_KEYS: dict[int, tuple[str, str, ProviderKeys]] = {}
_KEYS_LOCK = threading.Lock()


def keys_of(platform: Platform, provider: Provider) -> ProviderKeys:
    with _KEYS_LOCK:
        cached = _KEYS.get(provider.id)
    if cached is not None and cached[:2] == (provider.verify_key, provider.sign_key_sealed):
        return cached[2]
    protocol = get_protocol(provider.protocol)
    keys = ProviderKeys(
        protocol,
        protocol.load_verify_key(provider.verify_key.encode("ascii")),
        protocol.load_sign_key(platform.sealer.open(provider.sign_key_sealed).encode("ascii")),
    )
    with _KEYS_LOCK:
        _KEYS[provider.id] = (provider.verify_key, provider.sign_key_sealed, keys)
    return keys
