"""Dialects by name: an operator account stores the name of the protocol its wallet speaks.

Every module of this package other than `base` and `registry` is one dialect and names its
descriptor `DIALECT` (a `base.CodecDialect`); they are found here, so adding a dialect is
adding its module (and its tests): nothing else lists them.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import reelhouse.dialects
from reelhouse.dialects.base import CodecDialect

_NOT_DIALECTS = frozenset({"base", "registry"})


def _discover() -> dict[str, CodecDialect[Any]]:
    found: dict[str, CodecDialect[Any]] = {}
    # Module names in sorted order, so the list an operator chooses from is stable.
    names = sorted(m.name for m in pkgutil.iter_modules(reelhouse.dialects.__path__))
    for module_name in names:
        if module_name in _NOT_DIALECTS:
            continue
        module = importlib.import_module(f"reelhouse.dialects.{module_name}")
        dialect = getattr(module, "DIALECT", None)
        assert isinstance(dialect, CodecDialect), f"{module_name} names no DIALECT"
        assert dialect.name not in found, f"two dialects are named {dialect.name!r}"
        found[dialect.name] = dialect
    return found


_DIALECTS = _discover()

# The names an operator may choose, in a stable order.
DIALECT_NAMES: tuple[str, ...] = tuple(_DIALECTS)


class UnknownDialect(ValueError):
    """A dialect name no module implements: a configuration error."""


def get_dialect(name: str) -> CodecDialect[Any]:
    try:
        return _DIALECTS[name]
    except KeyError:
        raise UnknownDialect(
            f"unknown wallet dialect {name!r}; known: {', '.join(DIALECT_NAMES)}"
        ) from None


def all_dialects() -> tuple[CodecDialect[Any], ...]:
    return tuple(_DIALECTS.values())
