"""Normalise and check the values people type: mobiles, WeChat IDs, money, text.

Each function returns the clean value or raises ValidationError naming the field, the
value and what is accepted. The importer, the pages and the CLI all go through here.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import ValidationError

MAINLAND = re.compile(r"1[3-9]\d{9}")
FOREIGN = re.compile(r"\+[1-9]\d{6,14}")
WECHAT = re.compile(r"[A-Za-z0-9_-]{2,64}")
SEPARATORS = re.compile(r"[\s\-().\u00a0\u3000]")
QUOTE = 40  # characters of a value a message quotes at most
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CENT = Decimal("0.01")
MASK = "*"  # what hides a mobile's middle digits from staff (salesops.masking)


def is_masked(value) -> bool:
    """Whether `value` is a mobile as staff see it, masked (138****8000): never stored."""
    return isinstance(value, str) and MASK in value


def mobile(value, field: str = "mobile") -> str | None:
    """'+86 138-0013-8000', '１３８００１３８０００' -> '13800138000'; '+44 20...' -> '+4420...'."""
    if value is None or str(value).strip() == "":
        return None
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value)))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if MAINLAND.fullmatch(text) or FOREIGN.fullmatch(text):
        return text
    if is_masked(text):  # a number as staff see it (salesops.masking): never stored
        raise ValidationError.one("error.mobile_masked", field, value)
    raise ValidationError.one("error.mobile", field, value)


def wechat_id(value, field: str = "wechat_id") -> str | None:
    """A WeChat ID trimmed, case kept; None when blank."""
    if value is None or str(value).strip() == "":
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not WECHAT.fullmatch(text):
        raise ValidationError.one("error.wechat", field, value)
    return text


def wechat_key(value: str | None) -> str | None:
    """The form WeChat IDs are matched by: case-insensitive."""
    return value.lower() if value else None


def short(value, limit: int = QUOTE) -> str:
    """`value` as text for a message: its first `limit` characters, `…` when cut (a
    message never carries a whole long value)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def text(value, field: str, limit: int, required: bool = False) -> str:
    """Trimmed text within `limit` characters and without control characters."""
    clean = "" if value is None else str(value).strip()
    if required and not clean:
        raise ValidationError.one("error.required", field, value)
    if len(clean) > limit:
        raise ValidationError.one("error.too_long", field, short(clean), limit=limit)
    if CONTROL.search(clean):
        raise ValidationError.one("error.text", field, short(clean))
    return clean


def money(value, field: str, allow_none: bool = False) -> Decimal | None:
    """A non-negative amount in yuan with at most two decimals, as Decimal."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if allow_none:
            return None
        raise ValidationError.one("error.required", field, value)
    try:
        text_value = unicodedata.normalize("NFKC", str(value)).strip().lstrip("¥").replace(",", "")
        amount = Decimal(text_value) if not isinstance(value, float) else Decimal(repr(value))
    except (InvalidOperation, ValueError):
        raise ValidationError.one("error.money", field, value) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise ValidationError.one("error.money", field, value)
    return amount.quantize(CENT)


def quantity(value, field: str = "quantity") -> int:
    """A whole number of items, at least 1."""
    try:
        number = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError.one("error.quantity", field, value) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 1:
        raise ValidationError.one("error.quantity", field, value)
    return int(number)


def whole_number(value, field: str, limit: int = 10**9) -> int | None:
    """A whole number >= 0 and below `limit` (a stock count, a reorder level); None when
    blank ('' or spaces); Excel's 12.0 is 12."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise ValidationError.one("error.whole", field, value)
    try:
        number = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError.one("error.whole", field, value) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number < limit:
        raise ValidationError.one("error.whole", field, value)
    return int(number)


def choice(value, field: str, accepted) -> str:
    """One of `accepted`."""
    if value not in accepted:
        raise ValidationError.one("error.choice", field, value, accepted=", ".join(accepted))
    return value


FLAGS = {
    "true": True,
    "yes": True,
    "1": True,
    "是": True,
    "false": False,
    "no": False,
    "0": False,
    "否": False,
    "": False,
}


def flag(value, field: str) -> bool:
    """A yes/no setting: a bool, or true/false, yes/no, 1/0, 是/否 (blank: no)."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    found = FLAGS.get(unicodedata.normalize("NFKC", str(value)).strip().lower())
    if found is None:
        raise ValidationError.one("error.choice", field, value, accepted="yes, no")
    return found


def collect(checks: dict) -> dict:
    """Run {field: zero-arg check} and return the clean values, or raise all problems at once."""
    clean, problems = {}, []
    for field, check in checks.items():
        try:
            clean[field] = check()
        except ValidationError as e:
            problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    return clean
