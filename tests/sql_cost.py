"""Counts what a piece of work costs the database: statements run and commits made."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

# Transaction control is counted as commits (or not at all), never as statements.
_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", re.I)


@dataclass
class SqlCost:
    statements: int = 0
    commits: int = 0
    # The statements by their first words ("SELECT rounds", "UPDATE wallet_calls"): what to
    # cut next when a budget is passed.
    by_kind: Counter[str] = field(default_factory=Counter)


def _kind(sql: str) -> str:
    words = sql.split()
    verb = words[0].upper() if words else "?"
    table = "?"
    for marker in ("FROM", "INTO", "UPDATE"):
        if marker in (w.upper() for w in words):
            index = [w.upper() for w in words].index(marker)
            if index + 1 < len(words):
                table = words[index + 1].strip('"')
                break
    return f"{verb} {table}"


@contextmanager
def counting(engine: Engine) -> Iterator[SqlCost]:
    cost = SqlCost()

    def on_statement(
        _conn: Any, _cursor: Any, sql: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if not _CONTROL.match(sql):
            cost.statements += 1
            cost.by_kind[_kind(sql)] += 1

    def on_commit(_conn: Any) -> None:
        cost.commits += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield cost
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
