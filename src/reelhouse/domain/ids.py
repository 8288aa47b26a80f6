"""Ids for rounds, transactions, sessions and players: unique across a deployment, sortable
by time, and below 2^53.

Why below 2^53: wallets and operator backends written in JavaScript read JSON numbers as
doubles, which hold every integer only up to 2^53; a larger id silently loses its last
digits there (and a wallet that signs the values it read then fails every signature).
iGamingAce A requires its ids to be JSON integers, so every id fits.

Layout of the 53 bits, high to low:

| bits | what | range |
|---|---|---|
| 38 | 10 ms ticks since 2024-01-01 UTC | 2^38 ticks = 87 years, until 2111 |
|  6 | node | 64 processes sharing a database |
|  9 | sequence within the tick | 512 ids per 10 ms per node |

So one node makes 51,200 ids a second at a steady rate. A burst beyond that does not wait:
when the sequence is exhausted within a tick, the generator borrows the next tick, so its
ids run ahead of the clock for a moment and stay unique and increasing.

The node comes from REELHOUSE_NODE_ID (0-63), or is the first free one; either way a serving
or dispatching process claims it for as long as it runs (store/node_claim.py), so processes
sharing a database never share a node. (A process that claims none, such as a command-line
tool, picks one at random; the database's unique constraints catch the rare clash.)
Ids written by earlier versions (41 bits of milliseconds, 10 of node, 12 of
sequence: up to 2^63) stay valid wherever they are stored; they are all above 2^53, so a new
id never equals one of them, but new ids sort before them.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
TICK_MS = 10
TIME_BITS = 38
NODE_BITS = 6
SEQUENCE_BITS = 9
ID_BITS = TIME_BITS + NODE_BITS + SEQUENCE_BITS
assert ID_BITS == 53, "every id must be exact in a JavaScript number"
MAX_NODE = (1 << NODE_BITS) - 1
MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1
ID_LIMIT = 1 << ID_BITS  # every id generated is below this
NODE_ENV = "REELHOUSE_NODE_ID"


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


def node_from_environment() -> int:
    configured = os.environ.get(NODE_ENV)
    if not configured:
        return secrets.randbelow(MAX_NODE + 1)
    node = int(configured)
    if not 0 <= node <= MAX_NODE:
        raise ValueError(f"{NODE_ENV} must be 0-{MAX_NODE}, not {configured}")
    return node


class IdGenerator:
    def __init__(
        self, node: int | None = None, clock_ms: Callable[[], int] = wall_clock_ms
    ) -> None:
        node = node_from_environment() if node is None else node
        assert 0 <= node <= MAX_NODE
        self._node = node
        self._clock_ms = clock_ms
        self._last_tick = -1
        self._sequence = 0
        self._lock = threading.Lock()

    def set_node(self, node: int) -> None:
        assert 0 <= node <= MAX_NODE
        with self._lock:
            self._node = node

    def next_id(self) -> int:
        with self._lock:
            # A clock that steps back does not take ids back with it.
            tick = max((self._clock_ms() - EPOCH_MS) // TICK_MS, self._last_tick)
            if tick == self._last_tick:
                self._sequence = (self._sequence + 1) & MAX_SEQUENCE
                if self._sequence == 0:
                    # Sequence exhausted within this tick: borrow the next one instead of
                    # sleeping; ids stay unique and increasing.
                    tick += 1
            else:
                self._sequence = 0
            assert 0 <= tick < (1 << TIME_BITS), "the id layout's 87 years have run out"
            self._last_tick = tick
            return (
                (tick << (NODE_BITS + SEQUENCE_BITS))
                | (self._node << SEQUENCE_BITS)
                | (self._sequence)
            )


_default = IdGenerator()


def configured_node() -> int | None:
    """REELHOUSE_NODE_ID, checked, or None when it is not set."""
    return node_from_environment() if os.environ.get(NODE_ENV) else None


def use_node(node: int) -> None:
    """Make this process's ids with `node` from now on (the node it claimed at start:
    store/node_claim.py). Called before the process makes any id."""
    _default.set_node(node)


def new_id() -> int:
    return _default.next_id()
