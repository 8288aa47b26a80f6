"""display units: an operator's default display unit per currency (mBTC for BTC...),
copied to each launch, which may name its own, and then to the session it opens, whose
player sees and bets in it (domain/display_units.py, services/operator_currencies.py)

Revision ID: 0023_display_units
Revises: 0022_round_currency
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_display_units"
down_revision = "0022_round_currency"
branch_labels = None
depends_on = None

# Tables that gain the unit's ASCII code ("mBTC", never the symbol); NULL on their existing
# rows means none: those rows show the base currency, as they did. `operators` holds its
# first currency's, `operator_currencies` each further currency's.
DISPLAY_UNIT_TABLES = ("operators", "operator_currencies", "launch_tokens", "game_sessions")


def upgrade() -> None:
    for table in DISPLAY_UNIT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("display_unit", sa.String(8), nullable=True))


def downgrade() -> None:
    for table in reversed(DISPLAY_UNIT_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("display_unit")
