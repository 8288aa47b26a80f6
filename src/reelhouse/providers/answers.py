"""Reading a provider's answers to Reelhouse's requests (player registration, catalogue,
launch): never raising, bounded before anything is read, a list's unusable entry skipped and
reported while the rest stands.

Used by the adapters of Reelhouse's own dialects (`slotcity_v4`, `igamingace_a`,
`igamingace_b`). Hub88's codec (`hub88_games`) has its own private copies of the same steps,
written first; they can move here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reelhouse.dialects.base import JsonError
from reelhouse.domain import json_bounded
from reelhouse.domain.wallet import HttpAnswer
from reelhouse.providers.base import (
    CATALOGUE_MAX_GAMES,
    UPSTREAM_URL_MAX_CHARS,
    Catalogue,
    CatalogueEntry,
    SkippedEntry,
    UpstreamFault,
)


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
