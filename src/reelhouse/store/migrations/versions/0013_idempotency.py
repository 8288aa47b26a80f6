"""idempotency: the Main API's Idempotency-Key, its request and its answer

Revision ID: 0013_idempotency
Revises: 0012_upstream
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_idempotency"
down_revision = "0012_upstream"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), nullable=False),
        sa.Column("route", sa.String(128), nullable=False),
        sa.Column("idem_key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("answer_body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("operator_id", "route", "idem_key"),
    )
    op.create_index("ix_idempotency_keys_created_at_utc", "idempotency_keys", ["created_at_utc"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at_utc", "idempotency_keys")
    op.drop_table("idempotency_keys")
