"""The foundation's promise, end to end over real HTTP, in every wallet dialect: 200 rounds
from the Main API to the demo casino's wallet and back, and the money agrees on both sides to
the minor unit, call by call, in the transaction feed and in a reconciliation."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from reelhouse.domain.limits import FEED_SETTLE_SECONDS
from reelhouse.domain.money import currency, to_minor
from reelhouse.domain.states import CallState, RoundState
from reelhouse.services import ledger_export
from reelhouse.services.reconcile import reconcile
from reelhouse.store.models import Round, WalletCall
from tests.harness import DIALECTS, GAME, LEDGER_KIND, Stack, reelhouse_id, running_stack

ROUNDS = 200
# A player id every dialect accepts (iGamingAce B: 4-48 alphanumerics, no underscore).
PLAYER = "e2eplayer1"
# How each dialect opens a round: one call for bet and win where the protocol has one.
# Every dialect opens a round with a bet by default: the wallet accepts or refuses it before
# it can see the win (iGamingAce's betwin is an operator's opt-in, tests/test_reconcile.py).
OPENING = {"slotcity-v4": "bet", "igamingace-a": "bet", "igamingace-b": "bet"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_two_hundred_rounds_agree_with_the_casino_ledger(
    dialect: str, database_url: str, tmp_path: Path
) -> None:
    with running_stack(database_url, tmp_path, dialect=dialect) as stack:
        bots = stack.bots()
        user_code = bots.fund_player(PLAYER, "USD", "500.00")
        start = bots.casino_balance(PLAYER)
        session_token = bots.open_session(user_code, GAME)
        tally = bots.play(session_token, ROUNDS, ["0.10", "0.50", "1.00", "2.00"], seed=7)
        assert tally.rounds == ROUNDS, tally.refused
        end = bots.casino_balance(PLAYER)
        assert end == start - tally.bets + tally.wins

        # Read straight from the database: the last round's acknowledged win is written
        # first (a moment later it would be anyway, dispatch/ack_batch.py).
        stack.platform.wallet.write_pending_acks()
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
        opening = {c.round_id: c.kind for c in calls if c.trans_type == 1}
        assert set(opening.values()) == {OPENING[dialect]}

        ledger = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
        assert casino_view(dialect, ledger) == ours_on_the_wire(calls, rounds)
        assert sum(r.bet_minor for r in rounds) == int(tally.bets * 100)
        assert sum(r.win_minor for r in rounds) == int(tally.wins * 100)
        with ledger_export.http_client() as client:
            fetch = ledger_export.from_url(f"{stack.casino.url}/api/ledger", client)
            report = reconcile(stack.platform, "casino_one", stack.clock.now().date(), fetch)
        assert report.ok and report.items == [], [i.to_json() for i in report.items]
        assert report.matched == report.reelhouse_calls == 2 * ROUNDS
        check_feed_balances(stack, user_code, int(start * 100), int(end * 100))


def casino_view(dialect: str, ledger: list[dict[str, Any]]) -> dict[int | None, tuple[Any, ...]]:
    return {
        reelhouse_id(dialect, str(row["trans_guid"])): (
            row["kind"],
            row["amount_minor"],
            row.get("win_amount_minor"),
        )
        for row in ledger
    }


def ours_on_the_wire(calls: Any, rounds: Any) -> dict[int | None, tuple[Any, ...]]:
    """Every call Reelhouse put on the wire, as the casino must have recorded it. The win of
    a round opened with bet_win travelled inside it: no call, no ledger row of its own."""
    win_of = {r.id: r.win_minor for r in rounds}
    single_call = {c.round_id for c in calls if c.kind == "bet_win"}
    return {
        c.id: (
            LEDGER_KIND[c.kind],
            c.amount_minor,
            win_of[c.round_id] if c.kind == "bet_win" else None,
        )
        for c in calls
        if not (c.kind == "win" and c.round_id in single_call)
    }


def check_feed_balances(stack: Stack, user_code: int, start_minor: int, end_minor: int) -> None:
    """The cursor feed lists a bet and a win for every round, and their balances chain from
    the player's first balance to the last, whichever dialect carried them."""
    stack.clock.advance(seconds=FEED_SETTLE_SECONDS + 1)
    answer = httpx.post(
        f"{stack.reelhouse.url}/v4/game/transaction-id",
        json={"last_id": 0, "limit": 2000},
        headers={"Authorization": f"Bearer {stack.api_token}"},
    )
    # Money is exact JSON numbers: read as Decimals, never floats.
    items = json.loads(answer.text, parse_float=Decimal)["data"]
    assert len(items) == 2 * ROUNDS
    assert {item["user_code"] for item in items} == {user_code}
    balance = start_minor
    for item in items:
        pre, amount, after = (_minor(item[k]) for k in ("prebalance", "trans_amount", "balance"))
        assert pre == balance, item
        assert after == pre + (amount if item["trans_type"] == 2 else -amount), item
        balance = after
    assert balance == end_minor


def _minor(amount: Decimal | int) -> int:
    return to_minor(amount, currency("USD"))
