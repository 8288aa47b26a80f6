"""The effective RTP under an operator's max win per round, the floor under it (3033, 3034),
and the honest max win: figures from the games' facts.json, refusals through the services and
once over real HTTP. Exactness against brute force is in tests/games/test_exact.py."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.games import catalogue, facts
from reelhouse.games.model import Game
from reelhouse.games.stats import compute_sheet
from reelhouse.services import backoffice_settings, operator_currencies, operators, win_cap
from reelhouse.services.audit import Accountable
from reelhouse.services.settings import ConfigError, load_settings
from reelhouse.store.models import Operator
from tests.harness import OPERATOR_NAME, Stack

FLOOR = Decimal(85)
WHO = Accountable("ops@casino.example", "limits")


def game(code: str) -> Game:
    found = catalogue.get_game(code)
    assert found is not None
    return found


def with_floor(stack: Stack, floor: Decimal = FLOOR) -> None:
    stack.platform.settings = replace(stack.platform.settings, min_effective_rtp=floor)


def set_operator(stack: Stack, **values: int) -> None:
    with stack.platform.db.transaction() as db:
        operator = db.get(Operator, stack.operator_id)
        assert operator is not None
        for name, value in values.items():
            setattr(operator, name, value)


def test_the_max_win_is_what_a_round_can_really_pay_with_its_odds() -> None:
    sevens = facts.variant_facts(game("lucky-sevens"), 96)
    assert sevens is not None
    # Three red sevens on every line: 40.4 bets, not the 1000 the game's cap would allow.
    assert (sevens["max_win_x"], sevens["max_win_one_in"]) == ("40.4", "28821.4")
    for code in ("emerald-temple", "prairie-thunder"):
        capped = facts.variant_facts(game(code), 96)
        assert capped is not None and capped["max_win_x"] == "5000.0"
        assert Decimal(capped["max_win_one_in"]) > Decimal("1e30")  # shown, however rare


def test_a_ten_bet_cap_leaves_dragons_hoard_about_half_its_rtp() -> None:
    dragon = game("dragon-hoard")
    assert facts.effective_rtp(dragon, 96, Fraction(10)) == Decimal("50.63")
    assert facts.effective_rtp(dragon, 96, None) == Decimal("96.00")
    # A cap in money: 10.00 at a bet of 1.00 is ten bets; at 0.10 it is a hundred.
    assert win_cap.effective_rtp_at(dragon, 96, 1000, 100) == Decimal("50.63")
    assert win_cap.effective_rtp_at(dragon, 96, 1000, 10) == Decimal("76.61")


def test_the_stored_table_agrees_with_the_exact_distribution_between_its_points() -> None:
    sevens = game("lucky-sevens")
    sheet = compute_sheet(sevens, 92)
    for cap_x in (Fraction(1, 5), Fraction(33, 10), Fraction(69, 4), Fraction(40), Fraction(999)):
        exact = Decimal(sheet.effective_rtp(float(cap_x)) * 100).quantize(Decimal("0.01"))
        assert facts.effective_rtp(sevens, 92, cap_x) == exact


def test_the_floor_refuses_caps_and_rtps_that_go_below_it(stack: Stack) -> None:
    with_floor(stack)
    op = stack.operator_id
    # 1000.00 at a max bet of 50.00 is 20 bets: Dragon's Hoard 96 keeps 60.31 %.
    with pytest.raises(ReelhouseError) as refused:
        backoffice_settings.set_limits(stack.platform, op, ("0.20", "50.00", "1000.00"), WHO)
    assert refused.value.code == ApiCode.EFFECTIVE_RTP_BELOW_FLOOR
    assert "dragon-hoard" in refused.value.message
    backoffice_settings.set_limits(stack.platform, op, ("0.20", "1.00", "5000.00"), WHO)
    view = backoffice_settings.settings_view(stack.platform, op)
    shown = {e["name"]: e["effective_rtp"] for e in view["cap_effects"]}
    assert all(rtp is not None and rtp >= FLOOR for rtp in shown.values())
    # Figures that do not match a game's math cannot be checked: refused too.
    original = facts.effective_rtp
    try:
        facts.effective_rtp = lambda *_args: None  # type: ignore[assignment]
        with pytest.raises(ReelhouseError) as unknown:
            backoffice_settings.set_limits(stack.platform, op, ("0.20", "1.00", "4000.00"), WHO)
        assert unknown.value.code == ApiCode.EFFECTIVE_RTP_UNKNOWN
    finally:
        facts.effective_rtp = original  # type: ignore[method-assign]


def test_the_agent_rtp_api_refuses_an_rtp_the_cap_would_push_below_the_floor(
    stack: Stack,
) -> None:
    with_floor(stack, Decimal(90))
    # A cap of 3000 bets at the max bet: 96 keeps every game above 90 %, 88 cannot.
    set_operator(stack, max_bet_minor=100, max_win_minor=300_000)
    refused = stack.call("/v4/agent/rtp", {"rtp": 88})
    assert refused["code"] == ApiCode.EFFECTIVE_RTP_BELOW_FLOOR
    assert stack.call("/v4/agent/info", {})["data"]["rtp"] == 96  # unchanged
    assert stack.call("/v4/agent/rtp", {"rtp": 97})["code"] == 0


def test_the_floor_is_checked_in_each_currency_at_its_own_max_bet(stack: Stack) -> None:
    with_floor(stack)
    set_operator(stack, max_win_minor=0)  # the first currency (USD) has no cap
    platform = stack.platform
    eur = {"min_bet_minor": 10}
    # EUR 1000.00 at a max bet of 50.00: 20 bets, Dragon's Hoard 96 keeps 60.31 %: refused.
    with pytest.raises(ReelhouseError) as refused:
        operator_currencies.add_currency(
            platform, OPERATOR_NAME, "EUR", **eur, max_bet_minor=5000, max_win_minor=100_000
        )
    assert refused.value.code == ApiCode.EFFECTIVE_RTP_BELOW_FLOOR
    # At a max bet of 1.00 it is 1000 bets: 90.40 % at 96, so EUR is offered.
    operator_currencies.add_currency(
        platform, OPERATOR_NAME, "EUR", **eur, max_bet_minor=100, max_win_minor=100_000
    )
    # RTP 88 keeps only 82.87 % under EUR's cap (USD has none): refused for EUR's sake.
    with pytest.raises(ReelhouseError) as lowered:
        operators.set_rtp(platform, stack.operator_id, Decimal(88))
    assert lowered.value.code == ApiCode.EFFECTIVE_RTP_BELOW_FLOOR
    # 3000 bets in EUR leave 87.58 % at 88: both the limits and then the RTP pass.
    operator_currencies.update_bet_limits(platform, OPERATOR_NAME, "EUR", (10, 100, 300_000))
    assert operators.set_rtp(platform, stack.operator_id, Decimal(88)) == 8800


def test_the_client_state_carries_the_cap_and_the_effective_rtp() -> None:
    # What services/game_client.py adds to a session's state; the browser test shows it.
    figures = win_cap.client_figures(game("dragon-hoard"), 96, 10_000, [100, 1000])
    assert figures["win_cap_minor"] == 10_000
    assert figures["rtp_by_credit"] == {"10": "76.61", "100": "50.63"}
    assert figures["max_win"] == {"x": "10000.0", "one_in": "47010571396.3"}
    assert win_cap.lowest_rtp(game("dragon-hoard"), 96, 10_000, [100, 1000]) == "50.63"
    assert win_cap.lowest_rtp(game("dragon-hoard"), 96, 0, [100, 1000]) == "96"


def test_the_floor_setting_is_a_percentage(tmp_path: object) -> None:
    base = {"REELHOUSE_DATA_DIR": str(tmp_path), "REELHOUSE_SECRET_KEY": "k" * 44}
    assert load_settings(base).min_effective_rtp == FLOOR
    assert load_settings(base | {"REELHOUSE_MIN_EFFECTIVE_RTP": "90.5"}).min_effective_rtp == (
        Decimal("90.5")
    )
    for bad in ("NaN", "101", "-1", "ninety"):
        with pytest.raises(ConfigError):
            load_settings(base | {"REELHOUSE_MIN_EFFECTIVE_RTP": bad})
