"""spin indexes: the worker finds expired claims without walking every call ever made

Revision ID: 0010_spin_indexes
Revises: 0009_replay
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_spin_indexes"
down_revision = "0009_replay"
branch_labels = None
depends_on = None

# Only calls on the wire (or held by a process that may have died) are in it: a handful at
# any time, however many calls the table holds. SQLite and PostgreSQL both build partial
# indexes; the predicate is the one in store/models.py, word for word.
IN_FLIGHT = sa.text("state = 'in_flight'")


def upgrade() -> None:
    op.create_index(
        "ix_wallet_calls_claim_lease",
        "wallet_calls",
        ["lease_until_utc"],
        unique=False,
        sqlite_where=IN_FLIGHT,
        postgresql_where=IN_FLIGHT,
    )


def downgrade() -> None:
    op.drop_index("ix_wallet_calls_claim_lease", table_name="wallet_calls")
