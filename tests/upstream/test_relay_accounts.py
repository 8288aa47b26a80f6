"""The relay's rules for providers whose calls name an account (Reelhouse's own dialects
upstream), at the service: an upstream SlotCity v4 Reelhouse has played one round through
it; then SlotCity callbacks made by hand, signed with the account's callback token, ask
what only such a provider asks (a transaction's status) or what the relay must refuse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import func, select

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import CommandKind, WalletCommand
from reelhouse.services import relay
from reelhouse.store.models import Player, UpstreamTransaction, WalletCall
from tests.harness import GAME
from tests.upstream.dialect_rig import PROVIDER_NAME, Aggregation, aggregation

CALLBACK_PATH = "/slotcity-v4/callback"
UNSEEN_ID = 7_000_000_001


@pytest.fixture
def chain(database_url: str, upstream_database_url: str, tmp_path: Path) -> Iterator[Aggregation]:
    with aggregation(
        database_url, upstream_database_url, tmp_path, "slotcity-v4", "igamingace-a"
    ) as chain:
        session = chain.launch("player1", "100.00")
        answer = chain.spin(session, "1.00")
        assert answer["code"] == 0 and answer["data"]["win"] != "0.00", answer
        yield chain


def _ask(chain: Aggregation, command: WalletCommand) -> dict[str, Any]:
    """A callback the upstream could send, answered by the relay's service."""
    creds = CallbackCredentials("http://upstream.invalid/", chain.upstream.account.callback_token)
    now_s = int(chain.clock.now().timestamp())
    request = slotcity_v4.encode_command(command, creds, now_s)
    answer = anyio.run(
        relay.answer_wallet_call,
        chain.stack.platform,
        PROVIDER_NAME,
        CALLBACK_PATH,
        dict(request.headers),
        request.body,
    )
    doc: dict[str, Any] = json.loads(answer.body)
    return doc


def _account(chain: Aggregation) -> str:
    with chain.stack.platform.db.transaction(read_only=True) as session:
        player = session.scalar(select(Player).where(Player.name == "player1"))
        assert player is not None
        return str(player.id)


def _upstream_calls(chain: Aggregation) -> dict[str, WalletCall]:
    """The upstream's own bet and win of its round, by kind."""
    with chain.upstream.platform.db.transaction(read_only=True) as session:
        return {c.kind: c for c in session.scalars(select(WalletCall))}


def _status_of(chain: Aggregation, account: str, trans_id: int) -> dict[str, Any]:
    return _ask(
        chain,
        WalletCommand(
            CommandKind.STATUS, account, "USD", trans_id=trans_id, cancel_trans_id=trans_id
        ),
    )


def test_status_reversals_of_wins_and_unknown_accounts(chain: Aggregation) -> None:
    """One chain for three rules (building it is most of the cost)."""
    account, calls = _account(chain), _upstream_calls(chain)
    # Status: answered from what the relay acknowledged, never relayed.
    for kind in ("bet", "win"):
        answer = _status_of(chain, account, calls[kind].id)
        assert answer["result"] == 0, answer
        assert answer["data"] == {
            "account": account,
            "trans_guid": str(calls[kind].id),
            "trans_status": "OK",
        }
    never_seen = _status_of(chain, account, UNSEEN_ID)
    assert never_seen["result"] == slotcity_v4.Result.TRANSACTION_NOT_FOUND
    # A reversal of a win: an error the provider retries, not 43 ("never seen: done"),
    # which would leave the win paid at the casino; nothing is written.
    win = calls["win"]
    before = _transactions(chain)
    cancel = WalletCommand(
        CommandKind.CANCEL, account, "USD", session_id=1, trans_id=UNSEEN_ID,
        round_id=win.round_id, amount_minor=win.amount_minor, cancel_trans_id=win.id,
        provider_id=1, game_code=GAME, game_type="slot", created_at_ms=1,
    )  # fmt: skip
    answer = _ask(chain, cancel)
    assert answer["result"] == slotcity_v4.Result.INTERNAL_ERROR, answer
    assert _transactions(chain) == before
    # An account the relay never launched at this provider is an unknown player: another
    # id, the casino's own name for the player, a number beyond any id.
    for stranger in ("999", "player1", "1" * 30):
        refused = _ask(chain, WalletCommand(CommandKind.BALANCE, stranger, "USD"))
        assert refused["result"] == slotcity_v4.Result.UNKNOWN_PLAYER, (stranger, refused)
    launched = _ask(chain, WalletCommand(CommandKind.BALANCE, account, "USD"))
    assert launched["result"] == 0 and launched["data"]["balance"] > 0, launched


def _transactions(chain: Aggregation) -> int:
    with chain.stack.platform.db.transaction(read_only=True) as session:
        return int(session.scalar(select(func.count()).select_from(UpstreamTransaction)) or 0)
