"""63-bit ids, unique across a deployment and sortable by time (rounds, transactions).

Layout: 41 bits of milliseconds since 2024-01-01 UTC, 10 bits of node, 12 bits of sequence.
The node comes from REELHOUSE_NODE_ID when several processes share a database; otherwise a
random node is picked per process (the database's unique constraints catch the rare clash).
"""

from __future__ import annotations

import os
import secrets
import threading
import time

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NODE_BITS = 10
SEQUENCE_BITS = 12
MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1


class IdGenerator:
    def __init__(self, node: int | None = None) -> None:
        if node is None:
            configured = os.environ.get("REELHOUSE_NODE_ID")
            node = int(configured) if configured else secrets.randbelow(1 << NODE_BITS)
        assert 0 <= node < (1 << NODE_BITS)
        self._node = node
        self._last_ms = -1
        self._sequence = 0
        self._lock = threading.Lock()

    def next_id(self) -> int:
        with self._lock:
            now_ms = max(int(time.time() * 1000) - EPOCH_MS, self._last_ms)
            if now_ms == self._last_ms:
                self._sequence = (self._sequence + 1) & MAX_SEQUENCE
                if self._sequence == 0:
                    # Sequence exhausted within this millisecond: borrow the next one
                    # instead of sleeping; ids stay unique and monotonic.
                    now_ms += 1
            else:
                self._sequence = 0
            self._last_ms = now_ms
            return (
                (now_ms << (NODE_BITS + SEQUENCE_BITS))
                | (self._node << SEQUENCE_BITS)
                | (self._sequence)
            )


_default = IdGenerator()


def new_id() -> int:
    return _default.next_id()
