"""Sample commands, credentials and independent signers for the iGamingAce codec tests.

The signers are written here from the spec's sentences, not imported from the codecs, so a
test that compares them checks the codec against the contract, not against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import CommandKind, WalletCommand

API_TOKEN = "Zq3-Api-Token-For-Tests_0123456789abcdefghij"
SECRET_KEY = "1234567890"  # the key of the spec's published vector
AGENT_ID = "Partner01"
NOW = 1767225600  # 2026-01-01T00:00:00Z
NOW_MS = NOW * 1000
CREATED_AT_MS = 1767225599123
CALLBACK_URL = "https://casino.example/wallet/callback"
CALLBACK_BASE = "https://casino.example/callbackService"
CREDS_A = CallbackCredentials(CALLBACK_URL, "unused-callback-token", api_token=API_TOKEN)
CREDS_B = CallbackCredentials(
    CALLBACK_BASE, "unused-callback-token", secret_key=SECRET_KEY, agent_id=AGENT_ID
)

BET_ID, WIN_ID, CANCEL_ID, BET_WIN_ID, ROUND_ID = 9001, 9002, 9003, 9004, 500
GAME = "lucky-sevens"
GAME_NUMBER = 172119293  # numeric_game_id("lucky-sevens"), pinned: it must never change

# The commands each flavour speaks (neither has authenticate-as-such nor status).
KINDS = (
    CommandKind.AUTHENTICATE,
    CommandKind.BALANCE,
    CommandKind.BET,
    CommandKind.WIN,
    CommandKind.BET_WIN,
    CommandKind.CANCEL,
)


def command(
    kind: CommandKind,
    *,
    currency: str = "USD",
    amount_minor: int = 1230,
    win_minor: int = 2500,
    account: str = "Player01",
    cancelled: int = BET_ID,
) -> WalletCommand:
    """One command of each kind, with the same round context every time."""
    if kind in (CommandKind.AUTHENTICATE, CommandKind.BALANCE, CommandKind.STATUS):
        return WalletCommand(kind, account, currency, game_code=GAME)
    trans_id = {
        CommandKind.BET: BET_ID,
        CommandKind.WIN: WIN_ID,
        CommandKind.CANCEL: CANCEL_ID,
        CommandKind.BET_WIN: BET_WIN_ID,
    }[kind]
    return WalletCommand(
        kind,
        account,
        currency,
        session_id=77,
        trans_id=trans_id,
        round_id=ROUND_ID,
        amount_minor=amount_minor,
        cancel_trans_id=cancelled if kind is CommandKind.CANCEL else None,
        provider_id=1,
        game_code=GAME,
        game_type="slot",
        created_at_ms=CREATED_AT_MS,
        win_minor=win_minor if kind is CommandKind.BET_WIN else None,
        bet_trans_id=BET_ID if kind is CommandKind.WIN else None,
    )


# --- flavour A, from the spec ------------------------------------------------------------


def _js_text(value: Any) -> str:
    """'Value as text': strings as they are, integers in decimal, amounts as JavaScript's
    String() prints them, booleans true/false, null empty."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def a_signature(token: str, body: bytes) -> str:
    """Keys sorted, values as text joined with ',', HMAC-SHA512 with the token, Base64."""
    doc = json.loads(body, parse_float=Decimal)
    message = ",".join(_js_text(doc[key]) for key in sorted(doc))
    digest = hmac.new(token.encode(), message.encode(), hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def a_headers(body: bytes, token: str = API_TOKEN) -> dict[str, str]:
    return {"X-Request-Signature": a_signature(token, body), "Content-Type": "application/json"}


def a_body(**fields: Any) -> bytes:
    """Compact JSON as a client would write it; Decimals as bare numbers."""

    def text(value: Any) -> str:
        return format(value, "f") if isinstance(value, Decimal) else json.dumps(value)

    members = (f"{json.dumps(key)}:{text(value)}" for key, value in fields.items())
    return ("{" + ",".join(members) + "}").encode()


# --- flavour B, from the spec ------------------------------------------------------------

B_SIGNED = {
    "GetBalance": ("agentID", "userID"),
    "Withdraw": ("agentID", "userID", "amount", "transactionID", "roundID"),
    "Deposit": ("agentID", "userID", "amount", "transactionID", "roundID"),
    "BetWin": ("agentID", "userID", "betAmount", "winAmount", "transactionID", "roundID"),
    "RollbackTransaction": ("agentID", "userID", "refTransactionID"),
}


def b_sign(key: str, operation: str, doc: dict[str, Any]) -> str:
    """Uppercase hex HMAC-SHA256 of the listed fields concatenated; amounts with exactly 2
    decimals."""
    parts = []
    for name in B_SIGNED[operation]:
        value = doc[name]
        parts.append(f"{Decimal(str(value)):.2f}" if "mount" in name else str(value))
    message = "".join(parts).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest().upper()


def b_body(operation: str, key: str = SECRET_KEY, **fields: Any) -> bytes:
    """A flavour B request body as an operator-facing client would write it, signed."""
    doc = dict(fields)
    doc["sign"] = b_sign(key, operation, doc)
    text = json.dumps(doc, separators=(",", ":"))
    return text.encode()


def hex_id(number: int) -> str:
    return f"{number:032x}"
