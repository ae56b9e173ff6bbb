"""The small grammar of a group-buy line: normalised text, numerals, quantities, prices,
entry numbers and mobiles.

Everything here works on text normalised by `normalise`, which keeps every character in
its place (full-width `２` becomes `2`, `＋` `+`, `（` `(`, the ideographic space a space;
characters whose compatibility form is longer, like `⑩`, stay as they are), so a span
found in the normalised text cuts the same words out of the line as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .. import validate
from ..errors import ValidationError

# Units people write after a quantity. 份, 个 and 件 mean "one of whatever is sold".
UNITS = (
    "公斤 千克 kg KG Kg g 克 斤 两 盒 份 个 只 袋 箱 瓶 包 件 串 颗 枚 条 块 提 杯 罐 桶 "
    "把 束 盆 碗 套 组 对 双 打 听 支 根 片 粒 头 筐 篮 兜 板 排 盘 卷 张 贴 捆 扎 桌"
).split()
GENERIC_UNITS = frozenset("份 个 件".split())
UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN_ALONE = {"俩": 2, "仨": 3, "半": Decimal("0.5")}
CN = "[零〇一二两三四五六七八九十百俩仨]"
NUMBER = rf"\d+(?:\.\d+)?|{CN}+|半"
# A number followed by one of these is a building, a room, a time or money, not a quantity.
NOT_A_QUANTITY = re.compile(
    r"\s*(?:号|楼|栋|幢|单元|室|层|座|期|区|点|时|月|日|年|岁|元|块钱|折|%|#|[-/:]\s*\d)"
)
AFTER = re.compile(
    rf"[ \t]*(?:[:]\s*)?(?P<open>\(\s*)?(?P<each>各\s*)?(?P<mark>[xX×✕✖*+]\s*)?"
    rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT})?(?P<half>半)?(?(open)\s*\))"
)
BEFORE = re.compile(rf"(?<![\d.])(?P<num>{NUMBER})\s*(?P<unit>{UNIT})(?P<half>半)?\s*$")
MONEY = r"\d+(?:\.\d{1,2})?"
PRICE = re.compile(
    rf"(?<![\d.])(?:每\s*(?P<u1>{UNIT})\s*)?"
    rf"(?:¥\s*(?P<a1>{MONEY})(?:\s*(?:元|块钱|块))?|(?P<a2>{MONEY})\s*(?:元|块钱|块))"
    rf"(?:\s*(?:/|一|每)\s*(?P<u2>{UNIT}))?"
    rf"|(?<![\d.])(?P<a3>{MONEY})\s*/\s*(?P<u3>{UNIT})"
)
# A country code is +86 or 0086, or 86 written straight before the number: in '草莓86
# 13800138000' the 86 is a quantity.
MOBILE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)86[\s-]?|86(?=1))?1[3-9]\d(?:[\s-]?\d){8}(?!\d)"
    r"|(?<!\d)\+85[23][\s-]?\d{4}[\s-]?\d{4}(?!\d)"
)
CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ① .. ⑳
CIRCLED |= {chr(0x3251 + i): i + 21 for i in range(15)}  # ㉑ .. ㉟
CIRCLED |= {chr(0x32B1 + i): i + 36 for i in range(15)}  # ㊱ .. ㊿
CIRCLED |= {chr(0x2776 + i): i + 1 for i in range(10)}  # ❶ .. ❿
CIRCLED |= {chr(0x2780 + i): i + 1 for i in range(10)}  # ➀ .. ➉
CIRCLED |= {chr(0x278A + i): i + 1 for i in range(10)}  # ➊ .. ➓
CIRCLED |= {chr(0x2474 + i): i + 1 for i in range(20)}  # ⑴ .. ⒇
CIRCLED |= {chr(0x2488 + i): i + 1 for i in range(20)}  # ⒈ .. ⒛
# After a plain number: a mark (`1.` `1、` `1)`), or a space not followed by a unit
# (`1 李梅`, not `3 盒草莓`), or straight text that is no unit, building, time or money
# (`1李梅`, not `2盒草莓`, `3号楼`, `8点`, `3-2-501`).
_NOT_AFTER_ENTRY = r"\d\s.,:;、)\-/#号楼栋幢单元室层座期区点时月日年元块x×X*+%" + "".join(UNITS)
NUMBERING = re.compile(
    r"\s*(?:(?P<circled>[" + "".join(CIRCLED) + r"])[.、)\s]?"
    r"|(?P<keycap>(?:\d\ufe0f?\u20e3)+)"
    r"|[(\[【]\s*(?P<bracketed>\d{1,4})\s*[)\]】][.、]?"
    r"|(?P<plain>\d{1,4})"
    rf"(?:\s*(?:[.,:](?!\d)|[、);])|\s+(?!\s|{UNIT})|(?=[^{_NOT_AFTER_ENTRY}]))"
    r")\s*"
)


def _char(c: str) -> str:
    """One character's compatibility form when that is one character too, else itself."""
    if c in CIRCLED:
        return c
    folded = unicodedata.normalize("NFKC", c)
    return folded if len(folded) == 1 else c


def normalise(text: str) -> str:
    """`text` with full-width digits, letters and punctuation folded, same length."""
    return "".join(_char(c) for c in text)


def fold(text: str) -> str:
    """The form product names are compared in: normalised and lower-case, same length."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in normalise(text))


def chinese_number(text: str) -> int | Decimal | None:
    """'十二' -> 12, '两' -> 2, '二十' -> 20, '一百零五' -> 105, '半' -> 0.5; None if not one."""
    if text in CN_ALONE:
        return CN_ALONE[text]
    m = re.fullmatch(r"(?:(\D)百(零)?)?(?:(\D)?(十))?(\D)?", text)
    if not text or not m or not _valid_digits(m.group(1), m.group(3), m.group(5)):
        return None
    hundreds, tens, units = (CN_DIGITS.get(g or "零") for g in m.group(1, 3, 5))
    if m.group(4) and not m.group(3):
        tens = 1
    return hundreds * 100 + tens * 10 + units


def _valid_digits(*groups: str | None) -> bool:
    """Whether each present group of a Chinese numeral is one digit."""
    return all(g is None or g in CN_DIGITS for g in groups)


def number(text: str) -> Decimal | None:
    """An Arabic or Chinese number as Decimal ('2' -> 2, '两' -> 2, '1.5' -> 1.5)."""
    if text[:1].isdigit():
        return Decimal(text)
    value = chinese_number(text)
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class Quantity:
    """A quantity read from a line: its value (maybe fractional), unit and span; `each`:
    written as 各N, for every item listed before it."""

    value: Decimal
    unit: str | None
    start: int
    end: int
    each: bool = False


def quantity_after(line: str, pos: int, limit: int) -> Quantity | None:
    """The quantity written right after a product name ending at `pos` (not past `limit`)."""
    m = AFTER.match(line, pos, limit)
    if not m or (value := _value(m)) is None:
        return None
    if not m.group("unit") and _not_a_quantity(line, m.end("num"), m.group("num"), limit):
        return None
    if m.group("unit") == "块" and line.startswith("钱", m.end("unit")):
        return None  # '39块钱' is money
    return Quantity(value, m.group("unit"), pos, m.end(), bool(m.group("each")))


def quantity_before(line: str, start: int, pos: int) -> Quantity | None:
    """The quantity with a unit written right before a product name starting at `pos`."""
    m = BEFORE.search(line, start, pos)
    while m and _value(m) is None and m.end("num") - m.start("num") > 1:
        m = BEFORE.search(line, m.start("num") + 1, pos)  # '王二两斤': try '两斤'
    if not m or (value := _value(m)) is None:
        return None
    return Quantity(value, m.group("unit"), m.start(), pos)


def _value(m: re.Match) -> Decimal | None:
    """The number a quantity match stands for, its trailing 半 added."""
    value = number(m.group("num"))
    if value is not None and m.group("half"):
        value += Decimal("0.5")
    return value


def _not_a_quantity(line: str, end: int, num: str, limit: int) -> bool:
    """Whether the number ending at `end` is a building, a time, money or part of a word."""
    if NOT_A_QUANTITY.match(line, end, limit):
        return True
    follower = line[end:limit][:1]
    return not num[0].isdigit() and _is_word_char(follower)  # '一定', '一起'


def _is_word_char(c: str) -> bool:
    """Whether `c` is a letter or ideograph (not a digit, space, punctuation or emoji)."""
    return bool(c) and unicodedata.category(c).startswith("L")


@dataclass(frozen=True)
class Price:
    """A price posted in the header: amount in yuan, per unit (if given), its span."""

    amount: Decimal
    unit: str | None
    start: int
    end: int


def prices(line: str) -> list[Price]:
    """Every price written in `line`: '39元/盒', '¥39', '39/盒', '39块', '每斤99元'."""
    found = []
    for m in PRICE.finditer(line):
        amount = m.group("a1") or m.group("a2") or m.group("a3")
        unit = m.group("u1") or m.group("u2") or m.group("u3")
        found.append(Price(Decimal(amount).quantize(Decimal("0.01")), unit, m.start(), m.end()))
    return found


@dataclass(frozen=True)
class Mobile:
    """A mobile number found in a line: normalised, and its span."""

    number: str
    start: int
    end: int


def mobiles(line: str) -> list[Mobile]:
    """Every mobile number in `line`, normalised by salesops.validate.mobile."""
    found = []
    for m in MOBILE.finditer(line):
        try:
            found.append(Mobile(validate.mobile(m.group()), m.start(), m.end()))
        except ValidationError:
            continue
    return found


def entry_number(line: str) -> tuple[int, int] | None:
    """(number, where the text after it starts) when `line` starts with an entry number."""
    m = NUMBERING.match(line)
    if not m:
        return None
    if m.group("circled"):
        return CIRCLED[m.group("circled")], m.end()
    digits = m.group("keycap") or m.group("bracketed") or m.group("plain")
    return int("".join(c for c in digits if c.isdigit())), m.end()
