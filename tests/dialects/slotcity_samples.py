"""Sample commands and signing helpers shared by the SlotCity-v4 codec tests."""

from __future__ import annotations

import hashlib
import hmac

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import CommandKind, WalletCommand

TOKEN = "5f0c6b1e-2a4d-4c8e-9d61-0b7a3e2f9c10"
NOW = 1767225600  # 2026-01-01T00:00:00Z
CREDS = CallbackCredentials("https://casino.example/wallet/callback", TOKEN)
CREATED_AT_MS = 1767225599123


def command(
    kind: CommandKind, *, currency: str = "USD", amount_minor: int = 1230, account: str = "alice_1"
) -> WalletCommand:
    """One command of each kind, with the same round context every time."""
    if kind in (CommandKind.AUTHENTICATE, CommandKind.BALANCE):
        return WalletCommand(kind, account, currency)
    if kind is CommandKind.STATUS:
        return WalletCommand(kind, account, currency, cancel_trans_id=9001)
    trans_id = {CommandKind.BET: 9001, CommandKind.WIN: 9002, CommandKind.CANCEL: 9003}[kind]
    return WalletCommand(
        kind,
        account,
        currency,
        session_id=77,
        trans_id=trans_id,
        round_id=500,
        amount_minor=amount_minor,
        cancel_trans_id=9001 if kind is CommandKind.CANCEL else None,
        provider_id=3,
        game_code="vs20doghouse",
        game_type="slot",
        created_at_ms=CREATED_AT_MS,
    )


def independent_signature(token: str, timestamp: str, body: bytes) -> str:
    """The signature as an operator would compute it from the spec's one sentence."""
    return hmac.new(token.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, timestamp: int = NOW, token: str = TOKEN) -> dict[str, str]:
    return {
        "Callback-Token": token,
        "Content-Type": "application/json",
        "X-Reelhouse-Timestamp": str(timestamp),
        "X-Reelhouse-Signature": independent_signature(token, str(timestamp), body),
    }
