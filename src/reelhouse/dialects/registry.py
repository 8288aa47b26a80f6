"""Dialects by name: an operator account stores the name of the protocol its wallet speaks."""

from __future__ import annotations

from reelhouse.dialects.base import Dialect
from reelhouse.dialects.igamingace_a import IGAMINGACE_A
from reelhouse.dialects.igamingace_b import IGAMINGACE_B
from reelhouse.dialects.slotcity_v4 import SLOTCITY_V4

_DIALECTS: dict[str, Dialect] = {
    SLOTCITY_V4.name: SLOTCITY_V4,
    IGAMINGACE_A.name: IGAMINGACE_A,
    IGAMINGACE_B.name: IGAMINGACE_B,
}

# The names an operator may choose, in a stable order.
DIALECT_NAMES: tuple[str, ...] = tuple(_DIALECTS)


class UnknownDialect(ValueError):
    """A dialect name no module implements: a configuration error."""


def get_dialect(name: str) -> Dialect:
    try:
        return _DIALECTS[name]
    except KeyError:
        raise UnknownDialect(
            f"unknown wallet dialect {name!r}; known: {', '.join(DIALECT_NAMES)}"
        ) from None
