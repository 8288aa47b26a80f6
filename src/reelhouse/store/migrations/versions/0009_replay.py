"""replay: each round keeps the win cap that applied when it was played

Revision ID: 0009_replay
Revises: 0008_hardening
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_replay"
down_revision = "0008_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable and added in place (no table rebuild): NULL is "no cap applied".
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("win_cap_minor", sa.BigInteger(), nullable=True))
    # Rounds played before: a round a cap cut paid exactly that cap, the only record of it;
    # a round no cap cut is checked as uncapped (its paid win must be its awarded win).
    op.execute("UPDATE rounds SET win_cap_minor = win_minor WHERE win_capped")


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("win_cap_minor")
