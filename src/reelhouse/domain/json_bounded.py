"""One JSON reader for every document that comes from outside: Main API and facade bodies,
game API bodies, wallet answers, and (on the operator side) callbacks.

Every bound is checked before the work it protects:

- size (`max_bytes`, the caller's limit) before decoding;
- nesting depth (MAX_JSON_DEPTH) by a linear scan before the parser recurses, so a document
  nested 60,000 deep is refused in one pass instead of overflowing the stack;
- each number's text (MAX_JSON_NUMBER_CHARS) and exponent (MAX_JSON_EXPONENT) before it is
  converted, so `1e999999` never becomes a Decimal whose arithmetic takes minutes, and a
  5,000-digit integer never reaches `int()`; integers must also fit in 64 bits (every
  integer any of our protocols carries does, and the database stores no wider);
- keys: a duplicated key is refused (two parsers may keep different copies);
- text: a lone UTF-16 surrogate (`"\\ud800"`) is refused, since it cannot be stored or
  encoded as UTF-8 later.

Fractions and exponents become Decimal, never float; NaN and Infinity are refused. Pure: no
I/O, the same bytes always give the same result or the same JsonError.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import accumulate

from reelhouse.domain.limits import (
    MAX_JSON_DEPTH,
    MAX_JSON_EXPONENT,
    MAX_JSON_NUMBER_CHARS,
)

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class JsonError(ValueError):
    """Bytes that are not one well-formed JSON document within our bounds."""


# The checks before parsing work on the text outside strings, found with whole-text
# operations (no per-character Python loop, no regex that backtracks on an unterminated
# string): drop every escape pair, then every other piece between quotes is outside a string.
# Numbers, brackets and literals are all there is outside strings.
_ESCAPE_PAIR = re.compile(r"\\.", re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# A run of number characters longer than the bound, whatever it would parse as.
_LONG_NUMBER = re.compile(rf"[-+0-9.eE]{{{MAX_JSON_NUMBER_CHARS + 1},}}")
# An exponent whose value is beyond the bound (leading zeros allowed: the run is bounded).
_EXPONENT = re.compile(r"[eE][-+]?0*([0-9]+)")
# A whole integer token of 19 digits or more: the only ones that may be beyond 64 bits.
_LONG_INTEGER = re.compile(r"(?<![-+0-9.eE])-?[0-9]{19,}(?![0-9.eE])")

# A `\uD800`-`\uDFFF` escape that is not half of a surrogate pair (once escaped
# backslashes are removed, every `\u` left is a real escape).
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def outside_strings(text: str) -> str:
    """`text` without its JSON strings (an unterminated one runs to the end)."""
    return "".join(_ESCAPE_PAIR.sub("", text).split('"')[::2])


def nesting_depth(outside: str) -> int:
    """How deep arrays and objects nest, from the text outside strings."""
    steps = map(_DEPTH_STEP.__getitem__, _BRACKET.findall(outside))
    return max(accumulate(steps), default=0)


def number_problem(outside: str) -> str | None:
    """What is wrong with the numbers in the text outside strings, if anything."""
    if _LONG_NUMBER.search(outside):
        return f"a number longer than {MAX_JSON_NUMBER_CHARS} characters"
    for match in _EXPONENT.finditer(outside):
        if int(match.group(1)) > MAX_JSON_EXPONENT:
            return f"a number with an exponent beyond {MAX_JSON_EXPONENT}"
    for match in _LONG_INTEGER.finditer(outside):
        if not INT64_MIN <= int(match.group()) <= INT64_MAX:
            return "an integer outside 64 bits"
    return None


def has_lone_surrogate(text: str) -> bool:
    return "\\u" in text and _LONE_SURROGATE.search(text.replace("\\\\", "")) is not None


def _refuse_constant(name: str) -> object:
    raise JsonError(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise JsonError("duplicate key in object")
    return result


def loads(body: bytes, max_bytes: int) -> object:
    """Parse one UTF-8 JSON document within the bounds above, or raise JsonError."""
    if len(body) > max_bytes:
        raise JsonError(f"a document of {len(body)} bytes (at most {max_bytes})")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8: {exc}") from exc
    outside = outside_strings(text)
    if nesting_depth(outside) > MAX_JSON_DEPTH:
        raise JsonError(f"nested deeper than {MAX_JSON_DEPTH}")
    problem = number_problem(outside)
    if problem is not None:
        raise JsonError(problem)
    if has_lone_surrogate(text):
        raise JsonError("text with a lone surrogate escape")
    try:
        # Every number token is now at most MAX_JSON_NUMBER_CHARS long with a bounded
        # exponent, so the C parser's own int() and Decimal() are cheap.
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object,
        )
    except JsonError:
        raise
    except (ValueError, RecursionError) as exc:
        raise JsonError(str(exc)) from exc
