"""Structured logs: one JSON object per line on stderr.

Every `extra={...}` a module passes becomes a field, so the dispatcher's
`round_id, trans_id, command, outcome, duration_ms` are searchable as they are. A record that
carries a `round_id` also gets `correlation_id` (the same value): it follows one round
through its bet, win or cancel, retries, and any manual action, across processes.

Integers beyond 2^53 (our 63-bit ids) are written as strings: many JSON tools read numbers
as doubles and would silently change the id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from typing import Any

LEVEL_ENV = "REELHOUSE_LOG_LEVEL"
JSON_SAFE_INTEGER = 2**53

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD_FIELDS = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}


def _json_safe(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= JSON_SAFE_INTEGER else value
    return str(value)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
        document: dict[str, Any] = {
            "ts": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_FIELDS and not key.startswith("_"):
                document[key] = _json_safe(value)
        if "round_id" in document and document["round_id"] is not None:
            document["correlation_id"] = str(document["round_id"])
        if record.exc_info:
            document["exc"] = self.formatException(record.exc_info)
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def configure_logging(level: str | None = None) -> None:
    """JSON lines on stderr for every logger that propagates to the root (all of
    Reelhouse's). Idempotent: the root's handlers are replaced, not added to."""
    chosen = (level or os.environ.get(LEVEL_ENV, "INFO")).upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(chosen)
