"""Upstream protocols by name: a provider's row names the protocol its adapter speaks.

Every module of this package that names a descriptor `PROVIDER` (a `base.UpstreamProtocol`)
is one protocol; they are found here, so adding a protocol is adding its module (and its
tests). Modules without one (`base`, a protocol's wire facts) are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import reelhouse.providers
from reelhouse.providers.base import UpstreamProtocol


def _discover() -> dict[str, UpstreamProtocol[Any, Any]]:
    found: dict[str, UpstreamProtocol[Any, Any]] = {}
    for module_name in sorted(m.name for m in pkgutil.iter_modules(reelhouse.providers.__path__)):
        if module_name == "registry":
            continue
        module = importlib.import_module(f"reelhouse.providers.{module_name}")
        protocol = getattr(module, "PROVIDER", None)
        if protocol is None:
            continue
        assert isinstance(protocol, UpstreamProtocol), f"{module_name}.PROVIDER is not one"
        assert protocol.name not in found, f"two upstream protocols are named {protocol.name!r}"
        found[protocol.name] = protocol
    return found


_PROTOCOLS = _discover()

PROTOCOL_NAMES: tuple[str, ...] = tuple(_PROTOCOLS)


class UnknownProtocol(ValueError):
    """A protocol name no module implements: a configuration error."""


def get_protocol(name: str) -> UpstreamProtocol[Any, Any]:
    try:
        return _PROTOCOLS[name]
    except KeyError:
        raise UnknownProtocol(
            f"unknown upstream protocol {name!r}; known: {', '.join(PROTOCOL_NAMES)}"
        ) from None
