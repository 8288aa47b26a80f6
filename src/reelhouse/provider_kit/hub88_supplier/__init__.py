"""A Hub88-style supplier, written from the public contract alone (docs/providers.md,
"The demo supplier"): what a game provider built for Hub88 runs, so Reelhouse's aggregator
side can be driven by an independent peer in demos and tests.

- `keys`, `wire`: signatures over raw bytes, statuses, paths, x100000 amounts;
- `client.SupplierWallet`: the supplier's calls to the aggregator's wallet, and
  `play_round` (bet, then win; a failed bet rolled back; retries until definitive);
- `server.SupplierGames`: the supplier's answers to the aggregator (launch, catalogue,
  free rounds), a tiny threaded HTTP server that records every request;
- `bots.play_bots`: concurrent players with the faults a supplier can produce, and the
  ledger of what the supplier believes happened.
"""

from reelhouse.provider_kit.hub88_supplier.bots import (
    BotSession,
    Faults,
    PlayerLedger,
    SupplierLedger,
    play_bots,
)
from reelhouse.provider_kit.hub88_supplier.catalogue import DEMO_GAMES, Prepaid, SupplierGame
from reelhouse.provider_kit.hub88_supplier.client import SentRequest, SupplierWallet, WalletReply
from reelhouse.provider_kit.hub88_supplier.rounds import RetryPolicy, RoundOutcome, RoundResult
from reelhouse.provider_kit.hub88_supplier.server import Launch, ReceivedRequest, SupplierGames
from reelhouse.provider_kit.hub88_supplier.wire import Status

__all__ = [
    "DEMO_GAMES",
    "BotSession",
    "Faults",
    "Launch",
    "PlayerLedger",
    "Prepaid",
    "ReceivedRequest",
    "RetryPolicy",
    "RoundOutcome",
    "RoundResult",
    "SentRequest",
    "Status",
    "SupplierGame",
    "SupplierGames",
    "SupplierLedger",
    "SupplierWallet",
    "WalletReply",
    "play_bots",
]
