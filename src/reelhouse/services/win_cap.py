"""The RTP a player really gets under an operator's max win per round, and the floor below
which a deployment refuses to let a cap (or an RTP setting beside a cap) push it.

A cap of c minor units pays min(win, c), so it takes E[(win - c)+] from the RTP: the effective
RTP is E[min(win, c)] / bet, computed exactly from each game's round win distribution
(games/capbound.py, stored per variant in facts.json). The cap is money, so in bets it is
smallest at the largest bet: there the effective RTP is lowest, and there the floor is checked,
for every game of the catalogue at the variant the operator's RTP setting selects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.games import catalogue, facts
from reelhouse.games.engine import is_valid_bet
from reelhouse.games.model import Game


@dataclass(frozen=True)
class CapEffect:
    """One game under the operator's settings: its variant, its RTP without the operator's
    cap, and what the cap leaves at the largest bet (None: no figures for its current math)."""

    game_code: str
    name: str
    variant: int
    rtp: Decimal | None
    effective_rtp: Decimal | None
    at_bet_minor: int


def cap_in_bets(cap_minor: int, bet_minor: int) -> Fraction | None:
    """The cap as a multiple of the bet; None when there is no cap (0)."""
    return Fraction(cap_minor, bet_minor) if cap_minor > 0 else None


def effective_rtp_at(game: Game, variant: int, cap_minor: int, bet_minor: int) -> Decimal | None:
    """The RTP (percent, 2 decimals) of a round at this bet under this cap (0: none)."""
    return facts.effective_rtp(game, variant, cap_in_bets(cap_minor, bet_minor))


def largest_bet(game: Game, max_bet_minor: int) -> int | None:
    """The largest bet the game accepts within the operator's maximum; None if none."""
    bet = max_bet_minor // game.bet_step_minor * game.bet_step_minor
    while bet > 0 and not is_valid_bet(game, bet):
        bet -= game.bet_step_minor  # only past the amount limit: a few steps at most
    return bet if bet > 0 else None


def cap_effects(rtp_percent: Decimal, max_bet_minor: int, cap_minor: int) -> list[CapEffect]:
    """Every game the operator offers, with its effective RTP at its largest bet."""
    effects = []
    for info in catalogue.list_games():
        variant = catalogue.select_variant(info, rtp_percent)
        game = catalogue.get_game(info.game_code)
        if variant is None or game is None:
            continue
        bet = largest_bet(game, max_bet_minor)
        if bet is None:
            continue
        effects.append(
            CapEffect(
                game_code=game.game_code,
                name=game.name,
                variant=variant,
                rtp=facts.effective_rtp(game, variant, None),
                effective_rtp=effective_rtp_at(game, variant, cap_minor, bet),
                at_bet_minor=bet,
            )
        )
    return effects


def check_floor(
    floor_percent: Decimal, rtp_percent: Decimal, max_bet_minor: int, cap_minor: int
) -> None:
    """Refuse settings under which some game's effective RTP falls below the floor (3033), or
    cannot be known because its figures do not match its math (3034). No cap: nothing to
    check (the game's own cap is part of its certified math), nor under a floor of 0."""
    if cap_minor <= 0 or floor_percent <= 0:
        return
    for effect in cap_effects(rtp_percent, max_bet_minor, cap_minor):
        if effect.effective_rtp is None:
            raise ReelhouseError(
                ApiCode.EFFECTIVE_RTP_UNKNOWN,
                f"{effect.game_code}: no figures for its current math, so the RTP a max win"
                " per round leaves cannot be checked (write them: reelhouse rtp docs --facts)",
            )
        if effect.effective_rtp < floor_percent:
            raise ReelhouseError(
                ApiCode.EFFECTIVE_RTP_BELOW_FLOOR,
                f"this max win per round leaves {effect.game_code} (RTP {effect.variant}) an"
                f" effective RTP of {effect.effective_rtp} % at a bet of {effect.at_bet_minor}"
                f" minor units, below this deployment's floor of {floor_percent} %",
            )


def client_figures(
    game: Game, variant: int, cap_minor: int, bets_minor: list[int]
) -> dict[str, Any]:
    """What the game client's help shows: the most a round can really pay and its odds (from
    the exact sheet), the operator's cap (minor units, or None), and the RTP at each bet the
    client offers, keyed by the bet's credit value (bet / credits), as the help knows it."""
    figures = facts.variant_facts(game, variant) or {}
    by_credit = {
        str(bet // game.bet_step_minor): _text(effective_rtp_at(game, variant, cap_minor, bet))
        for bet in bets_minor
    }
    return {
        "max_win": {
            "x": figures.get("max_win_x") or None,
            "one_in": figures.get("max_win_one_in") or None,
        },
        "win_cap_minor": cap_minor if cap_minor > 0 else None,
        "rtp_by_credit": by_credit,
    }


def lowest_rtp(game: Game, variant: int, cap_minor: int, bets_minor: list[int]) -> str:
    """The RTP the session figures show: the variant's when no cap applies, else the
    effective RTP at the largest bet offered (the lowest), as percent text."""
    if cap_minor <= 0 or not bets_minor:
        return str(variant)
    return _text(effective_rtp_at(game, variant, cap_minor, max(bets_minor))) or str(variant)


def _text(percent: Decimal | None) -> str | None:
    return None if percent is None else str(percent)
