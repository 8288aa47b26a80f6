"""operators: sealed signing keys for the iGamingAce dialects

Revision ID: 0004_dialect_credentials
Revises: 0002
Create Date: 2026-11-23 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_dialect_credentials"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: existing operators (SlotCity v4) sign with neither key.
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_token_sealed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("secret_key_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_column("secret_key_sealed")
        batch_op.drop_column("api_token_sealed")
