"""One callback endpoint: verify, apply to a wallet, answer, in the given dialect.

Framework-free: `answer` takes headers and the raw body (verify before parsing)
and returns the answer bytes, so any web framework can call it (docs/operator-sdk.md has
the FastAPI version in 30 lines). It never raises for anything a caller sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.domain.clock import Clock, SystemClock
from reelhouse.operator_kit.sdk.adapter import DialectAdapter, adapter_for
from reelhouse.operator_kit.sdk.commands import Command, Reply

log = logging.getLogger(__name__)


class Applies(Protocol):
    """Whatever keeps the money: the reference `Wallet`, or an operator's own."""

    def apply(self, command: Command) -> Reply: ...


class UnknownOperation(LookupError):
    """A path operation the dialect does not have: the web layer answers 404."""


class CallbackEndpoint:
    def __init__(
        self,
        wallet: Applies,
        dialect: str,
        keys: CallbackCredentials | Callable[[], CallbackCredentials],
        *,
        require_signature: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.wallet = wallet
        self.adapter: DialectAdapter = adapter_for(dialect)
        # A callable lets keys be reissued while the endpoint runs (back office Settings).
        self._keys = keys if callable(keys) else lambda: keys
        self._require_signature = require_signature
        self.clock = clock or SystemClock()

    def keys(self) -> CallbackCredentials:
        """The credentials in force now."""
        return self._keys()

    def read(
        self, headers: Mapping[str, str], body: bytes, operation: str | None = None
    ) -> Command | CallbackRejection:
        """Verify and parse only: for operators who apply commands to their own ledger."""
        operations = self.adapter.operations
        if (operation is None) != (operations is None) or (
            operations is not None and operation not in operations
        ):
            raise UnknownOperation(f"{self.adapter.name} has no operation {operation!r}")
        now = int(self.clock.now().timestamp())
        return self.adapter.read(
            headers,
            body,
            self._keys(),
            now,
            operation=operation,
            require_signature=self._require_signature,
        )

    def answer(
        self, headers: Mapping[str, str], body: bytes, operation: str | None = None
    ) -> bytes:
        """The answer body to one callback; the protocol's shape whatever happens."""
        command = self.read(headers, body, operation)
        if isinstance(command, CallbackRejection):
            log.warning(
                "%s callback refused with %s: %s",
                self.adapter.name,
                command.result,
                command.reason,
            )
            return command.answer
        reply = self.wallet.apply(command)
        if not reply.ok:
            log.info("%s %s %s: %s", self.adapter.name, command.op, command.trans_id, reply)
        return self.adapter.encode(command, reply)
