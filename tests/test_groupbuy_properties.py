"""Generated group-buy text: the reader never raises, accounts for every line, and reads a
generated entry back exactly (its mobile and building number never become quantities)."""

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from salesops import validate
from salesops.groupbuy import read_list
from salesops.groupbuy.lines import split

CATALOG = json.loads((Path(__file__).parent / "data/jielong/catalog.json").read_text("utf-8"))
SKUS = {p["sku"] for p in CATALOG}
FRAGMENTS = [
    *(p["name"] for p in CATALOG),
    *(a for p in CATALOG for a in p["aliases"]),
    *"0123456789一二两三十百半零俩仨",
    *"盒斤份个袋瓶包kg公斤",
    *"xX×*+＊ｘ＋各",
    *"1. 1、 1) （1） ① ⑩ １． 1️⃣ 【2】 #".split(),
    "13800138000",
    "+86 138-0013-8000",
    "１３８００１３８０００",
    "138 0013 8000",
    "3号楼2单元",
    "5栋301",
    "12-3-1102",
    "8点",
    "2024-06-12",
    "39元/盒",
    "¥39",
    "39/盒",
    "35块一个",
    "每斤99元",
    "例",
    "例：",
    "#接龙",
    "截单",
    "已截单",
    "接龙",
    "取消",
    "不要了",
    "同上",
    "李梅",
    "王芳🍒",
    "Anna",
    "🌸",
    "🍓🍓",
    "——",
    "~",
    "，",
    "、",
    " ",
    "\t",
    "\n",
    "\r\n",
]
LINE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=14)
LIST = st.lists(LINE.map("".join), max_size=16).map("\n".join)


def check(reading, text):
    """What holds for every reading, whatever the text."""
    numbers = [line.number for line in split(text)]
    in_entries = [n for entry in reading.entries for n in entry.lines]
    assert sorted(in_entries + reading.ignored_lines) == numbers
    assert reading.ignored_lines == sorted(set(reading.ignored_lines))
    for entry in reading.entries:
        assert entry.mobile is None or validate.mobile(entry.mobile) == entry.mobile
        for item in entry.items:
            assert item.sku is None or item.sku in SKUS
            assert item.quantity is None or (isinstance(item.quantity, int) and item.quantity >= 1)
            assert item.unit_price is None or item.unit_price == item.unit_price.quantize(
                Decimal("0.01")
            )
    for lang in ("zh_CN", "en"):
        shape = json.loads(reading.to_json(lang=lang))
        problems = shape["problems"] + [p for o in shape["orders"] for p in o["problems"]]
        assert all("{" not in p and p for p in problems)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_without_raising_and_every_line_is_accounted_for(text):
    check(read_list(text, CATALOG), text)


@settings(max_examples=300, deadline=None)
@given(LIST)
def test_lines_made_of_list_fragments_are_read_without_raising(text):
    check(read_list(text, CATALOG), text)


def chinese(n: int) -> str:
    """n (1-99) in Chinese numerals, written independently of the reader's parser."""
    digits = "零一二三四五六七八九"
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[units] if units else "") if n >= 10 else digits[n]


def fullwidth(n: int) -> str:
    """n in full-width digits."""
    return "".join(chr(ord(c) + 0xFEE0) for c in str(n))


PRODUCTS = [(p["sku"], name) for p in CATALOG if p["active"] for name in [p["name"], *p["aliases"]]]
UNAMBIGUOUS = [(sku, name) for sku, name in PRODUCTS if [n for _, n in PRODUCTS].count(name) == 1]
QUANTITY_STYLES = [
    lambda name, q: f"{name}{q}",
    lambda name, q: f"{name}{q}盒",
    lambda name, q: f"{name} x{q}",
    lambda name, q: f"{name}X{q}",
    lambda name, q: f"{name}×{q}",
    lambda name, q: f"{name}*{q}",
    lambda name, q: f"{name} {q}份",
    lambda name, q: f"{q}盒{name}",
    lambda name, q: f"{name}{chinese(q)}盒",
    lambda name, q: f"{chinese(q)}斤{name}",
    lambda name, q: f"{name}{fullwidth(q)}",
]
NUMBER_STYLES = ["{}. ", "{}、", "{}) ", "（{}）", "{}．", "{}.", "【{}】"]
BUYERS = ["李梅", "王芳🍒", "Anna", "小鱼儿🐟", "陈姐", "Tony", "🌸Lily🌸", "张建国", "阿May"]
MOBILES = {
    "13800138000": "13800138000",
    "+86 139-1234-5678": "13912345678",
    "158 0000 1111": "15800001111",
    "１３７００００１２３４": "13700001234",
}


@settings(max_examples=400, deadline=None)
@given(
    number=st.integers(1, 999),
    number_style=st.sampled_from(NUMBER_STYLES),
    buyer=st.sampled_from(BUYERS),
    product=st.sampled_from(UNAMBIGUOUS),
    quantity=st.integers(1, 99),
    style=st.sampled_from(QUANTITY_STYLES),
    mobile=st.sampled_from([None, *MOBILES]),
    building=st.sampled_from(["", "3号楼2单元", "5栋301", "12-3-1102", "7栋"]),
    order=st.permutations(["item", "mobile", "building"]),
)
def test_a_generated_entry_reads_back_exactly(
    number, number_style, buyer, product, quantity, style, mobile, building, order
):
    sku, name = product
    parts = {"item": style(name, quantity), "mobile": mobile or "", "building": building}
    line = number_style.format(number) + buyer + " " + " ".join(p for k in order if (p := parts[k]))
    (entry,) = read_list(line, CATALOG).entries
    assert entry.number == number
    assert entry.buyer == buyer
    assert [(i.sku, i.quantity) for i in entry.items] == [(sku, quantity)]
    assert entry.mobile == (MOBILES[mobile] if mobile else None)
    assert entry.note == building
    assert entry.problems == []
