"""back office users and their sessions

Revision ID: 0006_backoffice
Revises: 0002
Create Date: 2026-11-22 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_backoffice"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backoffice_users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until_utc", sa.DateTime(), nullable=True),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.Column("last_login_at_utc", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "backoffice_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at_utc", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["backoffice_users.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("backoffice_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_backoffice_sessions_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("backoffice_sessions")
    op.drop_table("backoffice_users")
