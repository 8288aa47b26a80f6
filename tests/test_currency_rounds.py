"""Currencies beyond the 2-decimal ones, end to end over real HTTP on SQLite: rounds in a
3-decimal ISO currency (JOD, never in Reelhouse's earlier hand-written table) and in an
8-decimal cryptocurrency (BTC, bet in mBTC), through every wallet dialect that can carry
them, with the money agreeing with the demo casino's ledger to the minor unit. A dialect
that writes 2 decimals (iGamingAce B) refuses such an operator at creation (2014). And the
command line: an operator created in SEK, a bogus code refused in one line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from reelhouse.domain.display_units import display_to_minor, display_unit
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.money import currency, format_fixed, to_minor
from reelhouse.domain.states import CallState, RoundState
from reelhouse.services import operators
from reelhouse.store.models import Operator, Round, WalletCall
from tests.harness import DIALECTS, GAME, Stack, reelhouse_id, running_stack

ROUNDS = 30
PLAYER = "e2ecurrency1"  # every dialect's player id form
CARRIES_ANY_DECIMALS = ("slotcity-v4", "igamingace-a")
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def switch_currency(stack: Stack, code: str, min_bet_minor: int, max_bet_minor: int) -> None:
    """The harness creates its operator in USD; this test's operator plays in `code`. Set
    before any player or round exists, so nothing was ever counted in USD."""
    with stack.platform.db.transaction() as session:
        operator = session.get(Operator, stack.operator_id)
        assert operator is not None
        operator.currency = currency(code).code
        operator.min_bet_minor, operator.max_bet_minor = min_bet_minor, max_bet_minor


def play_and_check(stack: Stack, code: str, funded: str, bets: list[str]) -> None:
    cur = currency(code)
    bots = stack.bots()
    info = bots.main_api("/v4/agent/info", {})
    assert info["currency_code"] == code
    user_code = bots.fund_player(PLAYER, code, funded)
    start = bots.casino_balance(PLAYER)
    token = bots.open_session(user_code, GAME)
    state = client_state(stack, token)
    assert state["currency"] == code and state["currency_exponent"] == cur.exponent
    assert state["balance"] == format_fixed(to_minor(funded, cur), cur)
    tally = bots.play(token, ROUNDS, bets, seed=11)
    assert tally.rounds == ROUNDS, tally.refused
    assert bots.casino_balance(PLAYER) == start - tally.bets + tally.wins

    # Straight from the database: the last round's acknowledged win is written first (a
    # moment later it would be anyway, dispatch/ack_batch.py).
    stack.platform.wallet.write_pending_acks()
    with stack.platform.db.transaction() as session:
        rounds = session.scalars(select(Round)).all()
        calls = session.scalars(select(WalletCall)).all()
    assert {r.state for r in rounds} == {RoundState.SETTLED} and len(rounds) == ROUNDS
    assert {c.state for c in calls} == {CallState.ACKED}
    assert sum(r.bet_minor for r in rounds) == to_minor(tally.bets, cur)
    assert sum(r.win_minor for r in rounds) == to_minor(tally.wins, cur)
    # The casino recorded every call with the amount Reelhouse holds, to the minor unit.
    ledger = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    theirs = {reelhouse_id(stack.dialect, str(r["trans_guid"])): r["amount_minor"] for r in ledger}
    assert theirs == {c.id: c.amount_minor for c in calls}


def client_state(stack: Stack, session_token: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{stack.reelhouse.url}/api/game/state",
        headers={"Authorization": f"Bearer {session_token}"},
    )
    envelope: dict[str, Any] = json.loads(answer.text, parse_float=Decimal)
    assert envelope["code"] == 0, envelope
    data: dict[str, Any] = envelope["data"]
    return data


# Bets use every decimal the currency has, each a multiple of the game's bet step (5 minor).
ISO_PLAY = {
    "JOD": ("250.000", ["0.005", "0.125", "1.000", "2.345"]),  # 3 decimals
    "JPY": ("250000", ["5", "125", "1000", "2345"]),  # 0 decimals
    "SEK": ("2500.00", ["0.05", "1.25", "10.00", "23.45"]),  # 2, not in the earlier table
}


@SQLITE
@pytest.mark.parametrize(
    ("dialect", "code"),
    [
        *((d, "JOD") for d in CARRIES_ANY_DECIMALS),
        *((d, "JPY") for d in DIALECTS),
        ("igamingace-b", "SEK"),
    ],
)
def test_rounds_in_iso_currencies(
    dialect: str, code: str, database_url: str, tmp_path: Path
) -> None:
    with running_stack(database_url, tmp_path, dialect=dialect) as stack:
        switch_currency(stack, code, min_bet_minor=5, max_bet_minor=10_000_000)
        play_and_check(stack, code, *ISO_PLAY[code])


@SQLITE
@pytest.mark.parametrize("dialect", CARRIES_ANY_DECIMALS)
def test_rounds_in_an_eight_decimal_crypto_bet_in_millibitcoin(
    dialect: str, database_url: str, tmp_path: Path
) -> None:
    with running_stack(database_url, tmp_path, dialect=dialect) as stack:
        switch_currency(stack, "BTC", min_bet_minor=5, max_bet_minor=10_000_000)
        # The player picks bets in mBTC; the ledger and the wire stay in BTC's satoshis.
        mbtc, btc = display_unit("mBTC"), currency("BTC")
        bets = [format_fixed(display_to_minor(b, mbtc), btc) for b in ("0.00005", "0.1", "2.5")]
        assert bets == ["0.00000005", "0.00010000", "0.00250000"]
        play_and_check(stack, "BTC", "0.5", bets)


@SQLITE
@pytest.mark.parametrize("code", ["JOD", "BTC", "CLF"])
def test_a_two_decimal_dialect_refuses_them_at_creation(
    code: str, database_url: str, tmp_path: Path
) -> None:
    with running_stack(database_url, tmp_path) as stack:
        spec = operators.NewOperator(
            name="two_decimals",
            currency=code,
            callback_url=f"{stack.casino.url}/callback",
            dialect="igamingace-b",
        )
        with pytest.raises(ReelhouseError) as refused:
            operators.create_operator(stack.platform, spec)
        assert refused.value.code is ApiCode.CURRENCY_NOT_SUPPORTED
        assert "at most 2 decimals" in refused.value.message
        with stack.platform.db.transaction() as session:
            assert session.scalar(select(Operator).where(Operator.name == "two_decimals")) is None
