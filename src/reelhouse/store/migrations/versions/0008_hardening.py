"""hardening: one linear history from here; calls pinned to their dialect; single-call rounds
become an operator opt-in

Revision ID: 0008_hardening
Revises: 0003_reporting_freerounds, 0004_dialect_credentials, 0006_backoffice, 0007_demo_play
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_hardening"
# The features before this one added their tables on branches of their own; this revision
# joins them, and every later migration follows it in one line.
down_revision = (
    "0003_reporting_freerounds",
    "0004_dialect_credentials",
    "0006_backoffice",
    "0007_demo_play",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wallet_calls") as batch:
        batch.add_column(sa.Column("dialect", sa.String(32), nullable=True))
    # Calls written before this revision go out in their operator's dialect, as they did.
    op.execute(
        "UPDATE wallet_calls SET dialect = "
        "(SELECT operators.dialect FROM operators WHERE operators.id = wallet_calls.operator_id)"
    )
    with op.batch_alter_table("operators") as batch:
        batch.add_column(
            sa.Column("single_call_rounds", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("operators") as batch:
        batch.drop_column("single_call_rounds")
    with op.batch_alter_table("wallet_calls") as batch:
        batch.drop_column("dialect")
