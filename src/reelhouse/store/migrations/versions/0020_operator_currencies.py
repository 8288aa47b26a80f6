"""operator currencies: the currencies an operator offers beyond its first, with their bet
limits; the currency of each launch, session and player (services/operator_currencies.py)

Revision ID: 0020_operator_currencies
Revises: 0017_jurisdictions
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_operator_currencies"
down_revision = "0019_session_end"
branch_labels = None
depends_on = None

# Tables that gain a currency column; NULL on their existing rows means the operator's first
# currency (operators.currency), which is what those rows were played in.
CURRENCY_TABLES = ("launch_tokens", "game_sessions", "players")


def upgrade() -> None:
    op.create_table(
        "operator_currencies",
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operators.id"), primary_key=True),
        sa.Column("currency", sa.String(8), primary_key=True),
        sa.Column("min_bet_minor", sa.BigInteger(), nullable=False),
        sa.Column("max_bet_minor", sa.BigInteger(), nullable=False),
        sa.Column("max_win_minor", sa.BigInteger(), nullable=False),
        sa.Column("added_at_utc", sa.DateTime(), nullable=False),
    )
    for table in CURRENCY_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("currency", sa.String(8), nullable=True))
    # Every existing player's wallet account is in its operator's one currency: fix it there,
    # so adding a currency later cannot move an existing account's play into another.
    op.execute(
        "UPDATE players SET currency ="
        " (SELECT operators.currency FROM operators WHERE operators.id = players.operator_id)"
    )


def downgrade() -> None:
    for table in reversed(CURRENCY_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("currency")
    op.drop_table("operator_currencies")
