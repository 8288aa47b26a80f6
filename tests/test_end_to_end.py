"""The foundation's promise, end to end over real HTTP: 200 rounds from the Main API to the
demo casino's wallet and back, and the money agrees on both sides to the minor unit."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import select

from reelhouse.domain.states import CallState, RoundState
from reelhouse.store.models import Round, WalletCall
from tests.harness import GAME, running_stack

ROUNDS = 200


def test_two_hundred_rounds_agree_with_the_casino_ledger(database_url: str, tmp_path: Path) -> None:
    with running_stack(database_url, tmp_path) as stack:
        bots = stack.bots()
        user_code = bots.fund_player("e2e_player", "USD", "500.00")
        start = bots.casino_balance("e2e_player")
        session_token = bots.open_session(user_code, GAME)
        tally = bots.play(session_token, ROUNDS, ["0.10", "0.50", "1.00", "2.00"], seed=7)
        assert tally.rounds == ROUNDS, tally.refused
        end = bots.casino_balance("e2e_player")
        assert end == start - tally.bets + tally.wins

        with stack.platform.db.transaction() as session:
            rounds = session.scalars(select(Round)).all()
            calls = session.scalars(select(WalletCall)).all()
        assert len(rounds) == ROUNDS
        assert {r.state for r in rounds} == {RoundState.SETTLED}
        per_round = Counter((c.round_id, c.trans_type) for c in calls)
        assert set(per_round.values()) == {1}
        assert {t for _, t in per_round} == {1, 2}  # a bet and a win (0 on a loss) per round
        assert len(per_round) == 2 * ROUNDS
        assert {c.state for c in calls} == {CallState.ACKED}

        ledger = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
        casino_rows = {
            str(row["trans_guid"]): (row["kind"], Decimal(str(row["amount"]))) for row in ledger
        }
        ours = {str(c.id): (c.kind, Decimal(c.amount_minor).scaleb(-2)) for c in calls}
        assert casino_rows == ours
        assert sum(r.bet_minor for r in rounds) == int(tally.bets * 100)
        assert sum(r.win_minor for r in rounds) == int(tally.wins * 100)
