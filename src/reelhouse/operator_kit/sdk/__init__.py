"""The operator SDK: what a casino needs to answer Reelhouse's wallet callbacks.

- `CallbackEndpoint(wallet, dialect, keys).answer(headers, body)`: verify a callback,
  apply it, answer it, in any dialect Reelhouse speaks;
- `CallbackEndpoint.read(...)`: verify and parse only, into a dialect-neutral `Command`,
  for operators whose ledger is their own;
- `Wallet(db_url)`: a reference ledger on SQLite or PostgreSQL (SQLAlchemy 2) that applies
  commands correctly: idempotent by transaction id forever, same id with other content
  refused, one writer per player, cancels of bets, wins and betwins, and a cancel that
  arrives before its bet keeps the late bet from moving money.

It imports only `reelhouse.domain` and `reelhouse.dialects`: it could ship on its own.
See docs/operator-sdk.md.
"""

from reelhouse.operator_kit.sdk.adapter import (
    DialectAdapter,
    UnknownDialect,
    adapter_for,
    adapter_names,
    operator_keys,
)
from reelhouse.operator_kit.sdk.commands import Check, Command, Op, Reply, Verdict
from reelhouse.operator_kit.sdk.endpoint import Applies, CallbackEndpoint, UnknownOperation
from reelhouse.operator_kit.sdk.wallet import AccountError, AccountExists, AccountNotFound, Wallet

__all__ = [
    "AccountError",
    "AccountExists",
    "AccountNotFound",
    "Applies",
    "CallbackEndpoint",
    "Check",
    "Command",
    "DialectAdapter",
    "Op",
    "Reply",
    "UnknownDialect",
    "UnknownOperation",
    "Verdict",
    "Wallet",
    "adapter_for",
    "adapter_names",
    "operator_keys",
]
