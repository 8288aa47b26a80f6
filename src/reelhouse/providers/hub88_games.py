"""Hub88 supplier API, Reelhouse -> supplier: the signed requests Reelhouse sends a supplier
(launch a game, list games, list and grant free rounds) and how their answers read.

Facts (paths, timeouts, platform names, currencies, signing) are in `hub88_wire`. Answers
are bounded before they are read; a list's malformed entry is skipped and reported, never
fatal to the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from reelhouse.dialects.base import JsonError, JsonValue, dump_json
from reelhouse.domain import json_bounded
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.money import MoneyError
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.providers.answers import BadEntry, catalogue_of, fault
from reelhouse.providers.base import (
    CATALOGUE_ANSWER_MAX_BYTES,
    CATALOGUE_ITEM_LIST_MAX,
    CATALOGUE_MAX_GAMES,
    FREE_ROUND_OFFERS_MAX,
    UPSTREAM_ID_MAX_CHARS,
    UPSTREAM_NAME_MAX_CHARS,
    UPSTREAM_TOKEN_MAX_CHARS,
    UPSTREAM_URL_MAX_CHARS,
    Catalogue,
    CatalogueEntry,
    FreeRoundGrant,
    FreeRoundGranted,
    FreeRoundOffer,
    FreeRoundOffers,
    LaunchAnswer,
    LaunchRequest,
    SkippedEntry,
    UpstreamFault,
)
from reelhouse.providers.hub88_wire import (
    CATALOGUE_PATH,
    DEMO_CURRENCY,
    GRANT_PATH,
    LAUNCH_PATH,
    LAUNCH_TOKEN_MIN_CHARS,
    MAX_CURRENCY_CHARS,
    OFFERS_PATH,
    OK_STATUS,
    PLATFORM_BY_WIRE,
    PLATFORM_WIRE,
    SIGNATURE_HEADER,
    TIMEOUT_MS_BY_PATH,
    Refused,
    currency_mapping,
    flag,
    minor_to_wire,
    optional_text,
    required_integer,
    sign,
    wire_to_minor,
)

# --- Requests: Reelhouse -> supplier --------------------------------------------------------


def _signed_request(
    base_url: str, path: str, doc: dict[str, JsonValue], key: RSAPrivateKey
) -> HttpRequest:
    assert base_url.startswith(("http://", "https://")), "checked at configuration"
    body = dump_json(doc).encode("ascii")
    headers = (
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        (SIGNATURE_HEADER, sign(body, key)),
    )
    return HttpRequest("POST", base_url.rstrip("/") + path, headers, body, TIMEOUT_MS_BY_PATH[path])


def _put_optional(doc: dict[str, JsonValue], key: str, value: str | None) -> None:
    if value is not None:
        doc[key] = value


def encode_launch(request: LaunchRequest, base_url: str, key: RSAPrivateKey) -> HttpRequest:
    """`/game/url`, fields in the contract's order; absent optional fields are left out.
    Demo play (`XXX`) names no user and no token."""
    if request.currency == DEMO_CURRENCY:
        assert request.user is None and request.token is None, "demo play has no player"
    else:
        assert request.user is not None and request.token is not None
        assert LAUNCH_TOKEN_MIN_CHARS <= len(request.token) <= UPSTREAM_TOKEN_MAX_CHARS
    doc: dict[str, JsonValue] = {}
    _put_optional(doc, "user", request.user)
    _put_optional(doc, "token", request.token)
    _put_optional(doc, "sub_partner_id", request.sub_partner_id)
    doc["platform"] = PLATFORM_WIRE[request.platform]
    doc["operator_id"] = request.operator_id
    _put_optional(doc, "lobby_url", request.lobby_url)
    _put_optional(doc, "lang", request.language)
    doc["currency"] = request.currency
    _put_optional(doc, "country", request.country)
    doc["game_code"] = request.game_code
    _put_optional(doc, "ip", request.ip)
    _put_optional(doc, "deposit_url", request.deposit_url)
    return _signed_request(base_url, LAUNCH_PATH, doc, key)


def encode_catalogue(operator_id: int, base_url: str, key: RSAPrivateKey) -> HttpRequest:
    return _signed_request(base_url, CATALOGUE_PATH, {"operator_id": operator_id}, key)


def encode_offers(
    operator_id: int, game_code: str | None, base_url: str, key: RSAPrivateKey
) -> HttpRequest:
    doc: dict[str, JsonValue] = {"operator_id": operator_id}
    _put_optional(doc, "game_code", game_code)
    return _signed_request(base_url, OFFERS_PATH, doc, key)


def iso_utc(unix_s: int) -> str:
    """Unix seconds as ISO 8601 UTC text with a `Z`: `2026-11-30T05:00:00Z`."""
    return dt.datetime.fromtimestamp(unix_s, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_grant(grant: FreeRoundGrant, base_url: str, key: RSAPrivateKey) -> HttpRequest:
    """`/freebet/rewards/create`. `bet_count` null means as many as the offer allows."""
    assert grant.start_unix_s < grant.end_unix_s
    doc: dict[str, JsonValue] = {
        "reward_uuid": grant.reward_id,
        "user": grant.user,
        "currency": grant.wire_currency,
        "prepaid_uuid": grant.offer_id,
        "operator_id": grant.operator_id,
        "game_code": grant.game_code,
        "start_time": iso_utc(grant.start_unix_s),
        "end_time": iso_utc(grant.end_unix_s),
        # An offer's bet value came in wire units: it goes back exactly (MoneyError is a bug).
        "bet_value": minor_to_wire(grant.bet_value_minor, grant.wire_currency),
        "bet_count": grant.bet_count,
    }
    _put_optional(doc, "sub_partner_id", grant.sub_partner_id)
    return _signed_request(base_url, GRANT_PATH, doc, key)


# --- Answers: supplier -> Reelhouse ---------------------------------------------------------


def _document(answer: HttpAnswer, max_bytes: int) -> object | UpstreamFault:
    """The JSON of a supplier's answer, or a fault: HTTP status, size, then the reader."""
    if answer.status != 200:
        return fault(f"HTTP {answer.status}", answer.body)
    if len(answer.body) > max_bytes:
        return fault(f"answer of {len(answer.body)} bytes is over the limit", b"")
    try:
        return json_bounded.loads(answer.body, max_bytes)
    except JsonError as exc:
        return fault(f"malformed answer ({exc})", answer.body)


def _statusfault(doc: Mapping[str, object], body: bytes) -> UpstreamFault | None:
    """A status other than RS_OK in an answer is the supplier's refusal."""
    status = doc.get("status", OK_STATUS)
    return None if status == OK_STATUS else fault(f"status {status!r}", body)


def decode_launch(answer: HttpAnswer) -> LaunchAnswer | UpstreamFault:
    doc = _document(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(doc, UpstreamFault):
        return doc
    if not isinstance(doc, dict):
        return fault("answer is not an object", answer.body)
    refused = _statusfault(doc, answer.body)
    if refused is not None:
        return refused
    try:
        url = _entry_url(doc, "url")
    except BadEntry as exc:
        return fault(str(exc), answer.body)
    if url is None:
        return fault("answer has no url", answer.body)
    return LaunchAnswer(url)


def decode_catalogue(answer: HttpAnswer) -> Catalogue | UpstreamFault:
    """The catalogue, each malformed entry skipped and reported (index and reason); a game
    code seen twice keeps its first entry. A list beyond CATALOGUE_MAX_GAMES is a fault."""
    items = _list_answer(answer, CATALOGUE_MAX_GAMES, "games")
    if isinstance(items, UpstreamFault):
        return items
    return catalogue_of(answer.body, items, _catalogue_entry)


def _list_answer(answer: HttpAnswer, most: int, member: str) -> list[object] | UpstreamFault:
    """A list answer: a JSON array, or (inferred) an object holding it under `member`."""
    doc = _document(answer, CATALOGUE_ANSWER_MAX_BYTES)
    if isinstance(doc, UpstreamFault):
        return doc
    if isinstance(doc, dict):
        refused = _statusfault(doc, answer.body)
        if refused is not None:
            return refused
        doc = doc.get(member)
    if not isinstance(doc, list):
        return fault("answer is not a list", answer.body)
    if len(doc) > most:
        return fault(f"{len(doc)} entries (at most {most})", b"")
    return doc


def _catalogue_entry(item: object) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise BadEntry("entry is not an object")
    enabled = item.get("enabled")
    if not isinstance(enabled, bool):
        # Whether a game may be offered is never guessed.
        raise BadEntry("enabled is not a boolean")
    freebet = item.get("freebet_support", False)
    if not isinstance(freebet, bool):
        raise BadEntry("freebet_support is not a boolean")
    platforms = _entry_texts(item, "platforms", UPSTREAM_NAME_MAX_CHARS)
    return CatalogueEntry(
        game_code=_entry_required_text(item, "game_code", UPSTREAM_ID_MAX_CHARS),
        name=_entry_required_text(item, "name", UPSTREAM_NAME_MAX_CHARS),
        category=_entry_text(item, "category", UPSTREAM_NAME_MAX_CHARS),
        # A platform name we do not know is not one we can launch on: dropped.
        platforms=frozenset(PLATFORM_BY_WIRE[p] for p in platforms if p in PLATFORM_BY_WIRE),
        blocked_countries=frozenset(
            code.upper() for code in _entry_texts(item, "blocked_countries", 3)
        ),
        thumbnail_url=_entry_url(item, "url_thumb"),
        background_url=_entry_url(item, "url_background"),
        product=_entry_text(item, "product", UPSTREAM_NAME_MAX_CHARS),
        freebet_support=freebet,
        enabled=enabled,
    )


def _entry_text(item: Mapping[str, object], key: str, most: int) -> str | None:
    try:
        return optional_text(item, key, most)
    except Refused as exc:
        raise BadEntry(exc.reason) from exc


def _entry_required_text(item: Mapping[str, object], key: str, most: int) -> str:
    value = _entry_text(item, key, most)
    if value is None:
        raise BadEntry(f"{key} is missing")
    return value


def _entry_texts(item: Mapping[str, object], key: str, most: int) -> tuple[str, ...]:
    values = item.get(key)
    if values is None:
        return ()
    if not isinstance(values, list) or len(values) > CATALOGUE_ITEM_LIST_MAX:
        raise BadEntry(f"{key} is not a list of at most {CATALOGUE_ITEM_LIST_MAX}")
    return tuple(_entry_required_text({key: value}, key, most) for value in values)


def _entry_url(item: Mapping[str, object], key: str) -> str | None:
    url = _entry_text(item, key, UPSTREAM_URL_MAX_CHARS)
    # Shown in pages and opened in browsers: only web addresses (never `javascript:`).
    if url is not None and not url.startswith(("https://", "http://")):
        raise BadEntry(f"{key} is not an http(s) URL")
    return url


def decode_offers(answer: HttpAnswer) -> FreeRoundOffers | UpstreamFault:
    """Prepaid offers, each malformed one (or in a currency Reelhouse does not hold, or with
    a bet value finer than its minor unit) skipped and reported."""
    items = _list_answer(answer, FREE_ROUND_OFFERS_MAX, "prepaids")
    if isinstance(items, UpstreamFault):
        return items
    offers: list[FreeRoundOffer] = []
    skipped: list[SkippedEntry] = []
    for index, item in enumerate(items):
        try:
            offers.append(_offer(item))
        except BadEntry as exc:
            skipped.append(SkippedEntry(index, str(exc)))
    return FreeRoundOffers(tuple(offers), tuple(skipped))


def _offer(item: object) -> FreeRoundOffer:
    if not isinstance(item, dict):
        raise BadEntry("entry is not an object")
    wire_currency = _entry_required_text(item, "currency", MAX_CURRENCY_CHARS)
    mapping = currency_mapping(wire_currency)
    if mapping.code is None:
        raise BadEntry(mapping.refused)
    try:
        bet_value_minor = wire_to_minor(required_integer(item, "bet_value"), wire_currency)
        bet_count = item.get("bet_count")
        if bet_count is not None:
            bet_count = required_integer(item, "bet_count")
        bonus_buy = flag(item, "bonus_buy")
    except (Refused, MoneyError) as exc:
        raise BadEntry(str(exc)) from exc
    return FreeRoundOffer(
        offer_id=_entry_required_text(item, "prepaid_uuid", UPSTREAM_ID_MAX_CHARS),
        game_code=_entry_required_text(item, "game_code", UPSTREAM_ID_MAX_CHARS),
        currency=mapping.code,
        wire_currency=wire_currency,
        bet_value_minor=bet_value_minor,
        bet_count=bet_count,
        bonus_buy=bonus_buy,
    )


def decode_grant(grant: FreeRoundGrant, answer: HttpAnswer) -> FreeRoundGranted | UpstreamFault:
    """The contract does not describe this answer: HTTP 200 with a JSON object is taken as
    accepted unless it says otherwise (a status other than RS_OK, or another reward_uuid)."""
    doc = _document(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(doc, UpstreamFault):
        return doc
    if not isinstance(doc, dict):
        return fault("answer is not an object", answer.body)
    refused = _statusfault(doc, answer.body)
    if refused is not None:
        return refused
    echoed = doc.get("reward_uuid", grant.reward_id)
    if echoed != grant.reward_id:
        return fault(f"answer is about reward {echoed!r}", answer.body)
    return FreeRoundGranted(grant.reward_id)
