"""Jurisdiction profiles: the rules a regulated market sets on a slot round, as data.

One frozen profile per market, in one table (`PROFILES`, by code). The server enforces what
it can see (the stake, the time between round starts, autoplay and turbo spins the client
declares: services/jurisdiction_rules.py); the game client is told the rest (state answer,
`jurisdiction`) and honours it. Every figure and its public source: docs/jurisdictions.md.
A profile holds only the rules a public source states; an operator tightens its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from reelhouse.domain import stricter_rules
from reelhouse.domain.errors import ApiCode, ReelhouseError

DEFAULT = "default"
# Bounds on what an operator sends: a profile code or an ISO 3166-1 alpha-2 country.
MAX_CODE_CHARS = 16
COUNTRY_CHARS = 2


@dataclass(frozen=True)
class Profile:
    code: str
    title: str
    # The most one round may stake, in minor units of the named currency (GBP 500 = 5.00).
    # None: no cap. A capped profile names only the currencies its rule is written in; a
    # session in another currency is refused at launch (no exchange rate is guessed).
    max_stake_minor: Mapping[str, int] | None = None
    # The least time from one round's start to the next's, in the same session.
    min_round_interval_ms: int = 0
    autoplay_allowed: bool = True
    # With autoplay allowed: the most rounds one autoplay run may play (None: no limit).
    autoplay_max_rounds: int | None = None
    turbo_allowed: bool = True  # quick spin: shortened reel animation
    slam_stop_allowed: bool = True  # stopping the reels early by a tap
    bonus_buy_allowed: bool = True  # buying a feature: a spin in bet mode "buy" (3030)
    # Whether a win that does not exceed the stake may be celebrated (a loss dressed as a
    # win): where not, the spin answer's `celebrate` is false for it.
    celebrate_win_at_or_below_stake: bool = True
    show_rtp: bool = False
    show_elapsed_time: bool = False
    show_net_position: bool = False
    # The reality check's interval, held by the server (services/session_rules.py); None: none.
    reality_check_minutes: int | None = None
    # A break the player must take after answering a reality check "continue": every spin
    # is refused (3024) for this long from the answer, and the next check's interval counts
    # from the break's end (services/session_rules.py); None: no break.
    break_after_reality_check_minutes: int | None = None

    def stake_cap_minor(self, currency_code: str) -> int | None:
        """The stake cap in `currency_code` (None: uncapped); a capped profile without a
        figure in that currency refuses it (3015)."""
        if self.max_stake_minor is None:
            return None
        cap = self.max_stake_minor.get(currency_code)
        if cap is None:
            raise ReelhouseError(
                ApiCode.JURISDICTION_CURRENCY,
                f"jurisdiction {self.code!r} caps stakes in "
                f"{', '.join(sorted(self.max_stake_minor))} only, not {currency_code}",
            )
        return cap

    def tightened(self, stricter: Mapping[str, bool | int]) -> Profile:
        """This profile under an operator's stricter rules (domain/stricter_rules.py): rule
        by rule the stricter of its value and the overlay's, so never looser than itself,
        whichever profile it is. The overlay is checked first (1012); empty: this one."""
        overlay = stricter_rules.checked(stricter)
        if not overlay:
            return self
        # Any: each value is its field's own type (the table's rule names are its fields).
        tightened: dict[str, Any] = {
            name: stricter_rules.RULES[name].stricter_of(getattr(self, name), value)
            for name, value in overlay.items()
        }
        return replace(self, **tightened)

    def client_rules(self) -> dict[str, Any]:
        """What the game client must honour (the state answer's `jurisdiction`)."""
        return {
            "code": self.code,
            "min_round_interval_ms": self.min_round_interval_ms,
            "autoplay_allowed": self.autoplay_allowed,
            "autoplay_max_rounds": self.autoplay_max_rounds,
            "turbo_allowed": self.turbo_allowed,
            "slam_stop_allowed": self.slam_stop_allowed,
            "bonus_buy_allowed": self.bonus_buy_allowed,
            "celebrate_win_at_or_below_stake": self.celebrate_win_at_or_below_stake,
            "show_rtp": self.show_rtp,
            "show_elapsed_time": self.show_elapsed_time,
            "show_net_position": self.show_net_position,
            "reality_check_minutes": self.reality_check_minutes,
            "break_after_reality_check_minutes": self.break_after_reality_check_minutes,
        }


def _caps(**minor_by_currency: int) -> Mapping[str, int]:
    return MappingProxyType(dict(minor_by_currency))


# Each value that differs from the default is one a public source states; its source is
# named on docs/jurisdictions.md. Where no source was found, the profile holds no rule: an
# operator whose licence conditions ask more tightens its own rules (stricter rules, ibid.).
_ALL = (
    Profile(DEFAULT, "Unregulated (no market rules)"),
    Profile(
        "uk",
        "Great Britain (UKGC)",
        max_stake_minor=_caps(GBP=500),  # GBP 5 for adults 25+; GBP 2 for 18-24 (docs)
        min_round_interval_ms=2500,
        autoplay_allowed=False,
        turbo_allowed=False,
        slam_stop_allowed=False,
        bonus_buy_allowed=False,
        celebrate_win_at_or_below_stake=False,
        show_elapsed_time=True,
        show_net_position=True,
        # Reality checks at the interval the customer sets: sent per launch.
    ),
    Profile(
        "mt",
        "Malta (MGA)",
        show_rtp=True,
        # Reality checks at the interval the player sets: sent per launch.
    ),
    Profile(
        "on",
        "Ontario (AGCO)",
        min_round_interval_ms=2500,
        autoplay_allowed=False,
        turbo_allowed=False,
        slam_stop_allowed=False,
        celebrate_win_at_or_below_stake=False,
        show_rtp=True,
        show_elapsed_time=True,
        show_net_position=True,
        # Reminders configurable by the player: sent per launch.
    ),
    Profile(
        "de",
        "Germany (GlüStV 2021)",
        max_stake_minor=_caps(EUR=100),
        min_round_interval_ms=5000,
        autoplay_allowed=False,
        turbo_allowed=False,
        slam_stop_allowed=False,  # an accelerator of the animation (docs)
        bonus_buy_allowed=False,
        show_rtp=True,
        show_net_position=True,
        # The session summary after 60 minutes, then a five-minute break, held by the
        # server (docs/jurisdictions.md, "Germany's other rules").
        reality_check_minutes=60,
        break_after_reality_check_minutes=5,
    ),
    Profile(
        "se",
        "Sweden (Spelinspektionen)",
        autoplay_allowed=False,
    ),
    Profile(
        "nl",
        "Netherlands (KSA)",
        autoplay_allowed=False,
        bonus_buy_allowed=False,
        show_net_position=True,
        reality_check_minutes=30,
    ),
    Profile(
        "br",
        "Brazil (SPA/MF)",
        show_rtp=True,
        show_net_position=True,
        # Alerts at the bettor's option: sent per launch.
    ),
)

PROFILES: Mapping[str, Profile] = MappingProxyType({profile.code: profile for profile in _ALL})

# ISO 3166-1 alpha-2 country -> profile. Canada is not here: only Ontario is regulated
# this way, and a country cannot name a province, so CA-ON needs `jurisdiction`.
COUNTRY_PROFILES: Mapping[str, str] = MappingProxyType(
    {"GB": "uk", "MT": "mt", "DE": "de", "SE": "se", "NL": "nl", "BR": "br"}
)


def profile(code: str) -> Profile:
    """The profile `code` names, or 3010."""
    found = PROFILES.get(code)
    if found is None:
        raise ReelhouseError(ApiCode.JURISDICTION_UNKNOWN, f"unknown jurisdiction {code[:16]!r}")
    return found


def chosen(jurisdiction: str | None, country: str | None, fallback: str) -> Profile:
    """The profile of one launch: `jurisdiction` when sent, else the `country`'s, else the
    operator's (`fallback`). An unknown code or an unmapped country is refused (3010)."""
    if jurisdiction is not None:
        return profile(jurisdiction)
    if country is not None:
        code = COUNTRY_PROFILES.get(country.upper())
        if code is None:
            raise ReelhouseError(
                ApiCode.JURISDICTION_UNKNOWN,
                f"no jurisdiction profile for country {country[:2]!r}; send `jurisdiction`",
            )
        return profile(code)
    return profile(fallback)
