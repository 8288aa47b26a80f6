"""The demo casino as a service: answer callbacks, and the admin operations behind its API.

No HTTP here (app.py is the thin FastAPI layer), so the same object can be driven
in-process by tests and tools.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.dialects.base import CallbackRejection
from reelhouse.dialects.slotcity_v4 import Result, encode_answer, verify_and_decode_callback
from reelhouse.domain.clock import Clock, SystemClock, from_naive_utc, to_naive_utc
from reelhouse.domain.limits import PLAYER_NAME_MAX_CHARS, PLAYER_NAME_MIN_CHARS
from reelhouse.domain.money import MoneyError, currency, format_fixed, is_supported, to_minor
from reelhouse.operator_kit.demo_casino.db import CasinoDatabase
from reelhouse.operator_kit.demo_casino.models import LedgerEntry, Player
from reelhouse.operator_kit.demo_casino.wallet import handle_callback

log = logging.getLogger(__name__)

_ACCOUNT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


class AdminRefusal(Exception):
    """An admin request refused; nothing changed. `status_code` is the HTTP status to answer."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class Casino:
    def __init__(
        self,
        db_url: str,
        callback_token: str | Callable[[], str],
        *,
        require_signature: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.db = CasinoDatabase(db_url)
        # A callable lets the token be reissued while the casino runs (back office Settings).
        self._token = callback_token if callable(callback_token) else lambda: callback_token
        self._require_signature = require_signature
        self._clock = clock or SystemClock()

    def dispose(self) -> None:
        self.db.dispose()

    # --- callbacks ----------------------------------------------------------------------

    def answer_callback(self, headers: Mapping[str, str], body: bytes) -> bytes:
        """The answer body to a callback; always the spec's shape, never an exception."""
        now = self._clock.now()
        verified = verify_and_decode_callback(
            headers, body, self._token(), int(now.timestamp()), self._require_signature
        )
        if isinstance(verified, CallbackRejection):
            log.warning("callback refused with %d: %s", verified.result, verified.reason)
            return verified.answer
        try:
            with self.db.unit_of_work() as session:
                reply = handle_callback(session, verified, now)
        except Exception:
            # Rolled back, nothing moved; the provider retries and gets a real answer.
            log.exception("callback %s %s failed", verified.kind.value, verified.trans_guid)
            return encode_answer(Result.INTERNAL_ERROR)
        if reply.result is Result.INTERNAL_ERROR:
            log.warning("callback %s %s contradicts the ledger", verified.kind.value, verified)
        return reply.encode()

    # --- admin --------------------------------------------------------------------------

    def create_player(self, account: str, currency_code: str, balance: str) -> dict[str, Any]:
        if not (
            PLAYER_NAME_MIN_CHARS <= len(account) <= PLAYER_NAME_MAX_CHARS
            and set(account) <= _ACCOUNT_CHARS
        ):
            raise AdminRefusal(422, "account must be 2-50 characters of [A-Za-z0-9_]")
        if not is_supported(currency_code):
            raise AdminRefusal(422, f"currency {currency_code!r} is not supported")
        balance_minor = _parse_amount(balance, currency_code, allow_zero=True)
        try:
            with self.db.unit_of_work() as session:
                if _find(session, account) is not None:
                    raise AdminRefusal(409, f"player {account!r} exists")
                player = Player(
                    account=account,
                    currency=currency_code,
                    balance_minor=balance_minor,
                    active=True,
                    created_at=to_naive_utc(self._clock.now()),
                )
                session.add(player)
        except IntegrityError as exc:  # created concurrently by another request
            raise AdminRefusal(409, f"player {account!r} exists") from exc
        return _player_view(player)

    def player(self, account: str) -> dict[str, Any]:
        with self.db.unit_of_work() as session:
            return _player_view(_get(session, account))

    def deposit(self, account: str, amount: str) -> dict[str, Any]:
        with self.db.unit_of_work() as session:
            player = _get(session, account, lock=True)
            # Deposits are not wallet transactions: they stay out of the ledger export,
            # which is what the provider reconciles against.
            player.balance_minor += _parse_amount(amount, player.currency, allow_zero=False)
            return _player_view(player)

    def set_active(self, account: str, active: bool) -> dict[str, Any]:
        with self.db.unit_of_work() as session:
            player = _get(session, account, lock=True)
            player.active = active
            return _player_view(player)

    def ledger(self, day: dt.date | None) -> list[dict[str, Any]]:
        """Every ledger row, oldest first; `day` keeps one UTC day."""
        query = select(LedgerEntry).order_by(LedgerEntry.id)
        if day is not None:
            start = dt.datetime.combine(day, dt.time())
            query = query.where(
                LedgerEntry.created_at >= start,
                LedgerEntry.created_at < start + dt.timedelta(days=1),
            )
        with self.db.unit_of_work() as session:
            return [_entry_view(entry) for entry in session.scalars(query)]


def _find(session: Session, account: str, lock: bool = False) -> Player | None:
    query = select(Player).where(Player.account == account)
    return session.scalar(query.with_for_update() if lock else query)


def _get(session: Session, account: str, lock: bool = False) -> Player:
    player = _find(session, account, lock)
    if player is None:
        raise AdminRefusal(404, f"no player {account!r}")
    return player


def _parse_amount(text: str, currency_code: str, *, allow_zero: bool) -> int:
    try:
        minor = to_minor(text, currency(currency_code))
    except MoneyError as exc:
        raise AdminRefusal(422, str(exc)) from exc
    if minor < 0 or (minor == 0 and not allow_zero):
        raise AdminRefusal(422, "amount must be positive")
    return minor


def _player_view(player: Player) -> dict[str, Any]:
    cur = currency(player.currency)
    return {
        "account": player.account,
        "currency": player.currency,
        "balance": format_fixed(player.balance_minor, cur),
        "balance_minor": player.balance_minor,
        "active": player.active,
    }


def _entry_view(entry: LedgerEntry) -> dict[str, Any]:
    cur = currency(entry.currency)
    return {
        "trans_guid": entry.trans_guid,
        "kind": entry.kind,
        "account": entry.account,
        "currency": entry.currency,
        "round_id": entry.round_id,
        "amount": format_fixed(entry.amount_minor, cur),
        "amount_minor": entry.amount_minor,
        "balance_before_minor": entry.balance_before_minor,
        "balance_after_minor": entry.balance_after_minor,
        "cancel_trans_guid": entry.cancel_trans_guid,
        "cancelled_by": entry.cancelled_by,
        "created_at": from_naive_utc(entry.created_at).isoformat().replace("+00:00", "Z"),
    }
