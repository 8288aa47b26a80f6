"""The reference ledger's rules: checks, then the money movement, for one `Command`.

Everything for one callback runs in one transaction holding the player's row lock (see
db.py), so checks and writes see the same balance. Decisions every operator has to take
too, written down:

- Checks run in the order the request lists them and the first failure is the answer
  (SlotCity). The wallet then still runs the checks its own safety needs for that
  operation, listed or not: a request that forgot "new transaction" must not be debited
  twice, one that forgot "funds" must not drive a balance negative.
- An unknown player is refused whatever the list says: no other check can run.
- A transaction id is remembered forever (a unique column, not a cache). The same id with
  the same content is a retry: ALREADY_PROCESSED, nothing moves. The same id with other
  content is a CONFLICT: refused, nothing moves.
- A cancel whose target never arrived is CANCEL_TARGET_NOT_FOUND and leaves a tombstone:
  if the target arrives later it is REVOKED and moves nothing.
- A cancel reverses what the ledger recorded for its target: a bet is refunded, a win
  taken back, a betwin both. Taking a win back may drive the balance below zero (the
  player may have bet it already); that debt is the operator's business, the reversal is
  a fact.
- A second cancel of the same transaction (another cancel id) is ALREADY_CANCELLED.
- Wins and cancels never check the player's session or activity unless the request asks:
  a late win must land after the player left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.money import MoneyError, currency, to_decimal, to_minor
from reelhouse.domain.wallet import TransStatus
from reelhouse.operator_kit.sdk.commands import Check, Command, Op, Reply, Verdict
from reelhouse.operator_kit.sdk.models import EntryKind, LedgerEntry, Player, Tombstone

# The checks the wallet runs whatever the request lists, after the listed ones.
SAFETY_CHECKS: dict[Op, tuple[Check, ...]] = {
    Op.AUTHENTICATE: (),
    Op.BALANCE: (),
    Op.BET: (Check.PLAYER_ACTIVE, Check.NEW_TRANSACTION, Check.FUNDS),
    Op.BETWIN: (Check.PLAYER_ACTIVE, Check.NEW_TRANSACTION, Check.FUNDS),
    Op.WIN: (Check.NEW_TRANSACTION,),
    Op.CANCEL: (Check.NEW_TRANSACTION, Check.CANCEL_TARGET_EXISTS),
    Op.STATUS: (Check.TRANSACTION_EXISTS,),
}

_ENTRY_KIND = {
    Op.BET: EntryKind.BET,
    Op.WIN: EntryKind.WIN,
    Op.BETWIN: EntryKind.BETWIN,
    Op.CANCEL: EntryKind.CANCEL,
}


@dataclass(slots=True)
class _Call:
    """One command being applied: the request, the locked player, amounts, the time."""

    session: Session
    command: Command
    player: Player
    amount_minor: int | None
    win_minor: int | None
    now: dt.datetime  # naive UTC, as stored

    def reply(
        self,
        verdict: Verdict,
        *,
        account: str | None = None,
        trans_status: TransStatus | None = None,
        entry_ref: str | None = None,
    ) -> Reply:
        balance = to_decimal(self.player.balance_minor, currency(self.player.currency))
        return Reply(verdict, balance, account, trans_status, entry_ref)

    def entry(self, trans_guid: str | None) -> LedgerEntry | None:
        if trans_guid is None:
            return None
        return self.session.scalar(select(LedgerEntry).where(LedgerEntry.trans_guid == trans_guid))


def apply_command(session: Session, command: Command, now: dt.datetime) -> Reply:
    """Check and apply one command inside the caller's transaction (which it may write)."""
    player = session.scalar(
        select(Player).where(Player.account == command.account).with_for_update()
    )
    if player is None:
        return Reply(Verdict.UNKNOWN_PLAYER)
    cur = currency(player.currency)
    if (command.currency is not None and command.currency != player.currency) or (
        command.decimals_at_most is not None and cur.exponent > command.decimals_at_most
    ):
        return Reply(Verdict.WRONG_CURRENCY)
    try:
        amount = None if command.amount is None else to_minor(command.amount, cur)
        win = None if command.win_amount is None else to_minor(command.win_amount, cur)
    except MoneyError:
        return Reply(Verdict.BAD_AMOUNT)  # more decimals than the player's currency: never round
    call = _Call(session, command, player, amount, win, to_naive_utc(now))
    for check in (*command.checks, *SAFETY_CHECKS[command.op]):
        failure = _CHECKS[check](call)
        if failure is not None:
            return failure
    return _APPLY[command.op](call)


# --- checks: None when the check passes, else the answer ---------------------------------


def _check_active(call: _Call) -> Reply | None:
    return None if call.player.active else Reply(Verdict.PLAYER_INACTIVE)


def _check_funds(call: _Call) -> Reply | None:
    if call.command.op not in (Op.BET, Op.BETWIN):
        return None  # only a debit can overdraw
    assert call.amount_minor is not None
    if call.amount_minor <= call.player.balance_minor:
        return None
    return call.reply(Verdict.INSUFFICIENT_FUNDS)


def _same_content(call: _Call, entry: LedgerEntry) -> bool:
    """A retry repeats everything; fields the protocol does not send are not compared."""
    command = call.command
    return (
        entry.kind == _ENTRY_KIND[command.op]
        and entry.account == call.player.account
        and (call.amount_minor is None or entry.amount_minor == call.amount_minor)
        and entry.win_amount_minor == call.win_minor
        and (command.round_id is None or entry.round_id == command.round_id)
        and (command.op is not Op.CANCEL or entry.cancel_trans_guid == command.ref_trans_id)
    )


def _check_new_transaction(call: _Call) -> Reply | None:
    if call.command.op not in _ENTRY_KIND:
        return None  # reads name no transaction of their own
    entry = call.entry(call.command.trans_id)
    if entry is not None:
        return call.reply(
            Verdict.ALREADY_PROCESSED if _same_content(call, entry) else Verdict.CONFLICT
        )
    trans_id = call.command.trans_id
    if trans_id is not None and call.session.get(Tombstone, trans_id) is not None:
        return call.reply(Verdict.REVOKED)
    return None


def _check_transaction_exists(call: _Call) -> Reply | None:
    if call.command.op is not Op.STATUS:
        return None
    entry = call.entry(call.command.ref_trans_id)
    if entry is not None and entry.account == call.player.account:
        return None
    return call.reply(Verdict.TRANSACTION_NOT_FOUND)


def _check_cancel_target_exists(call: _Call) -> Reply | None:
    target_guid = call.command.ref_trans_id
    if call.command.op is not Op.CANCEL or call.entry(target_guid) is not None:
        return None
    assert target_guid is not None
    if call.session.get(Tombstone, target_guid) is None:
        call.session.add(
            Tombstone(
                trans_guid=target_guid,
                account=call.player.account,
                cancel_trans_guid=call.command.trans_id,
                created_at=call.now,
            )
        )
    return call.reply(Verdict.CANCEL_TARGET_NOT_FOUND)


_CHECKS: dict[Check, Callable[[_Call], Reply | None]] = {
    Check.PLAYER_EXISTS: lambda call: None,  # the player was found before any check
    Check.PLAYER_ACTIVE: _check_active,
    Check.FUNDS: _check_funds,
    Check.NEW_TRANSACTION: _check_new_transaction,
    Check.TRANSACTION_EXISTS: _check_transaction_exists,
    Check.CANCEL_TARGET_EXISTS: _check_cancel_target_exists,
}


# --- operations: every check passed ------------------------------------------------------


def _authenticate(call: _Call) -> Reply:
    return call.reply(Verdict.OK, account=call.player.account)


def _balance(call: _Call) -> Reply:
    return call.reply(Verdict.OK)


def _status(call: _Call) -> Reply:
    entry = call.entry(call.command.ref_trans_id)
    assert entry is not None, "the transaction-exists check always runs for status"
    state = TransStatus.OK if entry.cancelled_by is None else TransStatus.CANCELED
    return call.reply(
        Verdict.OK, account=call.player.account, trans_status=state, entry_ref=str(entry.id)
    )


def _bet(call: _Call) -> Reply:
    assert call.amount_minor is not None
    return _move(call, -call.amount_minor, call.amount_minor, cancels=None)


def _win(call: _Call) -> Reply:
    assert call.amount_minor is not None
    return _move(call, call.amount_minor, call.amount_minor, cancels=None)


def _betwin(call: _Call) -> Reply:
    assert call.amount_minor is not None and call.win_minor is not None
    return _move(call, call.win_minor - call.amount_minor, call.amount_minor, cancels=None)


def _reversal(target: LedgerEntry) -> int:
    """How a cancel of `target` moves the balance: the opposite of what `target` did."""
    if target.kind == EntryKind.BET:
        return target.amount_minor
    if target.kind == EntryKind.WIN:
        return -target.amount_minor
    assert target.kind == EntryKind.BETWIN and target.win_amount_minor is not None
    return target.amount_minor - target.win_amount_minor


def _cancel(call: _Call) -> Reply:
    target = call.entry(call.command.ref_trans_id)
    assert target is not None, "the cancel-target check always runs for cancel"
    if (
        target.account != call.player.account
        or target.kind == EntryKind.CANCEL
        or (call.amount_minor is not None and target.amount_minor != call.amount_minor)
    ):
        return Reply(Verdict.CONFLICT)
    if target.cancelled_by is not None:
        return call.reply(Verdict.ALREADY_CANCELLED)
    assert call.command.trans_id is not None
    target.cancelled_by = call.command.trans_id
    return _move(call, _reversal(target), target.amount_minor, cancels=target)


def _move(call: _Call, delta_minor: int, amount_minor: int, cancels: LedgerEntry | None) -> Reply:
    command = call.command
    assert command.trans_id is not None
    before = call.player.balance_minor
    call.player.balance_minor = before + delta_minor
    entry = LedgerEntry(
        trans_guid=command.trans_id,
        kind=_ENTRY_KIND[command.op],
        account=call.player.account,
        currency=call.player.currency,
        round_id=command.round_id or (cancels.round_id if cancels is not None else None),
        amount_minor=amount_minor,
        win_amount_minor=call.win_minor,
        balance_before_minor=before,
        balance_after_minor=call.player.balance_minor,
        cancel_trans_guid=cancels.trans_guid if cancels is not None else None,
        created_at=call.now,
    )
    call.session.add(entry)
    call.session.flush()  # the row id is the answer's entry reference
    return call.reply(Verdict.OK, entry_ref=str(entry.id))


_APPLY: dict[Op, Callable[[_Call], Reply]] = {
    Op.AUTHENTICATE: _authenticate,
    Op.BALANCE: _balance,
    Op.STATUS: _status,
    Op.BET: _bet,
    Op.WIN: _win,
    Op.BETWIN: _betwin,
    Op.CANCEL: _cancel,
}
