"""The small grammar of group-buy lines: numerals, quantities, prices, entry numbers, mobiles."""

from decimal import Decimal

import pytest

from salesops.groupbuy import text


@pytest.mark.parametrize(
    "written, value",
    [
        ("一", 1),
        ("两", 2),
        ("二", 2),
        ("俩", 2),
        ("三", 3),
        ("仨", 3),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("两百", 200),
        ("一百零五", 105),
        ("一百二十", 120),
        ("零", 0),
        ("半", Decimal("0.5")),
    ],
)
def test_chinese_numerals_read_as_numbers(written, value):
    assert text.chinese_number(written) == value


@pytest.mark.parametrize("written", ["", "三四", "十十", "百", "二两", "一二三", "好"])
def test_strings_that_are_not_one_chinese_numeral_read_as_none(written):
    assert text.chinese_number(written) is None


def after(line: str, name: str):
    """The quantity after `name` in `line`."""
    end = line.index(name) + len(name)
    return text.quantity_after(text.normalise(line), end, len(line))


@pytest.mark.parametrize(
    "line, value, unit",
    [
        ("草莓2盒", 2, "盒"),
        ("草莓 x2", 2, None),
        ("草莓X2", 2, None),
        ("草莓×3", 3, None),
        ("草莓*2", 2, None),
        ("草莓＊２", 2, None),
        ("草莓ｘ２", 2, None),
        ("草莓2", 2, None),
        ("草莓+1", 1, None),
        ("草莓 +2", 2, None),
        ("草莓 2份", 2, "份"),
        ("草莓 2 份", 2, "份"),
        ("草莓: 2", 2, None),
        ("草莓两斤", 2, "斤"),
        ("草莓三盒", 3, "盒"),
        ("草莓十", 10, None),
        ("草莓十二盒", 12, "盒"),
        ("草莓二十", 20, None),
        ("草莓半斤", Decimal("0.5"), "斤"),
        ("草莓1.5斤", Decimal("1.5"), "斤"),
        ("草莓一斤半", Decimal("1.5"), "斤"),
        ("草莓1斤半", Decimal("1.5"), "斤"),
        ("草莓2kg", 2, "kg"),
        ("草莓各2", 2, None),
    ],
)
def test_quantities_after_a_name_in_every_written_form(line, value, unit):
    q = after(line, "草莓")
    assert (q.value, q.unit) == (value, unit)


@pytest.mark.parametrize(
    "line",
    [
        "草莓",
        "草莓 3号楼",
        "草莓3号",
        "草莓 5栋",
        "草莓2单元",
        "草莓 3-2-501",
        "草莓 8点后自提",
        "草莓 39元",
        "草莓 39块钱",
        "草莓 2024年",
        "草莓一定要甜",
        "草莓一起送",
        "草莓 8:30",
        "草莓 3#楼",
    ],
)
def test_buildings_times_money_and_words_are_not_quantities(line):
    assert after(line, "草莓") is None


@pytest.mark.parametrize(
    "line, value, unit",
    [
        ("2盒草莓", 2, "盒"),
        ("两斤草莓", 2, "斤"),
        ("一份草莓", 1, "份"),
        ("十盒草莓", 10, "盒"),
        ("3号楼2盒草莓", 2, "盒"),
        ("王二两斤草莓", 2, "斤"),
        ("2 盒 草莓", 2, "盒"),
    ],
)
def test_quantities_before_a_name_need_a_unit(line, value, unit):
    norm = text.normalise(line)
    q = text.quantity_before(norm, 0, norm.index("草莓"))
    assert (q.value, q.unit) == (value, unit)


@pytest.mark.parametrize("line", ["2草莓", "3号楼草莓", "李梅 草莓", "13800138000草莓"])
def test_a_bare_number_before_a_name_is_not_its_quantity(line):
    norm = text.normalise(line)
    assert text.quantity_before(norm, 0, norm.index("草莓")) is None


@pytest.mark.parametrize(
    "line, number",
    [
        ("1. 李梅", 1),
        ("1.李梅", 1),
        ("1、李梅", 1),
        ("1) 李梅", 1),
        ("1）李梅", 1),
        ("(1) 李梅", 1),
        ("（1）李梅", 1),
        ("【3】李梅", 3),
        ("① 李梅", 1),
        ("⑩李梅", 10),
        ("⑳ 李梅", 20),
        ("㉑ 李梅", 21),
        ("❸ 李梅", 3),
        ("１．李梅", 1),
        ("１２、李梅", 12),
        ("1️⃣ 李梅", 1),
        ("1️⃣0️⃣ 李梅", 10),
        ("12 李梅", 12),
        ("7李梅", 7),
        ("  3. 李梅", 3),
        ("5,李梅", 5),
    ],
)
def test_entry_numbers_in_every_common_form(line, number):
    found = text.entry_number(text.normalise(line))
    assert found is not None and found[0] == number
    assert line[found[1] :] == "李梅"


@pytest.mark.parametrize(
    "line",
    [
        "李梅 草莓2",
        "2盒草莓",
        "3 盒草莓",
        "3号楼2单元",
        "3-2-501 李梅",
        "8点截单",
        "10:00截单",
        "1.5斤车厘子",
        "13800138000 李梅",
        "2024年6月",
        "39元/盒",
        "2x草莓",
    ],
)
def test_lines_that_start_with_a_quantity_building_time_or_mobile_are_not_numbered(line):
    assert text.entry_number(text.normalise(line)) is None


@pytest.mark.parametrize(
    "line, amount, unit",
    [
        ("草莓 39元/盒", "39.00", "盒"),
        ("草莓 39/盒", "39.00", "盒"),
        ("草莓 ¥39", "39.00", None),
        ("草莓 ￥39.9", "39.90", None),
        ("草莓 ¥39.00/盒", "39.00", "盒"),
        ("草莓 39块", "39.00", None),
        ("西瓜 35块一个", "35.00", "个"),
        ("车厘子 每斤99元", "99.00", "斤"),
        ("车厘子 99元一斤", "99.00", "斤"),
        ("车厘子 99元 / 斤", "99.00", "斤"),
    ],
)
def test_posted_prices_in_every_written_form(line, amount, unit):
    (price,) = text.prices(text.normalise(line))
    assert (price.amount, price.unit) == (Decimal(amount), unit)


@pytest.mark.parametrize("line", ["周四晚8点截单", "2024-06-12 20:00", "草莓2盒", "满2盒包邮"])
def test_times_dates_and_quantities_are_not_prices(line):
    assert text.prices(text.normalise(line)) == []


@pytest.mark.parametrize(
    "line, number",
    [
        ("李梅 13800138000", "13800138000"),
        ("李梅 138 0013 8000 3号楼", "13800138000"),
        ("李梅 138-0013-8000", "13800138000"),
        ("李梅 +86 13800138000", "13800138000"),
        ("李梅+8613800138000", "13800138000"),
        ("李梅 １３８００１３８０００", "13800138000"),
        ("草莓2 13912345678", "13912345678"),
        ("草莓13912345678", "13912345678"),
        ("Amy +852 9123 4567", "+85291234567"),
    ],
)
def test_mobiles_anywhere_in_a_line_are_normalised_by_validate(line, number):
    (found,) = text.mobiles(text.normalise(line))
    assert found.number == number


@pytest.mark.parametrize("line", ["12800138000", "1380013800", "138001380001", "3号楼2单元501"])
def test_numbers_that_are_not_mobiles_are_left_alone(line):
    assert text.mobiles(text.normalise(line)) == []


def test_normalising_folds_full_width_forms_and_keeps_every_character_in_place():
    written = "３、小雨　草莓×３（不要太熟）＋１⑩🍓"
    norm = text.normalise(written)
    assert norm == "3、小雨 草莓×3(不要太熟)+1⑩🍓"
    assert len(norm) == len(written)


def test_a_quantity_of_86_before_a_mobile_is_not_its_country_code():
    norm = text.normalise("草莓86 13800138000")
    (found,) = text.mobiles(norm)
    assert (found.number, norm[found.start : found.end]) == ("13800138000", "13800138000")
