"""The demo casino keeps its money in the SDK's reference wallet: these are its tables."""

from reelhouse.operator_kit.sdk.models import EntryKind, LedgerEntry, Player, Tombstone, WalletBase

__all__ = ["EntryKind", "LedgerEntry", "Player", "Tombstone", "WalletBase"]
