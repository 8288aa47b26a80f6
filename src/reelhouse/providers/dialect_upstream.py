"""What the three upstream adapters of Reelhouse's own wallet dialects share (SlotCity v4,
iGamingAce A and B: `providers/slotcity_v4.py`, `igamingace_a.py`, `igamingace_b.py`).

Such a provider treats Reelhouse as its casino: it calls Reelhouse's wallet in the dialect,
and Reelhouse calls its operator API (the Main API or a facade) to register players, list
games and launch them. The wallet side reuses each dialect's operator-side codec
(`dialects/<name>.py`: verify and decode a callback); this module holds the keys both sides
take, the exact amount conversion, the operator API's authentication, and the free-round
codecs these adapters do not have. Their answers are read with `providers/answers.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from reelhouse.dialects.base import CallbackCredentials, JsonValue, dump_json, load_json_exact
from reelhouse.domain.money import MoneyError, currency, to_minor
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.providers.base import (
    AnswerStatus,
    FreeRoundGrant,
    FreeRoundGranted,
    FreeRoundOffers,
    UpstreamFault,
    UpstreamRefusal,
)

# How long Reelhouse waits for a provider's operator API (the contracts do not say; ours):
# registering a player and a launch are interactive, a whole catalogue may take a while.
PLAYER_TIMEOUT_MS = 10_000
LAUNCH_TIMEOUT_MS = 10_000
CATALOGUE_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class WalletCallKeys:
    """What one wallet call from such a provider is checked against: the credentials of
    Reelhouse's account at the provider (the callback token, API token, secret key and
    agent id the provider issued, as the dialect's operator side takes them), the account's
    one currency (each dialect's agent has one; SlotCity and B calls do not name it), and
    the time the call arrived (the signature windows of SlotCity and A).

    `require_signature` is read by SlotCity alone: its contract checks the token only, and
    the signature headers are Reelhouse's addition, so it is True for a provider that is
    another Reelhouse and may be False for others. iGamingAce A and B always check theirs.
    """

    credentials: CallbackCredentials
    currency: str
    now_unix_s: int
    require_signature: bool = True


@dataclass(frozen=True, slots=True)
class OperatorApiKeys:
    """How Reelhouse authenticates to such a provider's operator API: the Bearer API token
    of its account (every flavour), and for iGamingAce B the secret key that signs each
    request's `sign` and the `agentID` it names."""

    api_token: str
    secret_key: str | None = None
    agent_id: str | None = None

    def __repr__(self) -> str:
        # Secrets never reach a log line through an accidental repr().
        return f"OperatorApiKeys(agent_id={self.agent_id!r}, ...)"


# --- Keys from their stored text ------------------------------------------------------------
# A provider's row keeps its two keys as text (store/models.py `Provider`); for these
# protocols each is a small JSON object of the credentials the provider issued to
# Reelhouse's account. Bounded like any input: 16 KiB, flat, text values.
KEY_TEXT_MAX_BYTES = 16 * 1024


def _key_fields(text: bytes, names: tuple[str, ...]) -> dict[str, str | bool]:
    if len(text) > KEY_TEXT_MAX_BYTES:
        raise ValueError("credentials text too long")
    try:
        doc = load_json_exact(text)
    except ValueError as exc:
        raise ValueError(f"credentials are not JSON: {exc}") from exc
    if not isinstance(doc, dict) or not set(doc) <= set(names):
        raise ValueError(f"credentials must be an object of {', '.join(names)}")
    fields: dict[str, str | bool] = {}
    for name, value in doc.items():
        if not isinstance(value, str | bool):
            raise ValueError(f"credential {name} must be text")
        fields[name] = value
    return fields


def load_wallet_keys(text: bytes) -> WalletCallKeys:
    """What checks the provider's wallet calls: `{"callback_token", "api_token",
    "secret_key", "agent_id", "currency", "require_signature"}`; the arrival time is set
    per call (`wallet_keys_at`)."""
    names = ("callback_token", "api_token", "secret_key", "agent_id", "currency",
             "require_signature")  # fmt: skip
    fields = _key_fields(text, names)
    token, code = fields.get("callback_token"), fields.get("currency")
    if not isinstance(token, str) or not isinstance(code, str):
        raise ValueError("callback_token and currency are required")
    currency(code)  # an unknown currency is refused here (MoneyError is a ValueError)

    def text_of(name: str) -> str | None:
        value = fields.get(name)
        return value if isinstance(value, str) else None

    credentials = CallbackCredentials(
        "", token, text_of("api_token"), text_of("secret_key"), agent_id=text_of("agent_id")
    )
    return WalletCallKeys(credentials, code, 0, fields.get("require_signature") is not False)


def wallet_keys_at(keys: WalletCallKeys, now_unix_s: int) -> WalletCallKeys:
    """The keys as of a call's arrival: the signature windows are judged against it."""
    return replace(keys, now_unix_s=now_unix_s)


def load_api_keys(text: bytes) -> OperatorApiKeys:
    """How Reelhouse authenticates to the provider's operator API: `{"api_token",
    "secret_key", "agent_id"}`."""
    fields = _key_fields(text, ("api_token", "secret_key", "agent_id"))
    token = fields.get("api_token")
    if not isinstance(token, str):
        raise ValueError("api_token is required")
    secret, agent = fields.get("secret_key"), fields.get("agent_id")
    return OperatorApiKeys(
        token,
        secret if isinstance(secret, str) else None,
        agent if isinstance(agent, str) else None,
    )


# --- Wallet side ------------------------------------------------------------------------


def exact_minor(amount: Decimal, currency_code: str) -> int | UpstreamRefusal:
    """An amount the dialect sent as a decimal, as exact minor units of the account's
    currency, or the refusal: an amount that would need rounding, or beyond range, is a
    value outside the amount's domain (WRONG_TYPES); never rounded."""
    try:
        return to_minor(amount, currency(currency_code))
    except MoneyError as exc:
        return UpstreamRefusal(AnswerStatus.WRONG_TYPES, f"amount: {exc}")


def json_answer_headers(_body: bytes, _keys: OperatorApiKeys) -> tuple[tuple[str, str], ...]:
    """These dialects' answers are not signed: the caller authenticates the casino by the
    URL it was given, and the answer travels on the same connection."""
    return (("Content-Type", "application/json"),)


# --- Operator API requests --------------------------------------------------------------


def api_request(
    method: str,
    base_url: str,
    path: str,
    doc: dict[str, JsonValue] | None,
    keys: OperatorApiKeys,
    timeout_ms: int,
) -> HttpRequest:
    """A request to the operator API, authenticated with `Authorization: Bearer` (every
    flavour's Main API); `doc` None sends no body (a GET)."""
    assert base_url.startswith(("http://", "https://")), "checked at configuration"
    assert keys.api_token, "an account always has an API token"
    body = dump_json(doc).encode("ascii") if doc is not None else b""
    headers: tuple[tuple[str, str], ...] = (
        ("Authorization", f"Bearer {keys.api_token}"),
        ("Accept", "application/json"),
    )
    if doc is not None:
        headers += (("Content-Type", "application/json"),)
    return HttpRequest(method, base_url.rstrip("/") + path, headers, body, timeout_ms)


# --- Free rounds: not offered through these adapters (descriptor `free_rounds=False`) ------


def no_offers(
    _operator_id: int, _game_code: str | None, _base_url: str, _keys: OperatorApiKeys
) -> HttpRequest:
    raise AssertionError("free rounds are not offered through this protocol")


def no_offers_answer(_answer: HttpAnswer) -> FreeRoundOffers | UpstreamFault:
    raise AssertionError("free rounds are not offered through this protocol")


def no_grant(_grant: FreeRoundGrant, _base_url: str, _keys: OperatorApiKeys) -> HttpRequest:
    raise AssertionError("free rounds are not offered through this protocol")


def no_grant_answer(
    _grant: FreeRoundGrant, _answer: HttpAnswer
) -> FreeRoundGranted | UpstreamFault:
    raise AssertionError("free rounds are not offered through this protocol")
