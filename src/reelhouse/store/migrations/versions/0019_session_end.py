"""session end: why a game session ended before its time (domain/session_end.py)

Revision ID: 0019_session_end
Revises: 0017_jurisdictions
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_session_end"
down_revision = "0018_rg_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: sessions closed before (from the back office) keep no reason,
    # and a nullable column is added without rewriting the table on either database.
    with op.batch_alter_table("game_sessions") as batch:
        batch.add_column(sa.Column("end_reason", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("game_sessions") as batch:
        batch.drop_column("end_reason")
