"""stricter rules: an operator's overlay that tightens its launches' jurisdiction profile,
copied to each launch and then to the session it opens (domain/stricter_rules.py)

Revision ID: 0021_stricter_rules
Revises: 0020_operator_currencies
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_stricter_rules"
down_revision = "0020_operator_currencies"
branch_labels = None
depends_on = None

# Tables that gain the overlay, as JSON text; NULL on their existing rows means none: those
# rows play under their profile alone, as they did.
STRICTER_TABLES = ("operators", "launch_tokens", "game_sessions")


def upgrade() -> None:
    for table in STRICTER_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("stricter_rules", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in reversed(STRICTER_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("stricter_rules")
