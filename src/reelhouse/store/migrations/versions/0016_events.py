"""events: operator events with a gapless sequence, and their webhooks

Revision ID: 0016_events
Revises: 0015_backoffice_ops
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_events"
down_revision = "0015_backoffice_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_streams",
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), primary_key=True),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("big_win_minor", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "operator_events",
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), primary_key=True),
        sa.Column("sequence", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_operator_events_created_at_utc", "operator_events", ["created_at_utc"])
    op.create_index(
        "ix_free_round_grants_state_expires", "free_round_grants", ["state", "expires_at_utc"]
    )
    op.create_table(
        "event_webhooks",
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("previous_secret_sealed", sa.Text(), nullable=True),
        sa.Column("previous_until_utc", sa.DateTime(), nullable=True),
        sa.Column("delivered_sequence", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at_utc", sa.DateTime(), nullable=False),
        sa.Column("lease_until_utc", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("updated_at_utc", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_webhooks")
    op.drop_index("ix_free_round_grants_state_expires", "free_round_grants")
    op.drop_index("ix_operator_events_created_at_utc", "operator_events")
    op.drop_table("operator_events")
    op.drop_table("event_streams")
