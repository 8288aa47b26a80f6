"""Drop-in from the operator's side: an operator already integrated with SlotCity v4 or
iGamingAce points its existing client (tests/contract/api_clients.py) and its existing
wallet (tests/contract/wallets.py), both written from the public contracts alone, at
Reelhouse, and changes nothing else. Over real HTTP, on SQLite and PostgreSQL, in each
dialect: the player launches and plays; the wallet keeps its money in doubles and answers
with float noise and fields Reelhouse does not know; every answer the client reads parses
with the contract's types; and the wallet's books and Reelhouse's agree to the minor unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from reelhouse.api.app import create_app
from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dispatch.transport import HttpxTransport
from reelhouse.domain.clock import FakeClock
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.models import Round
from reelhouse.store.secrets import new_key_text

from ..harness import GAME, fake_start
from ..igamingace_clients import game_api, open_game
from ..operator_kit.casino_helpers import serve
from .api_clients import SLOTCITY_LANG_CODES, IGamingAceA, IGamingAceB, SlotCityMainApi
from .test_api_contract import api_time
from .wallets import DIALECTS, PATHS, WALLETS, ContractWallet, Keys, Looseness

OPERATOR = "faithful_casino"
PROVIDER = 1
OPENING = 100.0
ROUNDS = 12
BET = "1.00"
# Money compared as the wallet keeps it: doubles, so to well under a minor unit.
FLOAT_SLACK = 1e-6
WRITTEN_BALANCE = re.compile(r'"balance": ?(-?[0-9][0-9.eE+-]*)')


@dataclass
class DropIn:
    platform: Platform
    clock: FakeClock
    reelhouse_url: str
    wallet: ContractWallet
    api_token: str
    secret_key: str | None


@contextmanager
def dropped_in(database_url: str, dialect: str) -> Iterator[DropIn]:
    """Reelhouse with one operator whose wallet is the contract wallet of `dialect`, as loose
    as real ones: float noise in every balance and fields the contracts do not list."""
    wallet = WALLETS[dialect](Looseness(noise=True, extra_fields=True))
    clock = FakeClock(fake_start())
    with serve(wallet.app(), lifespan="off") as wallet_url:
        port = free_port()
        settings = Settings(
            database_url=database_url,
            secret_key=new_key_text(),
            public_base_url=f"http://127.0.0.1:{port}",
            allow_private_callbacks=True,
        )
        transport = HttpxTransport(5.0, allow_private=True)  # a loaded machine is not a fault
        platform = build_platform(settings, clock=clock, transport=transport)
        issued = operators.create_operator(
            platform,
            operators.NewOperator(
                name=OPERATOR,
                currency="USD",
                callback_url=wallet_url + PATHS[dialect],
                dialect=dialect,
                min_bet_minor=10,
                max_bet_minor=100_000,
                approved=True,
            ),
        )
        # The operator pastes the keys from Reelhouse's back office into its wallet.
        wallet.keys = Keys(
            issued.callback_token, issued.api_token, issued.secret_key or "", OPERATOR
        )
        server = ServerThread(create_app(platform), port=port).start()
        try:
            yield DropIn(platform, clock, server.url, wallet, issued.api_token, issued.secret_key)
        finally:
            server.stop()
            platform.close()
            transport.close()


def launch(drop: DropIn, dialect: str, account: str) -> str:
    """The launch URL, asked for the way each contract's client asks."""
    if dialect == "slotcity-v4":
        slotcity = SlotCityMainApi(drop.reelhouse_url, drop.api_token)
        try:
            user_code = slotcity.user_create(account)
            return slotcity.game_url(
                user_code=str(user_code),
                provider_id=PROVIDER,
                game_symbol=GAME,
                lang=SLOTCITY_LANG_CODES["ko"],
                is_finish_jackpot=False,
            )
        finally:
            slotcity.close()
    if dialect == "igamingace-a":
        flavour_a = IGamingAceA(drop.reelhouse_url, drop.api_token)
        try:
            flavour_a.link(account)
            game_id = next(g["gameId"] for g in flavour_a.games(PROVIDER) if g["name"])
            return flavour_a.launch(playerId=account, providerId=PROVIDER, gameId=game_id)
        finally:
            flavour_a.close()
    assert drop.secret_key is not None
    flavour_b = IGamingAceB(drop.reelhouse_url, drop.api_token, OPERATOR, drop.secret_key)
    try:
        game_id = next(g["gameID"] for g in flavour_b.game_list() if g["name"])
        return flavour_b.user_auth(account, game_id, lang="th")
    finally:
        flavour_b.close()


def reelhouse_net_minor(platform: Platform) -> int:
    """What Reelhouse's rounds took from the player, net, in minor units."""
    # Read straight from the database: the last round's win, acknowledged, is written first
    # (dispatch/ack_batch.py; the Main API does the same before it answers).
    platform.wallet.write_pending_acks()
    with platform.db.transaction() as session:
        rounds = session.scalars(select(Round)).all()
        assert all(r.state == "settled" for r in rounds), [r.state for r in rounds]
        return sum(r.win_minor - r.bet_minor for r in rounds)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_contract_faithful_operator_switches_by_changing_a_url_and_keys(
    database_url: str, tmp_path: Path, dialect: str
) -> None:
    with dropped_in(database_url, dialect) as drop:
        account = "Player01"
        drop.wallet.open(account, "USD", OPENING)
        session = open_game(launch(drop, dialect, account))
        assert Decimal(state_balance(drop, session)) == Decimal("100.00")
        for _ in range(ROUNDS):
            result = spin_ok(drop, session)
            # The balance shown is the wallet's double rounded to the cent: never the noise.
            assert Decimal(result["balance"]).as_tuple().exponent == -2
        net_minor = reelhouse_net_minor(drop.platform)
        wallet_net = drop.wallet.balance(account) - OPENING
        assert abs(wallet_net * 100 - net_minor) < FLOAT_SLACK, (wallet_net, net_minor)
        shown = Decimal(state_balance(drop, session))
        assert shown == Decimal(OPENING * 100 + net_minor) / 100
        # Every non-zero balance the wallet wrote was noisy: its form decided nothing.
        written = [float(b) for a in drop.wallet.answers for b in WRITTEN_BALANCE.findall(a)]
        assert len(written) >= 2 * ROUNDS
        assert all(b == 0 or round(b, 2) != b for b in written), written


def test_the_slotcity_feed_reads_strictly_after_a_noisy_wallet(
    database_url: str, tmp_path: Path
) -> None:
    with dropped_in(database_url, "slotcity-v4") as drop:
        drop.wallet.open("feedplayer", "USD", OPENING)
        session = open_game(launch(drop, "slotcity-v4", "feedplayer"))
        for _ in range(3):
            spin_ok(drop, session)
        drop.clock.advance(seconds=30)  # past the feed's settle lag
        now = drop.clock.now()
        client = SlotCityMainApi(drop.reelhouse_url, drop.api_token)
        try:
            window = client.transactions(
                api_time(now - dt.timedelta(minutes=30)),
                api_time(now + dt.timedelta(minutes=30)),
                0,
                20,
            )
        finally:
            client.close()
        assert len(window) == 6
        last = window[-1]
        expected = Decimal(str(round(drop.wallet.balance("feedplayer"), 2)))
        assert last["balance"] == expected


def spin_ok(drop: DropIn, session: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{drop.reelhouse_url}/api/game/spin",
        json={"bet": BET},
        headers={"Authorization": f"Bearer {session}"},
        timeout=30,
    ).json()
    assert answer["code"] == 0 and answer["data"]["state"] == "settled", answer
    data: dict[str, Any] = answer["data"]
    return data


def state_balance(drop: DropIn, session: str) -> str:
    balance: str = game_api(drop.reelhouse_url, session, "GET", "/api/game/state")["balance"]
    return balance
