"""The demo casino as a service: one SDK wallet behind one callback endpoint per dialect,
and the admin operations behind its API.

No HTTP here (app.py is the thin FastAPI layer), so the same object can be driven
in-process by tests and tools.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.clock import Clock, SystemClock
from reelhouse.operator_kit.sdk import (
    AccountError,
    AccountExists,
    AccountNotFound,
    CallbackEndpoint,
    UnknownOperation,
    Wallet,
    adapter_names,
    operator_keys,
)

# Where each dialect's callbacks arrive. iGamingAce B has one path per operation under its
# base URL (`/igamingace-b/Withdraw` ...): its entry is that base.
CALLBACK_PATHS: dict[str, str] = {
    "slotcity-v4": "/callback",
    "igamingace-a": "/igamingace-a/callback",
    "igamingace-b": "/igamingace-b",
}

# Keys per dialect name; None falls back to the callback token alone.
KeySource = Callable[[str], CallbackCredentials | None]


class AdminRefusal(Exception):
    """An admin request refused; nothing changed. `status_code` is the HTTP status to answer."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@contextmanager
def _admin() -> Iterator[None]:
    try:
        yield
    except AccountNotFound as exc:
        raise AdminRefusal(404, str(exc)) from exc
    except AccountExists as exc:
        raise AdminRefusal(409, str(exc)) from exc
    except AccountError as exc:
        raise AdminRefusal(422, str(exc)) from exc


class Casino:
    def __init__(
        self,
        db_url: str,
        callback_token: str | Callable[[], str],
        *,
        require_signature: bool = True,
        clock: Clock | None = None,
        keys: KeySource | None = None,
    ) -> None:
        self.wallet = Wallet(db_url, clock or SystemClock())
        self.db = self.wallet.db
        # Callables let tokens be reissued while the casino runs (back office Settings).
        token = callback_token if callable(callback_token) else lambda: callback_token

        def keys_for(dialect: str) -> Callable[[], CallbackCredentials]:
            def current() -> CallbackCredentials:
                found = keys(dialect) if keys is not None else None
                return found if found is not None else operator_keys(token())

            return current

        self.endpoints = {
            name: CallbackEndpoint(
                self.wallet,
                name,
                keys_for(name),
                require_signature=require_signature,
                clock=self.wallet.clock,
            )
            for name in adapter_names()
            if name in CALLBACK_PATHS
        }

    def dispose(self) -> None:
        self.wallet.dispose()

    # --- callbacks ----------------------------------------------------------------------

    def answer_callback(self, headers: Mapping[str, str], body: bytes) -> bytes:
        """A SlotCity-v4 callback's answer body; always the spec's shape, never an exception."""
        return self.endpoints["slotcity-v4"].answer(headers, body)

    def answer_path(self, path: str, headers: Mapping[str, str], body: bytes) -> bytes | None:
        """The answer to a callback POSTed to `path` (any dialect), or None where nothing
        listens (the web layer's 404). In-process transports use it as the app does."""
        for name, endpoint in self.endpoints.items():
            base = CALLBACK_PATHS[name]
            if endpoint.adapter.operations is None and path == base:
                return endpoint.answer(headers, body)
            head, _, operation = path.rpartition("/")
            if endpoint.adapter.operations is not None and head == base:
                try:
                    return endpoint.answer(headers, body, operation)
                except UnknownOperation:
                    return None
        return None

    # --- admin --------------------------------------------------------------------------

    def create_player(self, account: str, currency_code: str, balance: str) -> dict[str, Any]:
        with _admin():
            return self.wallet.open_account(account, currency_code, balance)

    def player(self, account: str) -> dict[str, Any]:
        with _admin():
            return self.wallet.account(account)

    def deposit(self, account: str, amount: str) -> dict[str, Any]:
        with _admin():
            return self.wallet.deposit(account, amount)

    def set_active(self, account: str, active: bool) -> dict[str, Any]:
        with _admin():
            return self.wallet.set_active(account, active)

    def ledger(self, day: dt.date | None) -> list[dict[str, Any]]:
        """Every ledger row, oldest first; `day` keeps one UTC day."""
        return self.wallet.entries(day)
