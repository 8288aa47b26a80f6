"""Display units (mBTC, uBTC, sat, mETH...): exact both ways, and text finer than the ledger's
minor unit refused, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reelhouse.domain.display_units import (
    DISPLAY_UNITS,
    DisplayUnit,
    display_to_minor,
    display_unit,
    format_display,
    minor_to_display,
    units_of,
)
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import MoneyError, currency, to_decimal, to_minor

units = st.sampled_from(sorted({u.code: u for u in DISPLAY_UNITS.values()}.values(), key=str))
amounts = st.integers(-MAX_AMOUNT_MINOR, MAX_AMOUNT_MINOR)


@given(units, amounts)
def test_every_ledger_amount_has_an_exact_display_and_comes_back(
    unit: DisplayUnit, amount_minor: int
) -> None:
    text = format_display(amount_minor, unit)
    assert display_to_minor(text, unit) == amount_minor
    shown = minor_to_display(amount_minor, unit)
    assert display_to_minor(shown, unit) == amount_minor
    # The same value as the base amount, only the point moved.
    assert shown == to_decimal(amount_minor, unit.base).scaleb(unit.shift_digits)
    assert to_minor(shown.scaleb(-unit.shift_digits), unit.base) == amount_minor


@given(units, st.integers(0, MAX_AMOUNT_MINOR // 10), st.integers(1, 9))
def test_text_finer_than_the_ledger_is_refused(unit: DisplayUnit, minor: int, digit: int) -> None:
    # One more decimal than the unit has, not zero: a fraction of the base's minor unit.
    text = f"{format_display(minor, unit)}{'' if unit.decimals else '.'}{digit}"
    with pytest.raises(MoneyError):
        display_to_minor(text, unit)


@pytest.mark.parametrize(
    ("name", "text", "minor"),
    [
        ("mBTC", "1.5", 150_000),
        ("mBTC", "0.00001", 1),
        ("uBTC", "2.5", 250),
        ("μBTC", "2.5", 250),
        ("sat", "7", 7),
        ("mETH", "12.34567", 1_234_567),
        ("mLTC", "1", 100_000),
        ("mBCH", "-0.5", -50_000),
    ],
)
def test_known_conversions(name: str, text: str, minor: int) -> None:
    assert display_to_minor(text, display_unit(name)) == minor


def test_refusals() -> None:
    mbtc = display_unit("mBTC")
    for refused in ("0.000001", Decimal("0.5e-5")):
        with pytest.raises(MoneyError, match="more than 5 decimals for mBTC"):
            display_to_minor(refused, mbtc)
    with pytest.raises(MoneyError, match="never floats"):
        display_to_minor(1.5, mbtc)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="out of range"):
        display_to_minor("10000000001", mbtc)
    with pytest.raises(MoneyError):
        display_to_minor("0.5", display_unit("sat"))
    for unknown in ("MBTC", "gwei", "mUSD", "m" * 10_000):
        with pytest.raises(MoneyError, match="display unit"):
            display_unit(unknown)


def test_units_of_a_currency() -> None:
    assert [u.code for u in units_of("BTC")] == ["mBTC", "uBTC", "sat"]
    assert [u.symbol for u in units_of("BTC")] == ["mBTC", "μBTC", "sat"]
    assert units_of("USD") == ()
    assert display_unit("uBTC") is display_unit("μBTC")
    assert display_unit("mBTC").minor_per_unit == 100_000
    assert display_unit("mBTC").base == currency("BTC")
    assert minor_to_display(150_000, display_unit("mBTC")) == Decimal("1.50000")
    assert format_display(1, display_unit("uBTC")) == "0.01"
