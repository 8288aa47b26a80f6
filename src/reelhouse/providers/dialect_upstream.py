"""What the three upstream adapters of Reelhouse's own wallet dialects share (SlotCity v4,
iGamingAce A and B: `providers/slotcity_v4.py`, `igamingace_a.py`, `igamingace_b.py`).

Such a provider treats Reelhouse as its casino: it calls Reelhouse's wallet in the dialect,
and Reelhouse calls its operator API (the Main API or a facade) to register players, list
games and launch them. The wallet side reuses each dialect's operator-side codec
(`dialects/<name>.py`: verify and decode a callback); this module holds the keys both sides
take, the exact amount conversion, and how the operator API's answers are read (bounded,
entries skipped and reported, never raising).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from reelhouse.dialects.base import CallbackCredentials, JsonError, JsonValue, dump_json
from reelhouse.domain import json_bounded
from reelhouse.domain.money import MoneyError, currency, to_minor
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.providers.base import (
    CATALOGUE_ANSWER_MAX_BYTES,
    CATALOGUE_MAX_GAMES,
    UPSTREAM_URL_MAX_CHARS,
    AnswerStatus,
    Catalogue,
    CatalogueEntry,
    FreeRoundGrant,
    FreeRoundGranted,
    FreeRoundOffers,
    SkippedEntry,
    UpstreamFault,
    UpstreamRefusal,
)

# How long Reelhouse waits for a provider's operator API (the contracts do not say; ours):
# registering a player and a launch are interactive, a whole catalogue may take a while.
PLAYER_TIMEOUT_MS = 10_000
LAUNCH_TIMEOUT_MS = 10_000
CATALOGUE_TIMEOUT_MS = 30_000
# A player, launch or registration answer is small: the wallet answer bound fits it.
SMALL_ANSWER_MAX_BYTES = 64 * 1024


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


# --- Operator API answers ---------------------------------------------------------------


class BadEntry(ValueError):
    """One list entry (or answer member) that is not usable: skipped and reported."""


def fault(what: str, body: bytes) -> UpstreamFault:
    excerpt = body[:200].decode("utf-8", "replace")
    return UpstreamFault(f"{what}: {excerpt!r}" if body else what)


def read_object(answer: HttpAnswer, max_bytes: int) -> Mapping[str, object] | UpstreamFault:
    """The JSON object of an answer, or a fault: HTTP status, size, then the bounded reader
    (fractions as Decimal, depth, numbers and duplicate keys bounded)."""
    if answer.status != 200:
        return fault(f"HTTP {answer.status}", answer.body)
    if len(answer.body) > max_bytes:
        return fault(f"answer of {len(answer.body)} bytes is over the limit", b"")
    try:
        doc = json_bounded.loads(answer.body, max_bytes)
    except JsonError as exc:
        return fault(f"malformed answer ({exc})", answer.body)
    if not isinstance(doc, dict):
        return fault("answer is not an object", answer.body)
    return doc


def text_member(item: Mapping[str, object], key: str, most: int) -> str | None:
    """Optional text of 1-`most` printable characters (absent, null or empty: None)."""
    value = item.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadEntry(f"{key} is not text")
    if len(value) > most or not value.isprintable():
        raise BadEntry(f"{key} is not 1-{most} printable characters")
    return value


def required_text_member(item: Mapping[str, object], key: str, most: int) -> str:
    value = text_member(item, key, most)
    if value is None:
        raise BadEntry(f"{key} is missing")
    return value


def integer_member(item: Mapping[str, object], key: str, most: int) -> int:
    """A required non-negative integer up to `most`: a JSON integer, or its decimal text (the
    contracts' clients keep 64-bit ids as text)."""
    value = item.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise BadEntry(f"{key} is not an integer of 0-{most}")
    return value


def url_member(item: Mapping[str, object], key: str) -> str | None:
    url = text_member(item, key, UPSTREAM_URL_MAX_CHARS)
    # Shown in pages and opened in browsers: only web addresses (never `javascript:`).
    if url is not None and not url.startswith(("https://", "http://")):
        raise BadEntry(f"{key} is not an http(s) URL")
    return url


def catalogue_of(
    answer_body: bytes, items: object, read_entry: Callable[[object], CatalogueEntry]
) -> Catalogue | UpstreamFault:
    """A catalogue from a list of entries: each malformed one skipped and reported (index
    and reason), a game listed twice keeps its first entry; a list beyond
    CATALOGUE_MAX_GAMES is a fault as a whole (a cut list would look like games withdrawn)."""
    if not isinstance(items, list):
        return fault("answer holds no list of games", answer_body)
    if len(items) > CATALOGUE_MAX_GAMES:
        return fault(f"{len(items)} games (at most {CATALOGUE_MAX_GAMES})", b"")
    games: list[CatalogueEntry] = []
    skipped: list[SkippedEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            entry = read_entry(item)
            if entry.game_code in seen:
                raise BadEntry(f"game {entry.game_code!r} listed twice")
        except BadEntry as exc:
            skipped.append(SkippedEntry(index, str(exc)))
            continue
        seen.add(entry.game_code)
        games.append(entry)
    return Catalogue(tuple(games), tuple(skipped))


CATALOGUE_MAX_BYTES = CATALOGUE_ANSWER_MAX_BYTES


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
