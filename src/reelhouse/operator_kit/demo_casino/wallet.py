"""The casino's side of SlotCity-v4 callbacks: checks, then the money movement.

Everything for one callback runs in one transaction holding the player's row lock (see
db.py), so checks and writes see the same balance.

Decisions a real operator has to take too, written down:

- Checks run in the order the request's `check` lists them, and the first failure is the
  answer (spec). The casino then still runs the checks its own safety needs for that
  command, listed or not: a request that forgot 41 must not be debited twice, one that
  forgot 31 must not drive a balance negative.
- An unknown player is answered 21 whatever the list says: no other check can run.
- A cancel whose target never arrived is answered 43 and leaves a tombstone (models.py):
  if the target arrives later it is answered 41 ("already processed") and moves nothing.
  Reelhouse reads 41 on a bet as "unknown" and cancels it - 43 again: both sides agree.
- A cancel reverses what the ledger recorded for its target: a bet is refunded, a win is
  taken back. Taking a win back may drive the balance below zero (the player may have bet
  it already); that debt is the casino's business, the reversal is a fact.
- A second cancel of the same transaction (another cancel id) is 41: done already.
- A cancel that names another player's transaction, a cancel, or a different amount is a
  protocol violation: 99, nothing changes, and the provider retries or alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.dialects.slotcity_v4 import Result, SlotCityCallback, encode_answer
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.money import MoneyError, currency, to_decimal, to_minor
from reelhouse.domain.wallet import CommandKind
from reelhouse.operator_kit.demo_casino.models import EntryKind, LedgerEntry, Player, Tombstone


@dataclass(frozen=True, slots=True)
class Reply:
    result: Result
    balance: Decimal | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        return encode_answer(self.result, self.balance, self.extra)


# The checks the casino runs whatever the request lists, after the listed ones.
_SAFETY_CHECKS: dict[CommandKind, tuple[Result, ...]] = {
    CommandKind.AUTHENTICATE: (),
    CommandKind.BALANCE: (),
    CommandKind.BET: (
        Result.PLAYER_INACTIVE,
        Result.DUPLICATE_TRANSACTION,
        Result.INSUFFICIENT_FUNDS,
    ),
    CommandKind.WIN: (Result.DUPLICATE_TRANSACTION,),
    CommandKind.CANCEL: (Result.DUPLICATE_TRANSACTION, Result.CANCEL_TARGET_NOT_FOUND),
    CommandKind.STATUS: (Result.TRANSACTION_NOT_FOUND,),
}

_KIND_BY_COMMAND = {
    CommandKind.BET: EntryKind.BET,
    CommandKind.WIN: EntryKind.WIN,
    CommandKind.CANCEL: EntryKind.CANCEL,
}


@dataclass(slots=True)
class _Call:
    """One callback being handled: the request, the locked player, the time."""

    session: Session
    callback: SlotCityCallback
    player: Player
    amount_minor: int | None
    now: dt.datetime  # naive UTC, as stored

    def reply(self, result: Result, extra: dict[str, str] | None = None) -> Reply:
        balance = to_decimal(self.player.balance_minor, currency(self.player.currency))
        return Reply(result, balance, extra or {})

    def entry(self, trans_guid: str | None) -> LedgerEntry | None:
        if trans_guid is None:
            return None
        return self.session.scalar(select(LedgerEntry).where(LedgerEntry.trans_guid == trans_guid))

    def seen(self, trans_guid: str | None) -> bool:
        """Processed before: applied, or refused for good by a cancel that came first."""
        if trans_guid is None:
            return False
        return self.entry(trans_guid) is not None or (
            self.session.get(Tombstone, trans_guid) is not None
        )


def handle_callback(session: Session, callback: SlotCityCallback, now: dt.datetime) -> Reply:
    player = session.scalar(
        select(Player).where(Player.account == callback.account).with_for_update()
    )
    if player is None:
        return Reply(Result.UNKNOWN_PLAYER)
    amount_minor = None
    if callback.amount is not None:
        try:
            amount_minor = to_minor(callback.amount, currency(player.currency))
        except MoneyError:
            return Reply(Result.INTERNAL_ERROR)  # more decimals than the player's currency
    call = _Call(session, callback, player, amount_minor, to_naive_utc(now))
    for check in (*callback.checks, *_SAFETY_CHECKS[callback.kind]):
        failure = _CHECKS[check](call)
        if failure is not None:
            return failure
    return _APPLY[callback.kind](call)


# --- checks: None when the check passes, else the answer ---------------------------------


def _check_active(call: _Call) -> Reply | None:
    return None if call.player.active else Reply(Result.PLAYER_INACTIVE)


def _check_funds(call: _Call) -> Reply | None:
    if call.amount_minor is None or call.amount_minor <= call.player.balance_minor:
        return None
    return call.reply(Result.INSUFFICIENT_FUNDS)


def _check_new_transaction(call: _Call) -> Reply | None:
    if call.callback.kind is CommandKind.STATUS:
        return None  # a status names a transaction it expects to exist: check 42's job
    return call.reply(Result.DUPLICATE_TRANSACTION) if call.seen(call.callback.trans_guid) else None


def _check_transaction_exists(call: _Call) -> Reply | None:
    if call.callback.kind is not CommandKind.STATUS:
        return None
    entry = call.entry(call.callback.trans_guid)
    if entry is not None and entry.account == call.player.account:
        return None
    return call.reply(Result.TRANSACTION_NOT_FOUND)


def _check_cancel_target_exists(call: _Call) -> Reply | None:
    target_guid = call.callback.cancel_trans_guid
    if target_guid is None or call.entry(target_guid) is not None:
        return None
    if call.session.get(Tombstone, target_guid) is None:
        call.session.add(
            Tombstone(
                trans_guid=target_guid,
                account=call.player.account,
                cancel_trans_guid=call.callback.trans_guid,
                created_at=call.now,
            )
        )
    return call.reply(Result.CANCEL_TARGET_NOT_FOUND)


_CHECKS: dict[Result, Callable[[_Call], Reply | None]] = {
    Result.UNKNOWN_PLAYER: lambda call: None,  # the player was found before any check
    Result.PLAYER_INACTIVE: _check_active,
    Result.INSUFFICIENT_FUNDS: _check_funds,
    Result.DUPLICATE_TRANSACTION: _check_new_transaction,
    Result.TRANSACTION_NOT_FOUND: _check_transaction_exists,
    Result.CANCEL_TARGET_NOT_FOUND: _check_cancel_target_exists,
}


# --- commands: every check passed -------------------------------------------------------


def _authenticate(call: _Call) -> Reply:
    return call.reply(Result.OK, {"account": call.player.account})


def _balance(call: _Call) -> Reply:
    return call.reply(Result.OK)


def _status(call: _Call) -> Reply:
    entry = call.entry(call.callback.trans_guid)
    assert entry is not None, "check 42 always runs for status"
    return Reply(
        Result.OK,
        extra={
            "account": call.player.account,
            "trans_guid": entry.trans_guid,
            "trans_status": "OK" if entry.cancelled_by is None else "CANCELED",
        },
    )


def _bet(call: _Call) -> Reply:
    assert call.amount_minor is not None
    return _move(call, -call.amount_minor, call.amount_minor, cancels=None)


def _win(call: _Call) -> Reply:
    assert call.amount_minor is not None
    return _move(call, call.amount_minor, call.amount_minor, cancels=None)


def _cancel(call: _Call) -> Reply:
    target = call.entry(call.callback.cancel_trans_guid)
    assert target is not None, "check 43 always runs for cancel"
    if (
        target.account != call.player.account
        or target.kind == EntryKind.CANCEL
        or target.amount_minor != call.amount_minor
    ):
        return Reply(Result.INTERNAL_ERROR)
    if target.cancelled_by is not None:
        return call.reply(Result.DUPLICATE_TRANSACTION)
    assert call.callback.trans_guid is not None
    target.cancelled_by = call.callback.trans_guid
    delta = target.amount_minor if target.kind == EntryKind.BET else -target.amount_minor
    return _move(call, delta, target.amount_minor, cancels=target.trans_guid)


def _move(call: _Call, delta_minor: int, amount_minor: int, cancels: str | None) -> Reply:
    callback = call.callback
    assert callback.trans_guid is not None and callback.round_id is not None
    before = call.player.balance_minor
    call.player.balance_minor = before + delta_minor
    call.session.add(
        LedgerEntry(
            trans_guid=callback.trans_guid,
            kind=_KIND_BY_COMMAND[callback.kind],
            account=call.player.account,
            currency=call.player.currency,
            round_id=callback.round_id,
            amount_minor=amount_minor,
            balance_before_minor=before,
            balance_after_minor=call.player.balance_minor,
            cancel_trans_guid=cancels,
            created_at=call.now,
        )
    )
    return call.reply(Result.OK)


_APPLY: dict[CommandKind, Callable[[_Call], Reply]] = {
    CommandKind.AUTHENTICATE: _authenticate,
    CommandKind.BALANCE: _balance,
    CommandKind.STATUS: _status,
    CommandKind.BET: _bet,
    CommandKind.WIN: _win,
    CommandKind.CANCEL: _cancel,
}
