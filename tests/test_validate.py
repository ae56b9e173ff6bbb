"""Normalising what people type: mobiles, WeChat IDs, money."""

from decimal import Decimal

import pytest

from salesops import validate
from salesops.errors import ValidationError


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("0086 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("＋８６　１３８－００１３－８０００", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("(+86) 199.0000.1111", "19900001111"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("", None),
        (None, None),
    ],
)
def test_mobile_numbers_are_normalised(typed, stored):
    assert validate.mobile(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12800138000", "1380013800", "138001380001", "abc", "+86 12345", "138-0013-800x"]
)
def test_bad_mobile_numbers_are_refused_with_field_and_value(typed):
    with pytest.raises(ValidationError) as e:
        validate.mobile(typed)
    assert e.value.fields == ["mobile"]
    assert repr(typed) in str(e.value)


def test_wechat_ids_are_trimmed_and_keep_their_case():
    assert validate.wechat_id("  Tea_Lover-88 ") == "Tea_Lover-88"
    assert validate.wechat_key("Tea_Lover-88") == "tea_lover-88"
    with pytest.raises(ValidationError):
        validate.wechat_id("has space")


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("12.5", Decimal("12.50")),
        ("¥1,234.50", Decimal("1234.50")),
        (0, Decimal("0.00")),
        ("０.１", Decimal("0.10")),
    ],
)
def test_money_is_decimal_to_the_cent(typed, amount):
    value = validate.money(typed, "price")
    assert value == amount and isinstance(value, Decimal)


@pytest.mark.parametrize("typed", ["-1", "1.234", "abc", "NaN", "Infinity"])
def test_bad_money_is_refused(typed):
    with pytest.raises(ValidationError, match="price"):
        validate.money(typed, "price")


def test_collect_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as e:
        validate.collect(
            {
                "mobile": lambda: validate.mobile("123"),
                "price": lambda: validate.money("x", "price"),
                "name": lambda: validate.text("ok", "name", 10),
            }
        )
    assert e.value.fields == ["mobile", "price"]
