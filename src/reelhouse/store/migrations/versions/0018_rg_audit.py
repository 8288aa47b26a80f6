"""rg_audit: reality checks and session limits on game sessions, and the responsible-gaming
audit table (services/session_rules.py, services/rg_audit.py)

Revision ID: 0018_rg_audit
Revises: 0017_jurisdictions
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_rg_audit"
down_revision = "0017_jurisdictions"
branch_labels = None
depends_on = None

_LIMITS = ("time_limit_minutes", "loss_limit_minor")
_SESSION_ONLY = ("reality_check_answered_at_utc", "reality_check_shown_at_utc", "limit_reached")


def _limits() -> list[sa.Column[int]]:
    # Existing launches and sessions have no limits, as before.
    return [
        sa.Column("time_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("loss_limit_minor", sa.BigInteger(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("launch_tokens") as batch:
        for column in _limits():
            batch.add_column(column)
    with op.batch_alter_table("game_sessions") as batch:
        for column in _limits():
            batch.add_column(column)
        batch.add_column(sa.Column("reality_check_answered_at_utc", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reality_check_shown_at_utc", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("limit_reached", sa.String(16), nullable=True))
    op.create_table(
        "rg_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.BigInteger(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=True),
        sa.Column("jurisdiction", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_rg_audit_operator_at", "rg_audit", ["operator_id", "at_utc"])
    op.create_index("ix_rg_audit_session_id", "rg_audit", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_rg_audit_session_id", "rg_audit")
    op.drop_index("ix_rg_audit_operator_at", "rg_audit")
    op.drop_table("rg_audit")
    with op.batch_alter_table("game_sessions") as batch:
        for name in (*reversed(_SESSION_ONLY), *reversed(_LIMITS)):
            batch.drop_column(name)
    with op.batch_alter_table("launch_tokens") as batch:
        for name in reversed(_LIMITS):
            batch.drop_column(name)
