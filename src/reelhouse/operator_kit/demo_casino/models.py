"""The demo casino's own tables: players and the wallet ledger.

A separate MetaData from Reelhouse's: the casino is the operator's system and could run on
another server. Money is integer minor units in the player's currency.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class CasinoBase(DeclarativeBase):
    metadata = MetaData()


class EntryKind(StrEnum):
    BET = "bet"
    WIN = "win"
    CANCEL = "cancel"


class Player(CasinoBase):
    __tablename__ = "casino_players"

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True)
    account: Mapped[str] = mapped_column(String(64), unique=True)
    currency: Mapped[str] = mapped_column(String(8))
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool]
    created_at: Mapped[dt.datetime]  # naive UTC


class LedgerEntry(CasinoBase):
    """One applied wallet transaction. The unique trans_guid is the casino's dedup memory:
    kept in the database for as long as the ledger itself, never in a cache (PITFALLS 1)."""

    __tablename__ = "casino_ledger"

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True)
    trans_guid: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # an EntryKind
    account: Mapped[str] = mapped_column(String(64), index=True)
    currency: Mapped[str] = mapped_column(String(8))
    round_id: Mapped[int] = mapped_column(BigInteger)
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # >= 0; `kind` gives the direction
    balance_before_minor: Mapped[int] = mapped_column(BigInteger)
    balance_after_minor: Mapped[int] = mapped_column(BigInteger)
    cancel_trans_guid: Mapped[str | None] = mapped_column(String(64))  # a cancel: what it reversed
    cancelled_by: Mapped[str | None] = mapped_column(String(64))  # a bet/win: the cancel, if any
    created_at: Mapped[dt.datetime] = mapped_column(index=True)  # naive UTC


class Tombstone(CasinoBase):
    """A cancel arrived for a transaction this casino never saw (answered 43).

    If that transaction arrives later (it was still in flight when the cancel overtook it,
    PITFALLS 3), it is refused and moves no money: the provider already counts it as
    cancelled, so applying it would debit a bet that is never refunded.
    """

    __tablename__ = "casino_tombstones"

    trans_guid: Mapped[str] = mapped_column(String(64), primary_key=True)  # never arrived
    account: Mapped[str] = mapped_column(String(64))
    cancel_trans_guid: Mapped[str] = mapped_column(String(64))  # the cancel that found nothing
    created_at: Mapped[dt.datetime]  # naive UTC
