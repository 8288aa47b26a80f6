"""call version: a wallet call's outcome is recorded from the row its sender already holds

Revision ID: 0011_call_version
Revises: 0010_spin_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_call_version"
down_revision = "0010_spin_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wallet_calls") as batch:
        # Every update of a call moves it on by one and is made only where it is still at
        # the number its writer read (store/models.py): the fence that lets the spin record
        # an outcome without reading the call again.
        batch.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        # How long the call's last attempt took: a call acknowledged at its first attempt
        # keeps that attempt on its own row instead of an attempt row.
        batch.add_column(sa.Column("last_duration_ms", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wallet_calls") as batch:
        batch.drop_column("last_duration_ms")
        batch.drop_column("version")
