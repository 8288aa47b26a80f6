"""Stricter rules of an operator: an overlay that tightens a jurisdiction profile and can
never loosen it (docs/jurisdictions.md, "Stricter rules of an operator").

A profile holds only what public sources state (domain/jurisdictions.py). An operator whose
licence conditions are read more strictly sets, rule by rule, its own value; a session's
rules are then, rule by rule, the stricter of its profile's value and the overlay's
(`Profile.tightened`). So whichever profile a launch picks (its `jurisdiction`, its
`country`, the operator's), the overlay only ever tightens it.

What "stricter" means for each rule is the table `RULES`; every value is bounded and typed
before it is worked on (1012 otherwise, nothing changed). Pure: no I/O."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from reelhouse.domain import json_bounded
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import SESSION_TIME_LIMIT_MAX_MINUTES

Overlay = Mapping[str, bool | int]
EMPTY: Overlay = MappingProxyType({})

# Bounds of the numeric rules. A minute between rounds is far past any market's figure; a
# reality check later than a session's longest life would never come; 10,000 rounds is more
# than any autoplay run a market allows.
MIN_ROUND_INTERVAL_MAX_MS = 60_000
REALITY_CHECK_MAX_MINUTES = SESSION_TIME_LIMIT_MAX_MINUTES
AUTOPLAY_MAX_ROUNDS_MAX = 10_000
# An hour's break after a reality check is twelve times the one market rule that sets one.
BREAK_MAX_MINUTES = 60

# Bounds on what is read before it is parsed: one `RULE=VALUE` typed on the command line,
# the digits of a number in it, and the stored JSON (every rule at its longest fits).
MAX_ASSIGNMENT_CHARS = 64
MAX_NUMBER_DIGITS = 6
MAX_STORED_JSON_BYTES = 1024
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}", re.ASCII)
_YES = frozenset({"yes", "true"})
_NO = frozenset({"no", "false"})


class Stricter(StrEnum):
    """Which way a rule tightens."""

    FALSE = "false"  # a permission: not allowed is stricter
    TRUE = "true"  # a duty to show the player something: shown is stricter
    LARGER = "larger"  # a least time: longer is stricter; None (none) loosest
    SMALLER = "smaller"  # a most (rounds, minutes): fewer is stricter; None (none) loosest


@dataclass(frozen=True)
class Rule:
    stricter: Stricter
    # The bounds of a number rule, both included (unused for a flag).
    low: int = 0
    high: int = 0

    @property
    def is_flag(self) -> bool:
        return self.stricter in (Stricter.FALSE, Stricter.TRUE)

    def rank(self, value: bool | int | None) -> float:
        """How strict `value` is: the larger, the stricter (the one order every rule is
        compared in, so the table alone says what stricter means)."""
        if self.stricter is Stricter.FALSE:
            return 0 if value else 1
        if self.stricter is Stricter.TRUE:
            return 1 if value else 0
        if value is None:  # no limit at all: looser than any figure
            return float("-inf")
        return value if self.stricter is Stricter.LARGER else -value

    def stricter_of(self, current: bool | int | None, overlay: bool | int) -> bool | int | None:
        """The stricter of a profile's value and the overlay's (the profile's on a tie)."""
        return overlay if self.rank(overlay) > self.rank(current) else current

    def checked(self, name: str, value: object) -> bool | int:
        """`value` as this rule takes it, else 1012. JSON's true is no number, nor 1 a flag."""
        if self.is_flag:
            if not isinstance(value, bool):
                raise _invalid(f"{name} must be true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(f"{name} must be an integer {self.low}-{self.high}")
        if not self.low <= value <= self.high:
            raise _invalid(f"{name} must be {self.low}-{self.high}")
        return value


# The rules an operator may tighten, in the order they are shown. The stake cap is not here:
# an operator already sets its own max bet per currency.
RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "autoplay_allowed": Rule(Stricter.FALSE),
        "autoplay_max_rounds": Rule(Stricter.SMALLER, 1, AUTOPLAY_MAX_ROUNDS_MAX),
        "turbo_allowed": Rule(Stricter.FALSE),
        "slam_stop_allowed": Rule(Stricter.FALSE),
        "bonus_buy_allowed": Rule(Stricter.FALSE),
        "celebrate_win_at_or_below_stake": Rule(Stricter.FALSE),
        "min_round_interval_ms": Rule(Stricter.LARGER, 0, MIN_ROUND_INTERVAL_MAX_MS),
        "show_rtp": Rule(Stricter.TRUE),
        "show_elapsed_time": Rule(Stricter.TRUE),
        "show_net_position": Rule(Stricter.TRUE),
        "reality_check_minutes": Rule(Stricter.SMALLER, 1, REALITY_CHECK_MAX_MINUTES),
        # A break with no reality check to follow never starts: set both, where needed.
        "break_after_reality_check_minutes": Rule(Stricter.LARGER, 1, BREAK_MAX_MINUTES),
    }
)


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def _rule(name: object) -> Rule:
    rule = RULES.get(name) if isinstance(name, str) else None
    if rule is None:
        shown = name[:MAX_ASSIGNMENT_CHARS] if isinstance(name, str) else type(name).__name__
        raise _invalid(f"no rule {shown!r} can be tightened; rules: {', '.join(RULES)}")
    return rule


def checked(raw: object) -> Overlay:
    """An overlay from outside (a mapping of rule names to values), every name and value
    checked; in the table's order. 1012 for anything else, before any of it is used."""
    if not isinstance(raw, Mapping):
        raise _invalid("stricter rules must be an object of rule names to values")
    # More entries than rules means a name is unknown: refused before any is looked at.
    if len(raw) > len(RULES):
        raise _invalid(f"at most {len(RULES)} stricter rules")
    found = {}
    for name, value in raw.items():
        found[name] = _rule(name).checked(name, value)
    return MappingProxyType({name: found[name] for name in RULES if name in found})


def from_assignments(assignments: Sequence[str]) -> Overlay:
    """An overlay typed as `RULE=VALUE` words (the command line): `yes`/`no`/`true`/`false`
    for a permission or a duty to show, a whole number for the others. A rule named twice,
    or anything `checked` refuses, is 1012."""
    if len(assignments) > len(RULES):
        raise _invalid(f"at most {len(RULES)} stricter rules")
    found: dict[str, bool | int] = {}
    for assignment in assignments:
        if len(assignment) > MAX_ASSIGNMENT_CHARS:
            raise _invalid(f"{assignment[:MAX_ASSIGNMENT_CHARS]!r}...: too long")
        name, equals, text = assignment.partition("=")
        if not equals:
            raise _invalid(f"{assignment!r}: write RULE=VALUE")
        rule = _rule(name)
        if name in found:
            raise _invalid(f"{name} is named twice")
        found[name] = rule.checked(name, _typed(rule, text.strip().lower()))
    return checked(found)


def _typed(rule: Rule, text: str) -> object:
    """The value a typed word stands for; the word itself where it stands for none (the
    rule's check then refuses it)."""
    if rule.is_flag:
        return True if text in _YES else False if text in _NO else text
    return int(text) if _DIGITS.fullmatch(text) else text


def merged(first: Overlay, second: Overlay) -> Overlay:
    """Both overlays at once: rule by rule the stricter (an operator's and a launch's). Both
    are overlays already (`checked`, `from_json`): nothing is checked again."""
    found: dict[str, bool | int] = dict(first)
    for name, value in second.items():
        kept = found.get(name)
        stricter = value if kept is None else RULES[name].stricter_of(kept, value)
        assert stricter is not None  # neither is None
        found[name] = stricter
    return MappingProxyType({name: found[name] for name in RULES if name in found})


def to_json(overlay: Overlay) -> str | None:
    """As stored (operators, launch_tokens, game_sessions `.stricter_rules`); None: none."""
    if not overlay:
        return None
    return json.dumps(dict(checked(overlay)), separators=(",", ":"))


def from_json(stored: str | None) -> Overlay:
    """The overlay a row holds (NULL: none), read through the same bounds as any input."""
    if stored is None:
        return EMPTY
    try:
        raw = json_bounded.loads(stored.encode(), MAX_STORED_JSON_BYTES)
    except json_bounded.JsonError as exc:
        raise _invalid(f"stored stricter rules: {exc}") from exc
    return checked(raw)


def described(overlay: Overlay) -> str:
    """One line for people: `turbo_allowed=no min_round_interval_ms=3000` ("none": empty)."""
    if not overlay:
        return "none"
    return " ".join(f"{name}={word(value)}" for name, value in overlay.items())


def word(value: bool | int | None) -> str:
    """A rule's value as the command line takes and shows it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
