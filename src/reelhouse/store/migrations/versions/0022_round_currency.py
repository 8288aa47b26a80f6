"""round currency: the currency of a round's amounts, on the round itself, so the events of
its settlement name it without reading anything more (store/events.py)

Revision ID: 0022_round_currency
Revises: 0021_stricter_rules
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_round_currency"
down_revision = "0021_stricter_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default and no backfill: adding it rewrites nothing (PostgreSQL changes the
    # catalogue only; SQLite's ALTER TABLE ADD COLUMN, batch mode recreates no table for it),
    # on the largest table. NULL on existing rows means the round's player's currency, which
    # is what it was played in (a player's currency never changes once fixed).
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("currency", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("currency")
