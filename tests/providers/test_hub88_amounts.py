"""Hub88 amounts: integers of 1/100000 of the wire currency, exactly to and from minor units,
for currencies of 0, 2, 3, 6 and 8 decimals and Hub88's own codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import CURRENCY_EXPONENTS, MoneyError
from reelhouse.providers.hub88_wire import (
    HUB88_CURRENCIES,
    CurrencyMapping,
    currency_mapping,
    minor_to_wire,
    wire_to_minor,
)


@pytest.mark.parametrize(
    ("wire_code", "wire_amount", "minor"),
    [
        ("USD", 356000, 356),  # 3.56 USD (the contract's example)
        ("USD", 0, 0),
        ("EUR", 100000, 100),
        ("JPY", 500000, 5),  # 0 decimals: 5 yen
        ("KRW", 100000000, 1000),
        ("KWD", 125000, 1250),  # 3 decimals: 1.250 KWD
        ("KWD", 100, 1),  # 0.001 KWD, the smallest
        ("USDT", 123456, 1234560),  # 6 decimals: 1.23456 USDT
        ("BTC", 1, 1000),  # 8 decimals: 0.00001 BTC is 1000 satoshi
        ("BTC", 100000, 100_000_000),  # 1 BTC
        ("mBTC", 1, 1),  # 0.00001 mBTC is one satoshi
        ("mBTC", 100000, 100_000),  # 1 mBTC
    ],
)
def test_wire_to_minor(wire_code: str, wire_amount: int, minor: int) -> None:
    assert wire_to_minor(wire_amount, wire_code) == minor


@pytest.mark.parametrize(
    ("wire_code", "wire_amount"),
    [
        ("USD", 1),  # 0.00001 USD
        ("USD", 356500),  # 3.565 USD
        ("JPY", 150000),  # 1.5 yen
        ("KWD", 12345),  # 0.12345 KWD
    ],
)
def test_amounts_finer_than_the_minor_unit_are_refused(wire_code: str, wire_amount: int) -> None:
    with pytest.raises(MoneyError, match="not a whole minor unit"):
        wire_to_minor(wire_amount, wire_code)


def test_amounts_beyond_the_bound_are_refused() -> None:
    # 2**63 - 1 wire units of BTC is 9.2e21 satoshi: far beyond MAX_AMOUNT_MINOR.
    with pytest.raises(MoneyError, match="out of range"):
        wire_to_minor(2**63 - 1, "BTC")
    with pytest.raises(MoneyError, match="out of range"):
        wire_to_minor((MAX_AMOUNT_MINOR + 1) * 1000, "USD")
    assert wire_to_minor(MAX_AMOUNT_MINOR * 1000, "USD") == MAX_AMOUNT_MINOR


@pytest.mark.parametrize(
    ("wire_code", "minor", "wire"),
    [
        ("USD", 1234, 1234000),
        ("JPY", 5, 500000),
        ("KWD", 1, 100),
        ("mBTC", 7, 7),
        ("BTC", 1000, 1),
    ],
)
def test_minor_to_wire_exact(wire_code: str, minor: int, wire: int) -> None:
    assert minor_to_wire(minor, wire_code) == wire


def test_a_minor_amount_finer_than_the_wire_unit_is_refused_or_floored() -> None:
    # BTC on the wire counts 1/100000 BTC = 1000 satoshi: 1999 satoshi is not exact.
    with pytest.raises(MoneyError):
        minor_to_wire(1999, "BTC")
    assert minor_to_wire(1999, "BTC", floor=True) == 1
    # A negative (credit) balance floors away from zero: never shows more than is held.
    assert minor_to_wire(-1, "BTC", floor=True) == -1


def test_mapping_is_data() -> None:
    assert currency_mapping("mBTC") == CurrencyMapping("BTC", shift=3)
    assert currency_mapping("EUR") == CurrencyMapping("EUR")
    for code in ("uETH", "mLTC", "PTS", "XXX"):
        assert currency_mapping(code).code is None and currency_mapping(code).refused
    assert "not supported" in currency_mapping("ZZZ").refused
    # Every mapping lands on a currency Reelhouse holds.
    for mapping in HUB88_CURRENCIES.values():
        assert mapping.code is None or mapping.code in CURRENCY_EXPONENTS


mapped_codes = st.sampled_from(
    sorted(CURRENCY_EXPONENTS) + [c for c, m in HUB88_CURRENCIES.items() if m.code]
)


@given(mapped_codes, st.integers(min_value=0, max_value=2**63 - 1))
def test_wire_amounts_round_trip_exactly_or_are_refused(code: str, wire_amount: int) -> None:
    try:
        minor = wire_to_minor(wire_amount, code)
    except MoneyError:
        return
    assert 0 <= minor <= MAX_AMOUNT_MINOR
    assert minor_to_wire(minor, code) == wire_amount


@given(mapped_codes, st.integers(min_value=-MAX_AMOUNT_MINOR, max_value=MAX_AMOUNT_MINOR))
def test_floored_balances_never_exceed_the_minor_amount(code: str, minor: int) -> None:
    wire = minor_to_wire(minor, code, floor=True)
    back = wire_to_minor(abs(wire), code) * (1 if wire >= 0 else -1)
    assert back <= minor
