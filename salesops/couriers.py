"""The couriers an order ships with, and the tracking numbers each one issues.

    >>> find_courier("顺丰速运").code
    'sf'
    >>> check_tracking("sf", "sf 1234 5678 9012 3")
    'SF1234567890123'
    >>> needs_number("自提")
    False

A courier is stored by its stable `code` (sf, zto, yto, yunda, sto, jt, ems, jd, deppon,
other, pickup, local); people may name it any way they write it (顺丰, SF, 中通快递, J&T,
中国邮政, 京东物流...). Each tracking-number pattern follows the numbers the courier issues
today, loose where its formats vary, so a typo (a digit missing or extra, the letter O for
0, a stray character) is caught without refusing a real number. Self pickup (自提) and
local delivery (同城配送) need no number. Names and the expected shapes are in the message
catalog, in Chinese and English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import ValidationError
from .messages import add, t

INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")  # WeChat copies carry zero-width spaces


@dataclass(frozen=True)
class Courier:
    """A courier: stable code, the names people write, the shape of its tracking numbers."""

    code: str
    aliases: tuple[str, ...]
    pattern: str | None  # a full match of the cleaned number; None: no number needed
    example: str = ""

    @property
    def name(self) -> str:
        """The courier's name in the page language (顺丰速运 / SF Express)."""
        return t(f"courier.{self.code}")

    @property
    def shape(self) -> str:
        """The tracking numbers it issues, in words, in the page language."""
        return t(f"courier.shape.{self.code}")

    def accepts(self, number: str) -> bool:
        """Whether a cleaned `number` has the shape of this courier's tracking numbers."""
        if self.pattern is None or not re.fullmatch(self.pattern, number):
            return False
        return self.code != "ems" or number.isdigit() or _s10_check_digit_ok(number)


# code, the names people write ("|" between), tracking-number pattern (None: no number), example
TABLE = (
    (
        "sf",
        "顺丰|顺丰速运|顺丰快递|顺丰速递|SF|SF Express|shunfeng",
        r"SF\d{12,13}|\d{12}",
        "SF1234567890123",
    ),
    ("zto", "中通|中通快递|中通速递|ZTO|ZTO Express", r"\d{12}|\d{14}", "78123456789012"),
    ("yto", "圆通|圆通速递|圆通快递|YTO|YTO Express", r"YT\d{13}", "YT7512345678901"),
    ("yunda", "韵达|韵达快递|韵达速递|Yunda|Yunda Express|YD", r"\d{13}|\d{15}", "4312345678901"),
    ("sto", "申通|申通快递|STO|STO Express", r"\d{12,15}", "773123456789012"),
    ("jt", "极兔|极兔速递|极兔快递|J&T|J&T Express|JT|JTexpress", r"JT\d{13}", "JT0001234567890"),
    (
        "ems",
        "邮政|中国邮政|邮政快递|邮政快递包裹|邮政包裹|邮政EMS|EMS|中国邮政速递物流|China Post",
        r"[159]\d{12}|[A-Z]{2}\d{9}[A-Z]{2}",  # domestic; UPU S10 international (check digit)
        "1100123456789",
    ),
    ("jd", "京东|京东快递|京东物流|JD|JDL|JD Logistics", r"JD[A-Z0-9]{2}\d{11}", "JDVA12345678901"),
    ("deppon", "德邦|德邦快递|德邦物流|Deppon|DBL", r"DPK\d{12}|\d{8,10}", "DPK123456789012"),
    ("other", "其他|其它|其他快递|other", r"[A-Z0-9]{6,40}", "AB12345678"),
    ("pickup", "自提|到店自提|上门自提|自取|self pickup|pickup", None, "A-12"),
    ("local", "同城配送|同城|同城送|同城快送|送货上门|local delivery|local", None, "A-12"),
)
COURIERS = tuple(Courier(c, tuple(names.split("|")), p, e) for c, names, p, e in TABLE)
BY_NAME = {
    INVISIBLE.sub("", unicodedata.normalize("NFKC", n)).lower(): c
    for c in COURIERS
    for n in (c.code,) + c.aliases
}

add(
    {
        "en": {
            "courier.sf": "SF Express",
            "courier.zto": "ZTO Express",
            "courier.yto": "YTO Express",
            "courier.yunda": "Yunda Express",
            "courier.sto": "STO Express",
            "courier.jt": "J&T Express",
            "courier.ems": "China Post / EMS",
            "courier.jd": "JD Logistics",
            "courier.deppon": "Deppon Express",
            "courier.other": "Other courier",
            "courier.pickup": "Self pickup",
            "courier.local": "Local delivery",
            "courier.shape.sf": "SF and 12-13 digits, or 12 digits on older waybills",
            "courier.shape.zto": "12 or 14 digits",
            "courier.shape.yto": "YT and 13 digits",
            "courier.shape.yunda": "13 or 15 digits",
            "courier.shape.sto": "12-15 digits",
            "courier.shape.jt": "JT and 13 digits",
            "courier.shape.ems": "13 digits starting with 1, 5 or 9, or an international "
            "number like EA123456785CN",
            "courier.shape.jd": "JD, 2 letters or digits, and 11 digits",
            "courier.shape.deppon": "DPK and 12 digits, or 8-10 digits for freight",
            "courier.shape.other": "6-40 letters or digits",
            "courier.shape.pickup": "no number needed; at most 40 letters, digits or dashes",
            "courier.shape.local": "no number needed; at most 40 letters, digits or dashes",
            "error.courier": "{field}: {value!r} is not a courier on the list "
            "(accepted: {accepted})",
            "error.tracking_required": "{field}: {courier} needs a tracking number ({shape})",
            "error.tracking": "{field}: {value!r} is not a {courier} tracking number (expected: "
            "{shape}, e.g. {example})",
        },
        "zh_CN": {
            "courier.sf": "顺丰速运",
            "courier.zto": "中通快递",
            "courier.yto": "圆通速递",
            "courier.yunda": "韵达快递",
            "courier.sto": "申通快递",
            "courier.jt": "极兔速递",
            "courier.ems": "中国邮政 / EMS",
            "courier.jd": "京东物流",
            "courier.deppon": "德邦快递",
            "courier.other": "其他快递",
            "courier.pickup": "自提",
            "courier.local": "同城配送",
            "courier.shape.sf": "SF 加 12-13 位数字，旧面单为 12 位数字",
            "courier.shape.zto": "12 或 14 位数字",
            "courier.shape.yto": "YT 加 13 位数字",
            "courier.shape.yunda": "13 或 15 位数字",
            "courier.shape.sto": "12-15 位数字",
            "courier.shape.jt": "JT 加 13 位数字",
            "courier.shape.ems": "以 1、5 或 9 开头的 13 位数字，或国际单号如 EA123456785CN",
            "courier.shape.jd": "JD 加 2 位字母或数字再加 11 位数字",
            "courier.shape.deppon": "DPK 加 12 位数字，快运为 8-10 位数字",
            "courier.shape.other": "6-40 位字母或数字",
            "courier.shape.pickup": "无需单号；最多 40 位字母、数字或横线",
            "courier.shape.local": "无需单号；最多 40 位字母、数字或横线",
            "error.courier": "{field}：{value!r} 不在快递公司列表中（可选：{accepted}）",
            "error.tracking_required": "{field}：{courier}需要快递单号（{shape}）",
            "error.tracking": "{field}：{value!r} 不是{courier}的快递单号（应为{shape}，"
            "例如 {example}）",
        },
    }
)


def couriers() -> tuple[Courier, ...]:
    """Every courier, in the order a dropdown offers them."""
    return COURIERS


def find_courier(text) -> Courier | None:
    """The courier `text` names (code, name or alias, any case or width), or None."""
    if isinstance(text, Courier):
        return text
    key = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text or ""))).lower()
    return BY_NAME.get(key)


def check_courier(value, field: str = "courier") -> Courier:
    """The courier `value` names, or ValidationError listing the couriers accepted."""
    found = find_courier(value)
    if found is None:
        accepted = ", ".join(c.name for c in COURIERS)
        raise ValidationError.one("error.courier", field, value, accepted=accepted)
    return found


def needs_number(courier) -> bool:
    """Whether shipping with `courier` (a Courier or its name) needs a tracking number."""
    return check_courier(courier).pattern is not None


def check_tracking(courier, number, field: str = "tracking_no") -> str:
    """The tracking number cleaned (no spaces, half-width, upper case), or ValidationError.

    Blank is accepted only for couriers that need no number (self pickup, local delivery),
    which keep a number given anyway (a pickup code, a runner's order) if it is short.
    """
    found = check_courier(courier)
    clean = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(number or ""))).upper()
    if not clean and found.pattern is not None:
        raise _refused("error.tracking_required", field, number, found)
    if found.pattern is None and re.fullmatch(r"[A-Z0-9-]{0,40}", clean):
        return clean
    if not found.accepts(clean):
        raise _refused("error.tracking", field, number, found)
    return clean


def _refused(key: str, field: str, number, found: Courier) -> ValidationError:
    """The error naming the courier and the shape it expects (words looked up only when a
    number is refused: bulk shipping checks thousands that are fine)."""
    params = {"courier": found.name, "shape": found.shape, "example": found.example}
    return ValidationError.one(key, field, number, **params)


def _s10_check_digit_ok(number: str) -> bool:
    """The UPU S10 check digit (EA123456785CN: weights 8 6 4 2 3 5 9 7 on the serial)."""
    digits = [int(d) for d in number[2:10]]
    rest = 11 - sum(w * d for w, d in zip((8, 6, 4, 2, 3, 5, 9, 7), digits, strict=True)) % 11
    return int(number[10]) == {10: 0, 11: 5}.get(rest, rest)
