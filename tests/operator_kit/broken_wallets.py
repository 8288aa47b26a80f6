"""Wallet servers with one deliberate mistake each, built on the SDK like a real operator's:
the conformance suite must fail each one and name the scenario that caught it.

Each mistake wraps the reference `Wallet` (or the endpoint) and changes one thing, so the
rest of the wallet is right and only that mistake can fail the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.domain.clock import Clock, to_naive_utc
from reelhouse.domain.money import MoneyError, currency, to_decimal, to_minor
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS
from reelhouse.operator_kit.sdk import (
    CallbackEndpoint,
    Command,
    Op,
    Reply,
    UnknownOperation,
    Verdict,
    Wallet,
    adapter_names,
)
from reelhouse.operator_kit.sdk.models import EntryKind, LedgerEntry, Player, Tombstone


class Mistake:
    """The reference wallet, right in everything `apply` does not override."""

    def __init__(self, wallet: Wallet) -> None:
        self.wallet = wallet

    def apply(self, command: Command) -> Reply:
        return self.wallet.apply(command)

    def _entry(self, trans_id: str | None) -> LedgerEntry | None:
        with self.wallet.db.unit_of_work() as session:
            return session.scalar(select(LedgerEntry).where(LedgerEntry.trans_guid == trans_id))

    def move(self, account: str, delta_minor: int) -> Reply:
        """Move a balance with no ledger row and answer OK: what the mistakes do wrong."""
        with self.wallet.db.unit_of_work() as session:
            player = session.scalar(
                select(Player).where(Player.account == account).with_for_update()
            )
            assert player is not None
            player.balance_minor += delta_minor
            balance = to_decimal(player.balance_minor, currency(player.currency))
        return Reply(Verdict.OK, balance)


class DoubleDebit(Mistake):
    """A repeated bet is debited again."""

    def apply(self, command: Command) -> Reply:
        reply = self.wallet.apply(command)
        if command.op is Op.BET and reply.verdict is Verdict.ALREADY_PROCESSED:
            entry = self._entry(command.trans_id)
            assert entry is not None
            return self.move(command.account, -entry.amount_minor)
        return reply


class WinsNotIdempotent(Mistake):
    """A repeated win is credited again."""

    def apply(self, command: Command) -> Reply:
        reply = self.wallet.apply(command)
        if command.op is Op.WIN and reply.verdict is Verdict.ALREADY_PROCESSED:
            entry = self._entry(command.trans_id)
            assert entry is not None
            return self.move(command.account, entry.amount_minor)
        return reply


class CancelRefundsTwice(Mistake):
    """A cancel of a bet already cancelled refunds it again (same cancel or another)."""

    def apply(self, command: Command) -> Reply:
        reply = self.wallet.apply(command)
        again = reply.verdict in (Verdict.ALREADY_PROCESSED, Verdict.ALREADY_CANCELLED)
        if command.op is Op.CANCEL and again:
            target = self._entry(command.ref_trans_id)
            if target is not None and target.kind == EntryKind.BET:
                return self.move(command.account, target.amount_minor)
        return reply


class RoundsAmounts(Mistake):
    """Amounts go through a float and are rounded to one decimal: 0.07 becomes 0.1."""

    @staticmethod
    def _rounded(amount: Decimal | None) -> Decimal | None:
        if amount is None:
            return None
        return Decimal(round(float(amount), 1)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)

    def apply(self, command: Command) -> Reply:
        return self.wallet.apply(
            replace(
                command,
                amount=self._rounded(command.amount),
                win_amount=self._rounded(command.win_amount),
            )
        )


class ReadThenWrite(Mistake):
    """New bets read the balance in one transaction and write it in another, with no lock
    in between: concurrent bets overdraw and overwrite each other. Everything
    else (repeats, bets a cancel overtook, amounts too fine) goes to the reference.

    The window between read and write is made certain rather than lucky: after reading, a
    bet waits (at most RENDEZVOUS_SECONDS) until another bet has read too, so two concurrent
    bets always work from the same snapshot, as a slow real wallet would now and then."""

    RENDEZVOUS_SECONDS = 5.0

    def __init__(self, wallet: Wallet) -> None:
        super().__init__(wallet)
        self._reads = 0
        self._active = 0  # plain new bets between their read and their write
        self._changed = threading.Condition()

    def _meet_another_reader(self) -> None:
        """Odd readers wait for the next read while another bet is in flight; a bet that is
        alone goes on at once, so only concurrent bets are held together."""
        with self._changed:
            self._reads += 1
            mine = self._reads
            self._changed.notify_all()
            if mine % 2 == 1:
                self._changed.wait_for(
                    lambda: self._reads > mine or self._active <= 1,
                    timeout=self.RENDEZVOUS_SECONDS,
                )

    def _enter(self, delta: int) -> None:
        with self._changed:
            self._active += delta
            self._changed.notify_all()

    def _plain_new_bet(self, command: Command) -> bool:
        if command.op is not Op.BET or self._entry(command.trans_id) is not None:
            return False
        with self.wallet.db.unit_of_work() as session:
            player = session.scalar(select(Player).where(Player.account == command.account))
            revoked = session.get(Tombstone, command.trans_id) is not None
        if player is None or revoked or command.amount is None:
            return False
        try:
            to_minor(command.amount, currency(player.currency))
        except MoneyError:
            return False
        return True

    def apply(self, command: Command) -> Reply:
        if not self._plain_new_bet(command):
            return self.wallet.apply(command)
        assert command.amount is not None and command.trans_id is not None
        self._enter(+1)
        try:
            return self._read_then_write(command)
        finally:
            self._enter(-1)

    def _read_then_write(self, command: Command) -> Reply:
        assert command.amount is not None and command.trans_id is not None
        with self.wallet.db.unit_of_work() as session:
            player = session.scalar(select(Player).where(Player.account == command.account))
            assert player is not None
            snapshot, cur = player.balance_minor, currency(player.currency)
        self._meet_another_reader()
        amount = to_minor(command.amount, cur)
        if amount > snapshot:
            return Reply(Verdict.INSUFFICIENT_FUNDS, to_decimal(snapshot, cur))
        with self.wallet.db.unit_of_work() as session:
            player = session.scalar(select(Player).where(Player.account == command.account))
            assert player is not None
            player.balance_minor = snapshot - amount  # overwrites whatever landed meanwhile
            session.add(
                LedgerEntry(
                    trans_guid=command.trans_id,
                    kind=EntryKind.BET,
                    account=command.account,
                    currency=cur.code,
                    round_id=command.round_id,
                    amount_minor=amount,
                    balance_before_minor=snapshot,
                    balance_after_minor=snapshot - amount,
                    created_at=to_naive_utc(self.wallet.clock.now()),
                )
            )
        return Reply(Verdict.OK, to_decimal(snapshot - amount, cur))


class SlowBets(Mistake):
    """Every bet takes `seconds` to answer (on the injected timer, not on wall time)."""

    def __init__(self, wallet: Wallet, advance: Callable[[float], None], seconds: float) -> None:
        super().__init__(wallet)
        self._advance = advance
        self._seconds = seconds

    def apply(self, command: Command) -> Reply:
        if command.op is Op.BET:
            self._advance(self._seconds)
        return self.wallet.apply(command)


class TokenNotChecked(CallbackEndpoint):
    """Reads callbacks without checking who sent them: the token in the request is taken
    as the right one, and signatures are not checked."""

    def read(
        self, headers: Mapping[str, str], body: bytes, operation: str | None = None
    ) -> Command | CallbackRejection:
        sent_token = {k.lower(): v for k, v in headers.items()}.get("callback-token")
        trusting = replace(self.keys(), callback_token=sent_token or "anything")
        return self.adapter.read(
            headers,
            body,
            trusting,
            int(self.clock.now().timestamp()),
            operation=operation,
            require_signature=False,
        )


MISTAKES: dict[str, type[Mistake] | None] = {
    "double-debit": DoubleDebit,
    "wins-not-idempotent": WinsNotIdempotent,
    "cancel-refunds-twice": CancelRefundsTwice,
    "token-not-checked": None,  # the endpoint's mistake, not the ledger's
    "negative-under-concurrency": ReadThenWrite,
    "rounds-amounts": RoundsAmounts,
}


def broken_app(
    mistake: Mistake,
    keys: CallbackCredentials | Callable[[], CallbackCredentials],
    clock: Clock,
    *,
    trust_anyone: bool = False,
) -> FastAPI:
    """The demo casino's callback routes over a broken wallet (no admin API: tests open
    accounts on `mistake.wallet` directly)."""
    app = FastAPI()
    endpoint_class = TokenNotChecked if trust_anyone else CallbackEndpoint
    for name in adapter_names():
        endpoint = endpoint_class(mistake, name, keys, clock=clock)
        suffix = "" if endpoint.adapter.operations is None else "/{operation}"
        app.add_api_route(CALLBACK_PATHS[name] + suffix, _route(endpoint), methods=["POST"])
    return app


def _route(endpoint: CallbackEndpoint) -> Callable[[Request], Any]:
    async def callback(request: Request) -> Response:
        body = await request.body()
        operation = request.path_params.get("operation")
        try:
            answer = await run_in_threadpool(endpoint.answer, request.headers, body, operation)
        except UnknownOperation:
            return JSONResponse({}, status_code=404)
        return Response(answer, media_type="application/json")

    return callback
