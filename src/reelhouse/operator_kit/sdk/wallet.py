"""The reference wallet: a ledger on its own database that applies commands correctly, and
the few account operations a cashier needs (open, deposit, block, export).

No HTTP and no dialect here: `apply` takes a `Command` from any adapter, so the same
object serves a SlotCity and an iGamingAce endpoint, in-process in tests too.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.domain.clock import Clock, SystemClock, from_naive_utc, to_naive_utc
from reelhouse.domain.money import (
    MoneyError,
    currency,
    format_fixed,
    is_supported,
    to_minor,
    unsupported_reason,
)
from reelhouse.operator_kit.sdk.commands import Command, Reply, Verdict
from reelhouse.operator_kit.sdk.db import WalletDatabase
from reelhouse.operator_kit.sdk.ledger import apply_command
from reelhouse.operator_kit.sdk.models import LedgerEntry, Player

log = logging.getLogger(__name__)

# Wide enough for every dialect's player ids: SlotCity names ([A-Za-z0-9_], 2-50),
# iGamingAce A playerIds ([A-Za-z0-9_.-], 1-64), iGamingAce B userIDs (alphanumerics, 4-48).
ACCOUNT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
ACCOUNT_MAX_CHARS = 64


class AccountError(ValueError):
    """An account operation refused; nothing changed."""


class AccountNotFound(AccountError):
    pass


class AccountExists(AccountError):
    pass


class Wallet:
    def __init__(self, db_url: str, clock: Clock | None = None) -> None:
        self.db = WalletDatabase(db_url)
        self.clock = clock or SystemClock()

    def dispose(self) -> None:
        self.db.dispose()

    def apply(self, command: Command) -> Reply:
        """Check and apply one command in its own transaction. Never raises: a failure
        rolls everything back and is answered INTERNAL, so the provider retries."""
        try:
            with self.db.unit_of_work() as session:
                return apply_command(session, command, self.clock.now())
        except Exception:
            log.exception("%s %s failed", command.op.value, command.trans_id)
            return Reply(Verdict.INTERNAL)

    # --- accounts -----------------------------------------------------------------------

    def open_account(self, account: str, currency_code: str, balance: str) -> dict[str, Any]:
        if not (0 < len(account) <= ACCOUNT_MAX_CHARS and set(account) <= ACCOUNT_CHARS):
            raise AccountError("account must be 1-64 characters of [A-Za-z0-9_.-]")
        if not is_supported(currency_code):
            raise AccountError(unsupported_reason(currency_code))
        balance_minor = _parse_amount(balance, currency_code, allow_zero=True)
        try:
            with self.db.unit_of_work() as session:
                if _find(session, account) is not None:
                    raise AccountExists(f"player {account!r} exists")
                player = Player(
                    account=account,
                    currency=currency_code,
                    balance_minor=balance_minor,
                    active=True,
                    created_at=to_naive_utc(self.clock.now()),
                )
                session.add(player)
        except IntegrityError as exc:  # opened concurrently by another request
            raise AccountExists(f"player {account!r} exists") from exc
        return player_view(player)

    def account(self, account: str) -> dict[str, Any]:
        with self.db.unit_of_work() as session:
            return player_view(_get(session, account))

    def deposit(self, account: str, amount: str) -> dict[str, Any]:
        with self.db.unit_of_work() as session:
            player = _get(session, account, lock=True)
            # Deposits are not wallet transactions: they stay out of the ledger export,
            # which is what the provider reconciles against.
            player.balance_minor += _parse_amount(amount, player.currency, allow_zero=False)
            return player_view(player)

    def set_active(self, account: str, active: bool) -> dict[str, Any]:
        with self.db.unit_of_work() as session:
            player = _get(session, account, lock=True)
            player.active = active
            return player_view(player)

    def entries(self, day: dt.date | None) -> list[dict[str, Any]]:
        """Every ledger row, oldest first; `day` keeps one UTC day."""
        query = select(LedgerEntry).order_by(LedgerEntry.id)
        if day is not None:
            start = dt.datetime.combine(day, dt.time())
            query = query.where(
                LedgerEntry.created_at >= start,
                LedgerEntry.created_at < start + dt.timedelta(days=1),
            )
        with self.db.unit_of_work() as session:
            return [entry_view(entry) for entry in session.scalars(query)]


def _find(session: Session, account: str, lock: bool = False) -> Player | None:
    query = select(Player).where(Player.account == account)
    return session.scalar(query.with_for_update() if lock else query)


def _get(session: Session, account: str, lock: bool = False) -> Player:
    player = _find(session, account, lock)
    if player is None:
        raise AccountNotFound(f"no player {account!r}")
    return player


def _parse_amount(text: str, currency_code: str, *, allow_zero: bool) -> int:
    try:
        minor = to_minor(text, currency(currency_code))
    except MoneyError as exc:
        raise AccountError(str(exc)) from exc
    if minor < 0 or (minor == 0 and not allow_zero):
        raise AccountError("amount must be positive")
    return minor


def player_view(player: Player) -> dict[str, Any]:
    cur = currency(player.currency)
    return {
        "account": player.account,
        "currency": player.currency,
        "balance": format_fixed(player.balance_minor, cur),
        "balance_minor": player.balance_minor,
        "active": player.active,
    }


def _round_view(round_id: str | None) -> int | str | None:
    # SlotCity and iGamingAce A send integer round ids and the ledger export has always
    # carried them as integers; iGamingAce B's 32-hex ids (zero-padded, so never canonical
    # decimal text) stay text.
    if round_id is None or not (round_id.isascii() and round_id.isdigit()):
        return round_id
    number = int(round_id)
    return number if str(number) == round_id and number < 2**63 else round_id


def entry_view(entry: LedgerEntry) -> dict[str, Any]:
    cur = currency(entry.currency)
    view: dict[str, Any] = {
        "trans_guid": entry.trans_guid,
        "kind": entry.kind,
        "account": entry.account,
        "currency": entry.currency,
        "round_id": _round_view(entry.round_id),
        "amount": format_fixed(entry.amount_minor, cur),
        "amount_minor": entry.amount_minor,
        "balance_before_minor": entry.balance_before_minor,
        "balance_after_minor": entry.balance_after_minor,
        "cancel_trans_guid": entry.cancel_trans_guid,
        "cancelled_by": entry.cancelled_by,
        "created_at": from_naive_utc(entry.created_at).isoformat().replace("+00:00", "Z"),
    }
    if entry.win_amount_minor is not None:
        view["win_amount_minor"] = entry.win_amount_minor
    return view
