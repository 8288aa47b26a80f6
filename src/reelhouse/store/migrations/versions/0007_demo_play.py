"""demo play: fun-money sessions and rounds

Revision ID: 0007_demo_play
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_demo_play"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("launch_tokens") as batch:
        batch.add_column(sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("game_sessions") as batch:
        batch.add_column(sa.Column("demo_balance_minor", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("demo")
    with op.batch_alter_table("game_sessions") as batch:
        batch.drop_column("demo_balance_minor")
    with op.batch_alter_table("launch_tokens") as batch:
        batch.drop_column("demo")
