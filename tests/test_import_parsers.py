"""The import's cell parsers on generated input: always a value or a clear reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops import config
from salesops.errors import ValidationError
from salesops.importer import parse

CELLS = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789-/.:年月日时分秒 +Z¥,元，０１２３４５６７８９"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.dates(),
    st.decimals(allow_nan=True),
)


def _value_or_reason(parser, value, *args):
    """The parsed value, or the reason as text; anything else fails the test."""
    try:
        return parser(value, *args)
    except ValidationError as e:
        assert e.problems and all(p.message.strip() for p in e.problems)
        return str(e)


@settings(max_examples=400, deadline=None)
@given(CELLS)
def test_dates_give_an_aware_utc_datetime_or_a_reason(value):
    got = _value_or_reason(parse.ordered_at, value)
    assert isinstance(got, str) or (isinstance(got, datetime) and got.tzinfo is UTC)


@settings(max_examples=400, deadline=None)
@given(CELLS)
def test_money_gives_a_cent_decimal_or_a_reason(value):
    got = _value_or_reason(parse.money, value, "amount", True)
    assert (
        got is None
        or isinstance(got, str)
        or (isinstance(got, Decimal) and got >= 0 and got == got.quantize(Decimal("0.01")))
    )


@settings(max_examples=400, deadline=None)
@given(CELLS)
def test_quantities_give_a_positive_int_or_a_reason(value):
    got = _value_or_reason(parse.quantity, value)
    assert isinstance(got, str) or (isinstance(got, int) and got >= 1)


@settings(max_examples=400, deadline=None)
@given(CELLS)
def test_mobiles_give_a_normalised_number_or_a_reason(value):
    got = _value_or_reason(parse.mobile, value)
    assert got is None or isinstance(got, str)
    if isinstance(got, str) and not got.startswith(("mobile", "手机")):
        assert got.isdigit() and len(got) == 11 or got.startswith("+")


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(
        ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
    ),
)
def test_written_date_times_are_read_in_the_business_zone(moment, fmt):
    moment = moment.replace(microsecond=0)
    got = parse.ordered_at(moment.strftime(fmt))
    assert got == moment.replace(tzinfo=config.business_zone()).astimezone(UTC)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1971, 1, 1), max_value=date(2099, 12, 31)))
def test_a_date_alone_is_midnight_in_the_business_zone(day):
    got = parse.ordered_at(f"{day.year}/{day.month}/{day.day}")
    local = got.astimezone(config.business_zone())
    assert local.date() == day and local.time().hour == 0
    assert got.tzinfo is UTC and abs(
        got - datetime(day.year, day.month, day.day, tzinfo=UTC)
    ) <= timedelta(hours=14)


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2),
    st.sampled_from(["{}", "¥{:,}", "￥{}", "{}元", " {} "]),
)
def test_written_amounts_read_back_exactly(amount, fmt):
    assert parse.money(fmt.format(amount), "amount") == amount


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["{}", "+86 {}", "86{}", "dashes", "fullwidth"]),
)
def test_written_mobiles_normalise_back(number, fmt):
    text = {
        "fullwidth": number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "dashes": f"{number[:3]}-{number[3:7]}-{number[7:]}",
    }.get(fmt) or fmt.format(number)
    assert parse.mobile(text) == number


@pytest.mark.parametrize(
    "value,expected",
    [
        (59.970000000000006, Decimal("59.97")),  # an Excel formula's float
        (128, Decimal("128.00")),
        ("1,234.50", Decimal("1234.50")),
    ],
)
def test_excel_numbers_become_cents(value, expected):
    assert parse.money(value, "amount") == expected


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**6),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2)),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_line_amounts_add_up_or_are_refused(qty, price, amount):
    try:
        unit, total, discount = parse.line_amount(qty, price, amount)
    except ValidationError as e:
        assert "quantity" in str(e) or "数量" in str(e)
        return
    assert total == amount and qty * unit - discount == total
