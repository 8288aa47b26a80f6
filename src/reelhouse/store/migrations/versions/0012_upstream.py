"""upstream: providers Reelhouse aggregates, their games, and their transactions

Revision ID: 0012_upstream
Revises: 0011_call_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_upstream"
down_revision = "0011_call_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("protocol", sa.String(32), nullable=False),
        sa.Column("base_url", sa.String(2048), nullable=False),
        sa.Column("verify_key", sa.Text(), nullable=False),
        sa.Column("sign_key_sealed", sa.Text(), nullable=False),
        sa.Column("answer_deadline_ms", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.Column("updated_at_utc", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "provider_games",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("provider_id", sa.Integer(), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("game_code", sa.String(128), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(200), nullable=True),
        sa.Column("platforms", sa.String(64), nullable=False),
        sa.Column("blocked_countries", sa.Text(), nullable=False),
        sa.Column("thumbnail_url", sa.String(2048), nullable=True),
        sa.Column("background_url", sa.String(2048), nullable=True),
        sa.Column("product", sa.String(200), nullable=True),
        sa.Column("freebet_support", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_at_utc", sa.DateTime(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("first_seen_at_utc", sa.DateTime(), nullable=False),
        sa.Column("synced_at_utc", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("provider_id", "game_code"),
    )
    op.create_table(
        "operator_providers",
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), primary_key=True),
        sa.Column("provider_id", sa.Integer(), sa.ForeignKey("providers.id"), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at_utc", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "upstream_transactions",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("provider_id", sa.Integer(), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("transaction_ref", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("reference_ref", sa.String(128), nullable=True),
        sa.Column("player_id", sa.BigInteger(), sa.ForeignKey("players.id"), nullable=True),
        sa.Column("round_id", sa.BigInteger(), nullable=True),
        sa.Column("call_id", sa.BigInteger(), nullable=True),
        sa.Column("cancelled_first", sa.Boolean(), nullable=False),
        sa.Column("answer_status", sa.String(32), nullable=True),
        sa.Column("answer_balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("provider_id", "transaction_ref"),
    )
    op.create_index("ix_upstream_transactions_round_id", "upstream_transactions", ["round_id"])
    # The provider columns are nullable, with no foreign key: on PostgreSQL adding one would
    # scan the largest table under lock; only the relay writes them.
    # An upstream game's id is `<provider>/<code>`, longer than Reelhouse's own codes. On
    # PostgreSQL a longer varchar changes the catalogue only (no rewrite); SQLite rebuilds
    # the two tables (it does not enforce the length, but the schema says what is kept).
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("upstream_round_ref", sa.String(128), nullable=True))
        batch.alter_column("game_code", type_=sa.String(200), existing_type=sa.String(64))
    with op.batch_alter_table("game_sessions") as batch:
        batch.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        batch.alter_column("game_code", type_=sa.String(200), existing_type=sa.String(64))


def downgrade() -> None:
    with op.batch_alter_table("game_sessions") as batch:
        batch.alter_column("game_code", type_=sa.String(64), existing_type=sa.String(200))
        batch.drop_column("provider_id")
    with op.batch_alter_table("rounds") as batch:
        batch.alter_column("game_code", type_=sa.String(64), existing_type=sa.String(200))
        batch.drop_column("upstream_round_ref")
        batch.drop_column("provider_id")
    op.drop_index("ix_upstream_transactions_round_id", "upstream_transactions")
    op.drop_table("upstream_transactions")
    op.drop_table("operator_providers")
    op.drop_table("provider_games")
    op.drop_table("providers")
