"""Dialect adapters: the thin layer between a dialect's operator-side codec and the wallet.

Each adapter does two things with its codec in `reelhouse.dialects`:

- `read`: verify a callback (token or signature, timestamp window where the protocol has
  one) and turn it into a dialect-neutral `Command`, or a `CallbackRejection` that already
  carries the protocol's refusal bytes;
- `encode`: turn the wallet's `Reply` into the protocol's answer bytes.

Adding a dialect is one module with one adapter object, registered here.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol

from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.operator_kit.sdk.commands import Command, Reply


class DialectAdapter(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def operations(self) -> frozenset[str] | None:
        """The path operations of a one-path-per-operation protocol (iGamingAce B), or
        None for one callback URL."""
        ...

    def read(
        self,
        headers: Mapping[str, str],
        body: bytes,
        keys: CallbackCredentials,
        now_unix_s: int,
        *,
        operation: str | None = None,
        require_signature: bool = True,
    ) -> Command | CallbackRejection: ...

    def encode(self, command: Command, reply: Reply) -> bytes: ...


def operator_keys(
    callback_token: str = "",
    api_token: str | None = None,
    secret_key: str | None = None,
    agent_id: str | None = None,
) -> CallbackCredentials:
    """The credentials an operator was given, as the codecs take them (no URL on this side):
    SlotCity checks `callback_token`, iGamingAce A the signature made with `api_token`,
    iGamingAce B the sign made with `secret_key` and, when given, its `agent_id`."""
    return CallbackCredentials("", callback_token, api_token, secret_key, agent_id)


_ADAPTERS: dict[str, DialectAdapter] = {}


def register(adapter: DialectAdapter) -> None:
    assert adapter.name not in _ADAPTERS, f"adapter {adapter.name} registered twice"
    _ADAPTERS[adapter.name] = adapter


class UnknownDialect(ValueError):
    pass


def adapter_for(name: str) -> DialectAdapter:
    _load()
    try:
        return _ADAPTERS[name]
    except KeyError:
        known = ", ".join(adapter_names())
        raise UnknownDialect(f"no operator adapter for {name!r}; known: {known}") from None


def adapter_names() -> tuple[str, ...]:
    _load()
    return tuple(_ADAPTERS)


# The adapter modules; each registers its adapter when imported.
ADAPTER_MODULES = ("slotcity", "igamingace_a", "igamingace_b")


def _load() -> None:
    # Imported on first use, not at the top: each adapter module imports this one to
    # register itself, so the registry must not depend on which was imported first.
    for module in ADAPTER_MODULES:
        importlib.import_module(f"reelhouse.operator_kit.sdk.{module}")
