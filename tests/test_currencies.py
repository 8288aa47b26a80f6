"""The currency registry: every ISO 4217 code of the official list with its minor unit, the
codes without one refused by name, the crypto table, and the bounds at 8 decimals."""

from __future__ import annotations

import iso4217
import pytest

from reelhouse.domain.contract_forms import CURRENCY_NUMBERS, NO_NUMERIC_CODE, currency_number
from reelhouse.domain.crypto_currencies import CRYPTO_EXPONENTS
from reelhouse.domain.iso_currencies import ISO_EXPONENTS, ISO_WITHOUT_MINOR_UNIT
from reelhouse.domain.limits import MAX_AMOUNT_MINOR, MAX_CURRENCY_DECIMALS
from reelhouse.domain.money import (
    CURRENCY_EXPONENTS,
    MoneyError,
    currency,
    format_fixed,
    is_supported,
    to_minor,
)

# What Reelhouse accepted before the list came from ISO: all of it must still play.
EARLIER_TABLE = {
    **dict.fromkeys(
        ["USD", "EUR", "GBP", "CAD", "AUD", "BRL", "INR", "TRY", "PHP", "MXN", "THB"], 2
    ),
    **dict.fromkeys(["JPY", "KRW", "VND", "CLP"], 0),
    **dict.fromkeys(["KWD", "BHD", "TND"], 3),
    "USDT": 6,
    "BTC": 8,
}


def test_every_iso_currency_loads_with_its_minor_unit() -> None:
    listed = list(iso4217.Currency)
    assert len(listed) > 150  # the whole list, not a sample of it
    for entry in listed:
        if entry.exponent is None:
            assert not is_supported(entry.code)
            continue
        assert currency(entry.code).exponent == entry.exponent, entry.code
        assert currency_number(entry.code) == entry.number, entry.code


@pytest.mark.parametrize(
    ("code", "exponent"),
    [
        ("SEK", 2),
        ("NOK", 2),
        ("JPY", 0),
        ("ISK", 0),
        ("KRW", 0),
        ("XOF", 0),
        ("PYG", 0),
        ("KWD", 3),
        ("JOD", 3),
        ("OMR", 3),
        ("LYD", 3),
        ("IQD", 3),  # CLDR's cash digits say 0: ISO's minor unit is what a ledger keeps
        ("HUF", 2),  # CLDR: 0
        ("CLF", 4),
        ("UYW", 4),
        ("UYI", 0),
    ],
)
def test_known_minor_units(code: str, exponent: int) -> None:
    assert currency(code).exponent == exponent


@pytest.mark.parametrize(
    "code", ["XAU", "XAG", "XPD", "XPT", "XDR", "XSU", "XUA", "XBA", "XBD", "XTS", "XXX"]
)
def test_codes_without_a_minor_unit_are_refused_by_name(code: str) -> None:
    assert code in ISO_WITHOUT_MINOR_UNIT
    assert not is_supported(code)
    with pytest.raises(MoneyError, match="no minor unit in ISO 4217"):
        currency(code)


def test_unknown_codes_are_refused_with_a_bounded_one_line_reason() -> None:
    with pytest.raises(MoneyError, match="codes are upper case \\(SEK\\)"):
        currency("sek")
    with pytest.raises(MoneyError, match="neither an ISO 4217 code"):
        currency("ABC")
    for code in ("", "X" * 10_000, "US\nD", "€"):
        with pytest.raises(MoneyError) as refused:
            currency(code)
        message = str(refused.value)
        assert "\n" not in message and len(message) < 200
        assert not is_supported(code)


def test_what_was_supported_before_still_is() -> None:
    assert {code: currency(code).exponent for code in EARLIER_TABLE} == EARLIER_TABLE


def test_the_crypto_table_fits_the_bounds_and_no_iso_code() -> None:
    assert {"BTC", "ETH", "LTC", "USDT", "USDC", "BCH", "DOGE", "TRX", "XRP", "SOL"} <= set(
        CRYPTO_EXPONENTS
    )
    assert not set(CRYPTO_EXPONENTS) & (set(ISO_EXPONENTS) | ISO_WITHOUT_MINOR_UNIT)
    assert all(0 <= e <= MAX_CURRENCY_DECIMALS for e in CURRENCY_EXPONENTS.values())
    assert (currency("ETH").exponent, currency("SOL").exponent) == (8, 8)  # capped
    assert (currency("USDC").exponent, currency("XRP").exponent) == (6, 6)
    assert {CURRENCY_NUMBERS[c] for c in CRYPTO_EXPONENTS} == {NO_NUMERIC_CODE}
    assert (currency_number("SEK"), currency_number("JOD")) == (752, 400)


def test_eight_decimals_stay_within_the_amount_bound() -> None:
    btc = currency("BTC")
    assert to_minor("10000000", btc) == MAX_AMOUNT_MINOR  # ten million coins
    assert format_fixed(MAX_AMOUNT_MINOR, btc) == "10000000.00000000"
    assert to_minor("0.00000001", btc) == 1
    for refused in ("10000000.00000001", "0.000000001", "1e-9"):
        with pytest.raises(MoneyError):
            to_minor(refused, btc)
    # A currency of 4 decimals refuses a fifth, never rounds it.
    with pytest.raises(MoneyError, match="more than 4 decimals for CLF"):
        to_minor("1.00005", currency("CLF"))
    assert to_minor("1.0001", currency("UYW")) == 10001
