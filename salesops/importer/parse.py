"""Cell values from CSV and Excel files turned into clean values, or a plain reason.

Every parser takes whatever a cell holds (text, a number, a datetime from Excel, None)
and returns the clean value or raises ValidationError with the catalog message, the
same rules as salesops.validate uses for forms. `Cached` memoises a parser, since order
files repeat the same prices, quantities, SKUs and dates on many lines.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .. import config, validate
from ..errors import ValidationError
from ..messages import add

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 10
DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d{1,6})?)?\s*秒?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
STATUS_WORDS = {
    "新建": "new",
    "待付款": "new",
    "未付款": "new",
    "已付款": "paid",
    "待发货": "paid",
    "已发货": "shipped",
    "待收货": "shipped",
    "已完成": "completed",
    "交易成功": "completed",
    "已签收": "completed",
    "已取消": "cancelled",
    "交易关闭": "cancelled",
    "已退款": "refunded",
    "退款成功": "refunded",
}
STATUSES = ("new", "paid", "shipped", "completed", "cancelled", "refunded")
MIN_YEAR, MAX_YEAR = 1970, 2100

add(
    {
        "en": {
            "error.date": "{field}: {value!r} is not a date (accepted: 2024-03-05, "
            "2024/3/5 14:30, 2024年3月5日 14:30:00, optionally with +08:00)",
            "error.amount_mismatch": "{field}: {value} is not quantity x unit price "
            "({expected}) within a cent",
        },
        "zh_CN": {
            "error.date": "{field}：{value!r} 不是有效日期（可写作 2024-03-05、2024/3/5 14:30、"
            "2024年3月5日 14:30:00，可带 +08:00）",
            "error.amount_mismatch": "{field}：{value} 与 数量×单价（{expected}）相差超过一分钱",
        },
    }
)


def is_blank(value) -> bool:
    """True for None and text that is only spaces."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def ordered_at(value, field: str = "ordered_at", zone=None) -> datetime:
    """A date or date-time read in the business zone (or its own offset) -> aware UTC."""
    if is_blank(value):
        raise ValidationError.one("error.required", field, value)
    zone = zone or config.business_zone()
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(), zone)
    else:
        moment = _iso(value) or _date_text(value, field, zone)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValidationError.one("error.date", field, value)
    return moment.astimezone(UTC)


def _iso(value) -> datetime | None:
    """The common '2024-03-05 14:30[:00]' form, parsed fast; None for anything else."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date_text(value, field: str, zone) -> datetime:
    """Parse the date forms shop exports use; anything else is a clear error."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = DATE.fullmatch(text)
    if not match:
        raise ValidationError.one("error.date", field, value)
    y, mo, d, h, mi, s, offset = match.groups()
    try:
        naive = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        raise ValidationError.one("error.date", field, value) from None
    if offset:
        return datetime.fromisoformat(naive.isoformat() + ("+00:00" if offset == "Z" else offset))
    return naive.replace(tzinfo=zone)


def money(value, field: str, allow_none: bool = False) -> Decimal | None:
    """Yuan as Decimal; '¥1,234.50', '１２元', Excel floats that are a cent value."""
    if isinstance(value, float) and value == value and abs(value) < 1e15:
        cents = Decimal(repr(value)).quantize(CENT, ROUND_HALF_UP)
        if abs(cents - Decimal(repr(value))) < Decimal("0.000001"):
            value = cents  # 59.970000000000006 from an Excel formula is 59.97
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip().removesuffix("元").strip()
    try:
        amount = validate.money(value, field, allow_none)
    except InvalidOperation:  # too many digits to round to the cent
        amount = MONEY_LIMIT
    if amount is not None and amount >= MONEY_LIMIT:  # more than NUMERIC(12,2) holds
        raise ValidationError.one("error.money", field, value)
    return amount


def quantity(value, field: str = "quantity") -> int:
    """A whole number of items, at least 1 (Excel's 2.0 is 2)."""
    if is_blank(value):
        raise ValidationError.one("error.required", field, value)
    if isinstance(value, float) and value == value and abs(value) < 1e15:
        value = repr(value)
    return validate.quantity(value, field)


def mobile(value, field: str = "mobile") -> str | None:
    """A normalised mobile (Excel may hand over 13800138000 as a number)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return validate.mobile(value, field)


def wechat_id(value, field: str = "wechat_id") -> str | None:
    """A WeChat ID, trimmed; None when blank."""
    return validate.wechat_id(value, field)


def text(value, field: str, limit: int, required: bool = False) -> str:
    """Trimmed text within `limit` characters, without control characters.

    Numbers from Excel become their plain text (an order number 1001.0 is '1001').
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime | date):
        value = value.isoformat(sep=" ")
    return validate.text(value, field, limit, required)


def status(value, field: str = "status") -> str:
    """An order status in English or the Chinese words shops use; blank means completed."""
    if is_blank(value):
        return "completed"
    word = unicodedata.normalize("NFKC", str(value)).strip()
    word = STATUS_WORDS.get(word, word.lower())
    return validate.choice(word, field, STATUSES)


def line_amount(quantity_: int, unit_price, amount, field: str = "amount"):
    """(unit_price, amount, discount) of a line from what the file gives.

    With both, the amount must be quantity x unit price within a cent; with only the
    amount, the unit price is rounded up to the cent and the difference is the discount.
    """
    if amount is None:
        return unit_price, (quantity_ * unit_price).quantize(CENT), Decimal("0.00")
    if unit_price is None:
        price = (amount / quantity_).quantize(CENT, rounding="ROUND_CEILING")
        return price, amount, (quantity_ * price - amount).quantize(CENT)
    expected = quantity_ * unit_price
    if abs(expected - amount) > CENT:
        raise ValidationError.one("error.amount_mismatch", field, amount, expected=expected)
    return unit_price, amount, (expected - amount).quantize(CENT)


class Cached:
    """A parser memoised on the raw cell value: results and error messages both kept."""

    LIMIT = 200_000

    def __init__(self, parse, *args):
        self.parse, self.args, self.seen = parse, args, {}

    def __call__(self, value):
        """The parsed value, or the same ValidationError the parser raised the first time."""
        key = value if value.__class__ is str else (value.__class__, value)
        hit = self.seen.get(key)
        if hit is None:
            try:
                hit = True, self.parse(value, *self.args)
            except ValidationError as e:
                hit = False, e
            if len(self.seen) >= self.LIMIT:
                self.seen.clear()
            self.seen[key] = hit
        ok, result = hit
        if ok:
            return result
        raise result
