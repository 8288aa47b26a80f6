"""backoffice users: disabled users, TOTP second factor, one-time invitation and reset links

Revision ID: 0014_backoffice_users
Revises: 0013_idempotency
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_backoffice_users"
down_revision = "0013_idempotency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("backoffice_users") as batch:
        batch.add_column(sa.Column("disabled_at_utc", sa.DateTime(), nullable=True))
        # Sealed with the deployment key: a code is checked against the secret itself.
        batch.add_column(sa.Column("totp_secret_sealed", sa.Text(), nullable=True))
        batch.add_column(sa.Column("totp_enabled_at_utc", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.create_table(
        "backoffice_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("backoffice_users.id"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.Column("expires_at_utc", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_backoffice_links_user_id", "backoffice_links", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_backoffice_links_user_id", table_name="backoffice_links")
    op.drop_table("backoffice_links")
    with op.batch_alter_table("backoffice_users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at_utc")
        batch.drop_column("totp_secret_sealed")
        batch.drop_column("disabled_at_utc")
