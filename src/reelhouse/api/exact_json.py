"""JSON answers whose money is written as exact decimal numbers.

Money is integer minor units inside; an answer carries it as a `Decimal` with the
currency's decimals (`to_decimal`), and this renderer writes that Decimal's digits as a bare
JSON number (`12.30`), never through a float. FastAPI's own encoder turns a Decimal into a
float first (`0.1 + 0.2` territory), so routes that answer money return this response
directly. A float anywhere in an answer is a bug (money must not pass through one) and is
refused loudly rather than written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi.responses import JSONResponse

# Below 10^18 every integer fits 64 bits and every figure Reelhouse writes fits the number
# bound (domain/limits.py MAX_JSON_NUMBER_CHARS).
EXPONENT_FROM = Decimal(10) ** 18


def dumps(value: Any) -> str:
    """Compact JSON; Decimals as exact numbers in their own digits."""
    if value is None or isinstance(value, (bool, int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        # A figure past what bounded JSON readers take as digits (Reelhouse's own among them:
        # 40 characters, integers within 64 bits) is written with an exponent, still exact:
        # odds such as 1 in 7.556E+36, never money.
        if abs(value) >= EXPONENT_FROM:
            return format(value.normalize(), "E")
        return format(value, "f")
    if isinstance(value, Mapping):
        members = (
            f"{json.dumps(str(key), ensure_ascii=False)}:{dumps(item)}"
            for key, item in value.items()
        )
        return "{" + ",".join(members) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    raise TypeError(f"no exact JSON form for {type(value).__name__}")


class ExactJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")
