"""backoffice_ops: game maintenance, closed game sessions, callback test history, API errors

Revision ID: 0015_backoffice_ops
Revises: 0014_backoffice_users
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_backoffice_ops"
down_revision = "0014_backoffice_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("game_sessions") as batch:
        batch.add_column(sa.Column("closed_at_utc", sa.DateTime(), nullable=True))
    op.create_table(
        "game_maintenance",
        sa.Column("game_code", sa.String(64), primary_key=True),
        sa.Column("operator_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("since_utc", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "callback_tests",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
    )
    op.create_index("ix_callback_tests_operator", "callback_tests", ["operator_id", "id"])
    op.create_table(
        "api_errors",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("endpoint", sa.String(64), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(300), nullable=False),
    )
    op.create_index("ix_api_errors_operator", "api_errors", ["operator_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_api_errors_operator", table_name="api_errors")
    op.drop_table("api_errors")
    op.drop_index("ix_callback_tests_operator", table_name="callback_tests")
    op.drop_table("callback_tests")
    op.drop_table("game_maintenance")
    with op.batch_alter_table("game_sessions") as batch:
        batch.drop_column("closed_at_utc")
