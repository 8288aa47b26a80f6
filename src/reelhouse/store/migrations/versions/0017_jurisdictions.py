"""jurisdictions: an operator's profile, a launch's and a session's, and the session's last
round start (domain/jurisdictions.py)

Revision ID: 0017_jurisdictions
Revises: 0016_events
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_jurisdictions"
down_revision = "0016_events"
branch_labels = None
depends_on = None


def _profile() -> sa.Column[str]:
    # Existing rows play under no market's rules, as they did.
    return sa.Column("jurisdiction", sa.String(16), nullable=False, server_default="default")


def upgrade() -> None:
    for table in ("operators", "launch_tokens"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_profile())
    with op.batch_alter_table("game_sessions") as batch:
        batch.add_column(_profile())
        batch.add_column(sa.Column("last_round_started_at_utc", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("game_sessions") as batch:
        batch.drop_column("last_round_started_at_utc")
        batch.drop_column("jurisdiction")
    for table in ("launch_tokens", "operators"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("jurisdiction")
