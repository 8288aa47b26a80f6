"""Structured logs: one JSON object per line on stderr.

Every `extra={...}` a module passes becomes a field, so the dispatcher's
`round_id, trans_id, command, outcome, duration_ms` are searchable as they are. A record that
carries a `round_id` also gets `correlation_id` (the same value): it follows one round
through its bet, win or cancel, retries, and any manual action, across processes.

Ids (fields named `id` or ending in `_id`) are always written as text, and so is any other
integer beyond 2^53: many JSON tools read numbers as doubles and would silently change an id
made by an earlier version (63 bits), and one form per field keeps a search for an id simple.

Bearer secrets never reach a log line: launch tokens (`/play/<token>`), game session tokens
(`/play/s/<token>`), round-details link tokens (`/round/<id>/<token>`) and query values whose
name looks secret are replaced by `~` and 8 hex digits of their SHA-256, enough to follow one
session through the lines, useless to replay it. uvicorn's access and error loggers get a
filter (whatever their format); our JSON lines are redacted as they are formatted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import sys
from typing import Any

LEVEL_ENV = "REELHOUSE_LOG_LEVEL"
JSON_SAFE_INTEGER = 2**53

# Attributes every LogRecord has; anything else on a record came from `extra`. uvicorn's
# `color_message` (its message again, with terminal colour codes) is left out too.
_STANDARD_FIELDS = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName", "color_message"}


# A path segment that is a bearer secret: what precedes it, then the secret.
# A tag (`~` first) is never tagged again, so redacting twice changes nothing; nor is a route
# template's placeholder (`{` first: `/play/{launch_token}`, in access lines): tokens are
# URL-safe base64, never `{`.
_SECRET_SEGMENT = re.compile(r"(/play/s/|/play/|/round/[^/?#\s]+/)([^~{/?#\s\"'][^/?#\s\"']*)")
# A query parameter whose name says it carries a secret.
_SECRET_QUERY = re.compile(
    r"([?&][^=&#\s]*(?:token|key|secret|sign|pass|session|auth)[^=&#\s]*=)([^~&#\s\"'][^&#\s\"']*)",
    re.IGNORECASE,
)
TAG_HEX_DIGITS = 8
# Loggers that write request lines: uvicorn's access log and its error log.
REDACTED_LOGGERS = ("uvicorn.access", "uvicorn.error")


def _tag(secret: str) -> str:
    return "~" + hashlib.sha256(secret.encode()).hexdigest()[:TAG_HEX_DIGITS]


def redact(text: str) -> str:
    """The text with every bearer secret in a URL or path replaced by its tag."""
    text = _SECRET_SEGMENT.sub(lambda m: m.group(1) + _tag(m.group(2)), text)
    return _SECRET_QUERY.sub(lambda m: m.group(1) + _tag(m.group(2)), text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and string arguments with `redact` (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            args = record.args.items()
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in args}
        return True


def install_redaction() -> None:
    """Idempotent: uvicorn's request loggers get the filter once. uvicorn's own logging set-up
    (it runs when a server is configured) keeps a logger's filters."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


def _json_safe(value: Any) -> Any:
    if isinstance(value, str):  # a URL in a field is redacted like one in the message
        return redact(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= JSON_SAFE_INTEGER else value
    return str(value)


def _id_text(key: str, value: Any) -> Any:
    is_id = key == "id" or key.endswith("_id")
    if is_id and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _json_safe(value)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
        document: dict[str, Any] = {
            "ts": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_FIELDS and not key.startswith("_"):
                document[key] = _id_text(key, value)
        if "round_id" in document and document["round_id"] is not None:
            document["correlation_id"] = str(document["round_id"])
        if record.exc_info:
            document["exc"] = redact(self.formatException(record.exc_info))
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
