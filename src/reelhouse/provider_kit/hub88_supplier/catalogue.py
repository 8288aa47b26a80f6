"""What the demo supplier offers: its games and its free-round packages (prepaids), as the
contract's `/game/list` and `/freebet/prepaids/list` entries."""

from __future__ import annotations

from dataclasses import dataclass

from reelhouse.provider_kit.hub88_supplier.wire import PLATFORMS, JsonDoc


@dataclass(frozen=True, slots=True)
class SupplierGame:
    """One `/game/list` entry. Change one with `dataclasses.replace` (or
    `SupplierGames.change_game`)."""

    game_code: str
    name: str
    category: str = "Video Slots"
    platforms: tuple[str, ...] = PLATFORMS
    blocked_countries: tuple[str, ...] = ()
    url_thumb: str | None = None
    url_background: str | None = None
    product: str = "Demo Supplier"
    freebet_support: bool = True
    enabled: bool = True

    def wire(self) -> JsonDoc:
        return {
            "game_code": self.game_code,
            "name": self.name,
            "category": self.category,
            "platforms": list(self.platforms),
            "blocked_countries": list(self.blocked_countries),
            "url_thumb": self.url_thumb,
            "url_background": self.url_background,
            "product": self.product,
            "freebet_support": self.freebet_support,
            "enabled": self.enabled,
        }


@dataclass(frozen=True, slots=True)
class Prepaid:
    """One free-round package: `bet_value_x100000` per round, `bet_count` rounds (None:
    any number, the contract's null)."""

    prepaid_uuid: str
    game_code: str
    currency: str
    bet_value_x100000: int
    bet_count: int | None = 10
    bonus_buy: bool = False

    def wire(self) -> JsonDoc:
        return {
            "prepaid_uuid": self.prepaid_uuid,
            "game_code": self.game_code,
            "currency": self.currency,
            "bet_value": self.bet_value_x100000,
            "bet_count": self.bet_count,
            "bonus_buy": self.bonus_buy,
        }


DEMO_GAMES = (
    SupplierGame("demo_fruit_bonanza", "Fruit Bonanza"),
    SupplierGame("demo_crystal_caves", "Crystal Caves", blocked_countries=("US",)),
    SupplierGame("demo_sky_roulette", "Sky Roulette", category="Table Games",
                 freebet_support=False),
)  # fmt: skip
