"""The reference wallet's tables: players, the ledger, and tombstones.

Their own MetaData, apart from Reelhouse's: the wallet is the operator's system and runs on
the operator's database. Money is integer minor units in the player's currency; ids are
kept as the protocol sent them (text), so one ledger serves every dialect.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")

ID_MAX_CHARS = 64  # transaction and round ids: 63-bit decimals, 32-hex strings


class WalletBase(DeclarativeBase):
    metadata = MetaData()


class EntryKind(StrEnum):
    BET = "bet"
    WIN = "win"
    BETWIN = "betwin"
    CANCEL = "cancel"


class Player(WalletBase):
    __tablename__ = "wallet_players"

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True)
    account: Mapped[str] = mapped_column(String(64), unique=True)
    currency: Mapped[str] = mapped_column(String(8))
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool]
    created_at: Mapped[dt.datetime]  # naive UTC


class LedgerEntry(WalletBase):
    """One applied wallet transaction. The unique trans_guid is the wallet's dedup memory:
    kept in the database for as long as the ledger itself, never in a cache.

    Every field a retry must repeat is kept, so a second request with the same id and
    other content is told apart from a retry (Verdict.CONFLICT)."""

    __tablename__ = "wallet_ledger"

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True)
    trans_guid: Mapped[str] = mapped_column(String(ID_MAX_CHARS), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # an EntryKind
    account: Mapped[str] = mapped_column(String(64), index=True)
    currency: Mapped[str] = mapped_column(String(8))
    round_id: Mapped[str | None] = mapped_column(String(ID_MAX_CHARS))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # >= 0; `kind` gives the direction
    # A betwin's win (its bet is amount_minor); None for every other kind.
    win_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    balance_before_minor: Mapped[int] = mapped_column(BigInteger)
    balance_after_minor: Mapped[int] = mapped_column(BigInteger)
    # A cancel: what it reversed.
    cancel_trans_guid: Mapped[str | None] = mapped_column(String(ID_MAX_CHARS))
    # A bet, win or betwin: the cancel that reversed it, if any.
    cancelled_by: Mapped[str | None] = mapped_column(String(ID_MAX_CHARS))
    created_at: Mapped[dt.datetime] = mapped_column(index=True)  # naive UTC


class Tombstone(WalletBase):
    """A cancel arrived for a transaction this wallet never saw.

    If that transaction arrives later (it was still in flight when the cancel overtook it),
    it is refused and moves no money: the provider already counts it as
    cancelled, so applying it would debit a bet that is never refunded.
    """

    __tablename__ = "wallet_tombstones"

    trans_guid: Mapped[str] = mapped_column(String(ID_MAX_CHARS), primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    # The cancel that found nothing (None where the protocol's cancel has no id of its own).
    cancel_trans_guid: Mapped[str | None] = mapped_column(String(ID_MAX_CHARS))
    created_at: Mapped[dt.datetime]  # naive UTC
