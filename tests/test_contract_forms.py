"""The small tables behind the operator APIs' contract forms: launch languages (integer codes,
tags, fallback to English), the contract's spellings (category, currency numbers), the
exact JSON renderer of money, and the log of ignored request fields."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from reelhouse.api.body import UnknownFieldLog
from reelhouse.api.exact_json import dumps
from reelhouse.domain.contract_forms import CURRENCY_NUMBERS, category_spelling, currency_number
from reelhouse.domain.languages import INTEGER_CODES, SUPPORTED_LANGS, launch_lang
from reelhouse.domain.money import CURRENCY_EXPONENTS, currency, to_decimal


@pytest.mark.parametrize(
    ("sent", "played"),
    [
        (1, "en"),
        (2, "ko"),
        (4, "es"),
        (5, "ja"),
        (6, "pt"),
        (7, "tr"),
        (8, "de"),
        (3, "en"),  # th: not offered
        (9, "en"),  # id
        (10, "en"),  # ms
        (11, "en"),  # zh
        (0, "en"),
        (99, "en"),
        (-1, "en"),
        ("de", "de"),
        ("DE", "de"),
        ("pt-BR", "pt"),
        ("pt_BR", "pt"),
        ("th", "en"),
        ("ru", "en"),
        ("it", "en"),
        ("zh-Hant-TW", "en"),
        ("", "en"),
        ("e n", "en"),
        ("x" * 200, "en"),
        (None, "en"),
        (True, "en"),
    ],
)
def test_any_language_plays_and_unknown_ones_in_english(
    sent: int | str | None, played: str
) -> None:
    assert launch_lang(sent) == played


def test_every_integer_code_names_a_language_and_the_offered_ones_play() -> None:
    assert sorted(INTEGER_CODES) == list(range(1, 12))
    for code, lang in INTEGER_CODES.items():
        assert launch_lang(code) == (lang if lang in SUPPORTED_LANGS else "en")


def test_every_supported_currency_has_a_contract_number() -> None:
    assert set(CURRENCY_NUMBERS) == set(CURRENCY_EXPONENTS)
    numbers = (currency_number("USD"), currency_number("EUR"), currency_number("KRW"))
    assert numbers == (840, 978, 410)
    assert category_spelling("slots") == "Slots" and category_spelling("live") == "Live"


def test_money_is_rendered_as_exact_json_numbers() -> None:
    usd, jpy, btc = currency("USD"), currency("JPY"), currency("BTC")
    doc = {"a": to_decimal(4930, usd), "b": to_decimal(5, jpy), "c": to_decimal(1, btc)}
    assert dumps(doc) == '{"a":49.30,"b":5,"c":0.00000001}'
    assert dumps([to_decimal(0, usd), to_decimal(-105, usd), True, None, "é"]) == (
        '[0.00,-1.05,true,null,"é"]'
    )
    with pytest.raises(TypeError):
        dumps({"balance": 49.3})  # a float never carries money
    with pytest.raises(ValueError):
        dumps(Decimal("NaN"))


def test_ignored_fields_are_logged_once_by_name_and_the_log_is_bounded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen = UnknownFieldLog()
    with caplog.at_level(logging.INFO, logger="reelhouse.api"):
        for _ in range(3):
            seen.note("/v4/agent/info", ["is_finish_jackpot", "x\nforged line"])
        seen.note("/v4/user/info", ["is_finish_jackpot"])  # another route: logged again
        for n in range(UnknownFieldLog.MAX_ENTRIES + 50):
            seen.note("/v4/game/all", [f"field_{n}"])
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == UnknownFieldLog.MAX_ENTRIES
    assert all("\n" not in line for line in lines)  # names are quoted, never raw
