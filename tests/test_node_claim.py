"""Processes sharing a database never share an id node: each claims its own at start, a
configured node already held stops the second process, and a released node is free again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reelhouse.domain.ids import MAX_NODE
from reelhouse.store.db import Database
from reelhouse.store.node_claim import NodeClaim, NodeUnavailable, claim_node


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def test_claims_take_different_nodes_and_a_held_node_is_refused(db: Database) -> None:
    claims: list[NodeClaim] = []
    try:
        claims = [claim_node(db, None) for _ in range(4)]
        assert len({claim.node for claim in claims}) == 4
        with pytest.raises(NodeUnavailable, match=f"node {claims[0].node} is held"):
            claim_node(db, claims[0].node)
        claims[0].release()
        again = claim_node(db, claims[0].node)
        claims[0] = again
    finally:
        for claim in claims:
            claim.release()


def test_when_every_node_is_held_a_process_cannot_start(tmp_path: Path) -> None:
    # SQLite alone: holding 64 PostgreSQL connections would crowd the shared test server.
    db = Database(f"sqlite:///{tmp_path / 'rh.db'}")
    claims = [claim_node(db, None) for _ in range(MAX_NODE + 1)]
    try:
        assert sorted(claim.node for claim in claims) == list(range(MAX_NODE + 1))
        with pytest.raises(NodeUnavailable, match="all 64"):
            claim_node(db, None)
    finally:
        for claim in claims:
            claim.release()
        db.dispose()
