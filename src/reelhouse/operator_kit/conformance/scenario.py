"""A scenario: a named script played against the wallet. Scenarios leave the test account's
balance as they found it when the wallet is right (every debit is won back or cancelled),
so the suite can run again and again on one funded account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reelhouse.operator_kit.conformance.context import Ctx


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    source: str  # "spec 3.n" or "extended"
    run: Callable[[Ctx], None]


def stake(ctx: Ctx) -> int:
    """A bet small enough that every scenario fits in the opening balance many times."""
    return max(1, ctx.opening // 50)
