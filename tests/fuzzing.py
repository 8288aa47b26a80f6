"""Hypothesis strategies for hostile bytes: random documents and mutations of valid ones.

A mutation starts from bytes a correct peer would send (a signed callback, a valid request
body, a wallet's answer) and breaks one thing, so the input gets past the first checks and
reaches the deeper ones: a value swapped for a huge exponent or a 5,000-digit number, a key
duplicated, deep nesting, text that is not ASCII or not even encodable, flipped or cut bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

# Values that have broken JSON readers and the code behind them.
HOSTILE_NUMBERS = [
    "1e999999",
    "-1e999990",
    "1E+999999999",
    "1e-999999",
    "9" * 5000,
    "-" + "9" * 41,
    "1" * 40,
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1e40",
    "1e41",
    "0e999999",
    "-0",
    "0.000000001",
    "12.345",
    "-1.00",
    "1e15",
    "NaN",
    "Infinity",
    "-Infinity",
    "1.",
    ".5",
    "01",
    "0x10",
]
HOSTILE_TEXTS = [
    '"\\ud800"',
    '"\\udc00x"',
    '"\\ud83d\\ude00"',
    '"\\u0000"',
    '"é"',
    '"тест"',
    '"\uff11\uff12"',  # fullwidth digits (isdigit() but not ASCII)
    '"²"',
    '""',
    '" 1 "',
    '"' + "a" * 70 + '"',
    '"' + "9" * 30 + '"',
    '"1e999999"',
    '"NaN"',
    '"-1"',
]
HOSTILE_STRUCTURES = [
    "[" * 33 + "]" * 33,
    "[" * 30000 + "]" * 30000,
    '{"a":' * 40 + "1" + "}" * 40,
    "[" * 60000,
    "{}",
    "[]",
    "null",
    "true",
    '{"a":1,"a":2}',
]
HOSTILE_VALUES = HOSTILE_NUMBERS + HOSTILE_TEXTS + HOSTILE_STRUCTURES

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str).map(json.loads)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def value_texts(draw: st.DrawFn) -> str:
    """The text of one JSON value: mostly hostile, else random and well formed."""
    if draw(st.integers(min_value=0, max_value=3)):
        return draw(st.sampled_from(HOSTILE_VALUES))
    return json.dumps(draw(json_values))


# A scalar token in a JSON text: a string (with escapes), a number, or a literal.
_SCALAR = re.compile(rb'"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null')


def object_text(pairs: list[tuple[str, str]]) -> str:
    """An object written from (key, value text) pairs, duplicates kept as given."""
    return "{" + ",".join(f"{json.dumps(key)}:{value}" for key, value in pairs) + "}"


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    """`valid` with one thing broken (or, now and then, left as it is)."""
    how = draw(st.integers(min_value=0, max_value=11))
    tokens = list(_SCALAR.finditer(valid))
    numbers = [token for token in tokens if token.group()[:1] in b"-0123456789"]
    try:
        doc: Any = json.loads(valid)
    except ValueError:
        doc = None
    # The likeliest mutations keep the rest of the document valid, so the hostile value
    # reaches the code that reads it (an amount, a balance, an id).
    if how <= 2 and numbers:
        token = draw(st.sampled_from(numbers))
        new = draw(st.sampled_from(HOSTILE_NUMBERS)).encode()
        return valid[: token.start()] + new + valid[token.end() :]
    if how <= 4 and tokens:
        # One scalar (a key or a value) swapped for another value's text.
        token = draw(st.sampled_from(tokens))
        new = draw(value_texts()).encode("utf-8", "surrogatepass")
        return valid[: token.start()] + new + valid[token.end() :]
    how -= 2
    if how == 3 and isinstance(doc, dict) and doc:
        # A key sent twice, with the copies disagreeing.
        pairs = [(key, json.dumps(value)) for key, value in doc.items()]
        key = draw(st.sampled_from(sorted(doc)))
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(value_texts())))
        return object_text(pairs).encode("utf-8", "surrogatepass")
    if how == 4 and isinstance(doc, dict):
        # A member added, removed or re-typed.
        pairs = [(key, json.dumps(value)) for key, value in doc.items()]
        if pairs and draw(st.booleans()):
            pairs.pop(draw(st.integers(0, len(pairs) - 1)))
        else:
            pairs.append((draw(st.text(max_size=12)), draw(value_texts())))
        return object_text(pairs).encode("utf-8", "surrogatepass")
    if how == 5:
        # Nested inside itself, deeper than any reader should follow.
        depth = draw(st.sampled_from([1, 31, 32, 33, 200, 20000]))
        return b"[" * depth + valid + b"]" * depth
    if how == 6 and valid:
        # A byte flipped, or a stretch removed, or the end cut off.
        at = draw(st.integers(0, len(valid) - 1))
        if draw(st.booleans()):
            return valid[:at] + bytes([draw(st.integers(0, 255))]) + valid[at + 1 :]
        return valid[:at] + valid[at + draw(st.integers(0, 8)) :]
    if how == 7:
        # Bytes inserted: random, or a hostile value's text.
        at = draw(st.integers(0, len(valid)))
        extra = draw(st.binary(max_size=8) | st.sampled_from(HOSTILE_VALUES).map(str.encode))
        return valid[:at] + extra + valid[at:]
    if how == 8:
        return draw(value_texts()).encode("utf-8", "surrogatepass")
    return valid


def hostile_bodies(valid: list[bytes]) -> st.SearchStrategy[bytes]:
    """Random bytes, random JSON, and mutations of the given valid bodies."""
    mutations = st.sampled_from(valid).flatmap(mutated)
    return st.one_of(
        st.binary(max_size=200),
        value_texts().map(lambda text: text.encode("utf-8", "surrogatepass")),
        mutations,
        mutations,
        mutations,
    )


hostile_headers = st.dictionaries(
    st.sampled_from(
        [
            "Callback-Token",
            "X-Reelhouse-Timestamp",
            "X-Reelhouse-Signature",
            "X-Signature",
            "Content-Type",
            "callback-token",
        ]
    ),
    st.text(max_size=70) | st.sampled_from(["1767225600", "", "é", "\x00", "9" * 30]),
    max_size=4,
)
