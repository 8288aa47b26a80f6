"""Upstream providers' games: their catalogue synced, and listed for operators.

A sync asks the provider for its whole list (its protocol's catalogue request, signed with
Reelhouse's key), then, in one commit: a game never seen is inserted; one whose content
changed (`content_hash`) is updated; one unchanged is not written; one the list no longer
holds is marked withdrawn; a withdrawn one that is listed again is restored. A game is
never deleted: rounds name it. An answer that cannot be used (no answer, an HTTP error, a
refusal, garbage, a list too long) changes nothing and is refused with 1011.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from reelhouse.domain.clock import format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.providers.base import Catalogue, CatalogueEntry, SkippedEntry, UpstreamFault
from reelhouse.services import audit, providers
from reelhouse.services.platform import Platform
from reelhouse.services.ports import UpstreamFetch, UpstreamUnreachable, fetch_for
from reelhouse.services.provider_keys import keys_of
from reelhouse.store.models import Provider, ProviderGame

# Reelhouse lists a provider's games once, for every operator it offers them to; the
# protocol's catalogue request still names an operator, so Reelhouse asks as itself: 0 is
# no operator's id (Reelhouse's operator ids start at 1).
CATALOGUE_OPERATOR_ID = 0
# The Main API's categories are `Slots` and `Live` (docs/api.md): a provider's own category
# names live play or it is taken as a slot.
LIVE_WORD = "live"


@dataclass
class SyncSummary:
    """What a sync did, by game code; `skipped` are list entries that were not usable."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[SkippedEntry] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "withdrawn": len(self.withdrawn),
            "restored": len(self.restored),
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
        }


@dataclass(frozen=True)
class GameView:
    """One upstream game as operators and the back office see it."""

    provider_id: int
    game_code: str
    name: str
    category: str | None
    thumbnail_url: str | None
    enabled: bool
    withdrawn_at_utc: dt.datetime | None
    first_seen_at_utc: dt.datetime
    synced_at_utc: dt.datetime


def _fault(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PROVIDER_ERROR, message)


def sync_catalogue(
    platform: Platform,
    provider_name: str,
    fetch: UpstreamFetch,
    who: audit.Accountable = providers.ADMINISTRATION,
) -> SyncSummary:
    """Fetches the provider's catalogue and applies it (module docstring); the fetch happens
    outside any database transaction, so a slow provider holds no lock."""
    with platform.db.transaction(read_only=True) as session:
        provider = providers.find_provider(session, provider_name)
        keys = keys_of(platform, provider)
        protocol = keys.protocol
        request = protocol.encode_catalogue(CATALOGUE_OPERATOR_ID, provider.base_url, keys.sign_key)
    try:
        answer = fetch_for(fetch, provider.id)(request)
    except UpstreamUnreachable as exc:
        raise _fault(f"{provider_name} did not answer: {exc}") from exc
    listed = protocol.decode_catalogue(answer)
    if isinstance(listed, UpstreamFault):
        raise _fault(f"{provider_name} answered with no usable catalogue: {listed.detail}")
    if not listed.games and listed.skipped:
        # Every entry malformed is a provider whose format changed, not one that withdrew
        # all its games: nothing is withdrawn on its word.
        raise _fault(f"{provider_name} listed {len(listed.skipped)} games, none usable")
    return _apply(platform, provider.id, listed, who)


def _apply(
    platform: Platform, provider_id: int, listed: Catalogue, who: audit.Accountable
) -> SyncSummary:
    now = platform.clock.now()
    stamp = to_naive_utc(now)
    summary = SyncSummary(skipped=list(listed.skipped))
    with platform.db.transaction() as session:
        # The provider's row locked: two syncs of one provider apply one after the other
        # (the second then finds the first's games, instead of inserting them again).
        session.get(Provider, provider_id, with_for_update=True)
        known = {
            game.game_code: game
            for game in session.scalars(
                select(ProviderGame).where(ProviderGame.provider_id == provider_id)
            )
        }
        for entry in listed.games:
            digest = content_hash(entry)
            game = known.get(entry.game_code)
            if game is None:
                session.add(_new_game(provider_id, entry, digest, stamp))
                summary.new.append(entry.game_code)
                continue
            if game.withdrawn_at_utc is not None:
                game.withdrawn_at_utc = None
                summary.restored.append(entry.game_code)
            elif game.content_hash != digest:
                summary.changed.append(entry.game_code)
            else:
                summary.unchanged += 1
                continue
            _write(game, entry, digest, stamp)
        listed_codes = {entry.game_code for entry in listed.games}
        for code, game in sorted(known.items()):
            if code not in listed_codes and game.withdrawn_at_utc is None:
                game.withdrawn_at_utc = stamp
                summary.withdrawn.append(code)
        detail: dict[str, object] = dict(summary.counts())
        change = audit.Change(
            providers.SYNC_ACTION, providers.TARGET_TYPE, provider_id, "", "", detail
        )
        audit.record(session, who, change, now)
    return summary


def content_hash(entry: CatalogueEntry) -> str:
    """sha256 of everything synced of a game, in one fixed form (sets sorted)."""
    doc = [
        entry.name,
        entry.category,
        sorted(p.value for p in entry.platforms),
        sorted(entry.blocked_countries),
        entry.thumbnail_url,
        entry.background_url,
        entry.product,
        entry.freebet_support,
        entry.enabled,
    ]
    text = json.dumps(doc, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _new_game(
    provider_id: int, entry: CatalogueEntry, digest: str, stamp: dt.datetime
) -> ProviderGame:
    game = ProviderGame(
        id=new_id(),
        provider_id=provider_id,
        game_code=entry.game_code,
        first_seen_at_utc=stamp,
        withdrawn_at_utc=None,
    )
    _write(game, entry, digest, stamp)
    return game


def _write(game: ProviderGame, entry: CatalogueEntry, digest: str, stamp: dt.datetime) -> None:
    game.name = entry.name
    game.category = entry.category
    game.platforms = _comma_list(p.value for p in entry.platforms)
    game.blocked_countries = _comma_list(entry.blocked_countries)
    game.thumbnail_url = entry.thumbnail_url
    game.background_url = entry.background_url
    game.product = entry.product
    game.freebet_support = entry.freebet_support
    game.enabled = entry.enabled
    game.content_hash = digest
    game.synced_at_utc = stamp


def _comma_list(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


# --- Listing --------------------------------------------------------------------------------


def games_of(platform: Platform, provider_name: str) -> list[GameView]:
    """Every game of a provider as synced, withdrawn ones included (the back office, CLI)."""
    with platform.db.transaction(read_only=True) as session:
        provider = providers.find_provider(session, provider_name)
        query = (
            select(ProviderGame)
            .where(ProviderGame.provider_id == provider.id)
            .order_by(ProviderGame.game_code)
        )
        return [_game_view(game) for game in session.scalars(query)]


def offered_games(platform: Platform, operator_id: int, provider_id: int | None) -> list[GameView]:
    """The upstream games an operator is offered (of one provider, or of all): their
    provider enabled and enabled for the operator, the game enabled and not withdrawn; by
    provider id, then game code."""
    offered = [p.id for p in providers.providers_of(platform, operator_id)]
    if provider_id is not None:
        offered = [p for p in offered if p == provider_id]
    if not offered:
        return []
    query = (
        select(ProviderGame)
        .where(
            ProviderGame.provider_id.in_(offered),
            ProviderGame.enabled.is_(True),
            ProviderGame.withdrawn_at_utc.is_(None),
        )
        .order_by(ProviderGame.provider_id, ProviderGame.game_code)
    )
    with platform.db.transaction(read_only=True) as session:
        return [_game_view(game) for game in session.scalars(query)]


def _game_view(game: ProviderGame) -> GameView:
    withdrawn = game.withdrawn_at_utc
    return GameView(
        provider_id=game.provider_id,
        game_code=game.game_code,
        name=game.name,
        category=game.category,
        thumbnail_url=game.thumbnail_url,
        enabled=game.enabled,
        withdrawn_at_utc=None if withdrawn is None else from_naive_utc(withdrawn),
        first_seen_at_utc=from_naive_utc(game.first_seen_at_utc),
        synced_at_utc=from_naive_utc(game.synced_at_utc),
    )


def main_api_item(game: GameView) -> dict[str, object]:
    """A game in the Main API's item shape (`/game/games`, `/game/all`): `game_code` is the
    provider's own code, which `/game/game-url` takes as `game_symbol`."""
    category = game.category or ""
    return {
        "provider_id": game.provider_id,
        "game_code": game.game_code,
        "game_name": game.name,
        "locale_name": game.name,
        "game_image": game.thumbnail_url or "",
        "launch_enable": True,
        "category": "Live" if LIVE_WORD in category.lower() else "Slots",
        "reg_date": format_api_time(game.first_seen_at_utc),
    }
