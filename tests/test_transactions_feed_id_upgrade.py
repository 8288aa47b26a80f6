"""The cursor feed across the change of id layout: rows written with 63-bit ids (earlier
versions) come first, then rows with today's ids (below 2^53), each once, whether the walk
starts at 0 or at an old `last_id` (docs/operations.md, "Ids after an upgrade")."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelhouse.domain import ids
from reelhouse.domain.states import CallState
from tests.faults import FaultTransport, calls, faulty_stack, session_for, settle_time, spin
from tests.harness import Stack


class OldLayoutIds:
    """Ids as earlier versions made them: far above 2^53, increasing."""

    def __init__(self) -> None:
        self._next = itertools.count(385_487_011_831_533_569)

    def next_id(self) -> int:
        return next(self._next)


@pytest.fixture
def rig(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, FaultTransport]]:
    with faulty_stack(database_url, tmp_path) as pair:
        yield pair


def cursor_walk(stack: Stack, start: int = 0, limit: int = 10) -> list[int]:
    seen: list[int] = []
    last = start
    while True:
        page: Any = stack.call("/v4/game/transaction-id", {"last_id": last, "limit": limit})
        assert page["code"] == 0, page
        if not page["data"]:
            return seen
        seen += [item["trans_id"] for item in page["data"]]
        last = seen[-1]


def play(stack: Stack, name: str, rounds: int) -> None:
    token = session_for(stack, name)
    for _ in range(rounds):
        assert spin(stack, token)["code"] == 0


def test_the_cursor_walks_old_ids_then_new_ones_each_once(
    rig: tuple[Stack, FaultTransport], monkeypatch: pytest.MonkeyPatch
) -> None:
    stack, _ = rig
    with monkeypatch.context() as patched:
        patched.setattr(ids, "_default", OldLayoutIds())
        play(stack, "alice", 6)
    play(stack, "bob", 6)
    settle_time(stack)

    acked = [c.id for c in calls(stack) if c.state == CallState.ACKED]
    old = sorted(i for i in acked if i >= 2**53)
    new = sorted(i for i in acked if i < 2**53)
    assert old and new
    assert cursor_walk(stack) == old + new
    # A consumer that stopped at an old id goes on to the rest, then the new ids.
    assert cursor_walk(stack, start=old[0]) == old[1:] + new
    assert cursor_walk(stack, start=old[-1]) == new
    assert cursor_walk(stack, start=new[0]) == new[1:]
    assert cursor_walk(stack, start=new[-1]) == []
