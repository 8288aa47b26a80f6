"""free round grants; capped and free rounds; sessions by activity

Revision ID: 0003_reporting_freerounds
Revises: 0002
Create Date: 2026-11-22 12:00:00

Statistics are computed from indexed queries (docs/operations.md): the transaction
aggregates use ix_wallet_calls_operator_acked (0002) and the rounds' primary key, so no
counter row is written on the spin path. `/v4/game/online-games` uses the new
ix_game_sessions_operator_activity.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_reporting_freerounds"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "free_round_grants",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("game_code", sa.String(length=64), nullable=False),
        sa.Column("bet_minor", sa.BigInteger(), nullable=False),
        sa.Column("rounds_total", sa.Integer(), nullable=False),
        sa.Column("rounds_used", sa.Integer(), nullable=False),
        sa.Column("win_cap_minor", sa.BigInteger(), nullable=False),
        sa.Column("won_minor", sa.BigInteger(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("expires_at_utc", sa.DateTime(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.Column("updated_at_utc", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"]),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("operator_id", "external_id"),
    )
    with op.batch_alter_table("free_round_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_free_round_grants_player_game", ["player_id", "game_code"], unique=False
        )
    # Plain ADD COLUMNs (nullable, or with a constant default): no table rewrite on PostgreSQL.
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("free_round_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("awarded_win_minor", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("win_capped", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("game_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_game_sessions_operator_activity",
            ["operator_id", "last_activity_at_utc"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("game_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_game_sessions_operator_activity")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("win_capped")
        batch_op.drop_column("awarded_win_minor")
        batch_op.drop_column("free_round_id")
    with op.batch_alter_table("free_round_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_free_round_grants_player_game")
    op.drop_table("free_round_grants")
