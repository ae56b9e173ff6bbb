"""One message catalog for everything people read: Simplified Chinese and English.

`t(key, **params)` formats the message for SALESOPS_LANG (default zh_CN), falling back
to English, then to the key itself, so a missing translation never breaks a page.
Pages add their labels here too, so the two languages stay side by side.
"""

from __future__ import annotations

from decimal import Decimal

from . import config

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        "error.required": "{field}: required",
        "error.too_long": "{field}: {value!r} is longer than {limit} characters",
        "error.mobile": "{field}: {value!r} is not a mobile number (accepted: 11-digit "
        "mainland number starting 13-19, optionally +86, spaces or dashes; or +country code)",
        "error.mobile_masked": "{field}: {value!r} is masked; type the whole number",
        "error.wechat": "{field}: {value!r} is not a WeChat ID (accepted: 2-64 letters, "
        "digits, _ or -, no spaces)",
        "error.duplicate": "{field}: {value!r} already belongs to customer {code} {name}",
        "error.not_found": "{field}: no {what} with {value!r}",
        "error.cycle": "{field}: {value!r} would make a cycle ({chain})",
        "error.self": "{field}: a customer cannot be their own {what}",
        "error.not_agent": "{field}: {value!r} is not an agent",
        "error.money": "{field}: {value!r} is not an amount in yuan (accepted: a number "
        ">= 0 with at most 2 decimals)",
        "error.quantity": "{field}: {value!r} is not a quantity (accepted: a whole number >= 1)",
        "error.choice": "{field}: {value!r} is not one of {accepted}",
        "error.no_lines": "{field}: an order needs at least one line",
        "error.discount_too_big": "{field}: discount {value} is more than the goods total {limit}",
        "error.transition": "status: an order that is {value} cannot become {target} "
        "(allowed: {accepted})",
        "error.reason": "{field}: give a reason to {what}",
        "error.conflict": "{what} {ident} was changed by {who} at {when}; reload it and "
        "make your change again (nothing was saved)",
        "error.deleted": "{what} {ident} was deleted by {who} at {when}",
        "error.permission": "{who} ({role}) may not {action}; nothing was changed",
        "error.text": "{field}: {value!r} contains control characters",
        "error.whole": "{field}: {value!r} is not a whole number >= 0",
    },
    "zh_CN": {
        "error.required": "{field}：必填",
        "error.too_long": "{field}：{value!r} 超过 {limit} 个字符",
        "error.mobile": "{field}：{value!r} 不是有效手机号（应为以 13-19 开头的 11 位大陆手机号，"
        "可带 +86、空格或横线；或 +国家区号）",
        "error.mobile_masked": "{field}：{value!r} 是打了星号的号码，请输入完整手机号",
        "error.wechat": "{field}：{value!r} 不是有效微信号（2-64 位字母、数字、_ 或 -，不含空格）",
        "error.duplicate": "{field}：{value!r} 已属于客户 {code} {name}",
        "error.not_found": "{field}：找不到{what} {value!r}",
        "error.cycle": "{field}：{value!r} 会形成循环（{chain}）",
        "error.self": "{field}：客户不能是自己的{what}",
        "error.not_agent": "{field}：{value!r} 不是代理",
        "error.money": "{field}：{value!r} 不是有效金额（应为不小于 0、最多两位小数的数字）",
        "error.quantity": "{field}：{value!r} 不是有效数量（应为不小于 1 的整数）",
        "error.choice": "{field}：{value!r} 不在可选范围 {accepted} 内",
        "error.no_lines": "{field}：订单至少需要一行商品",
        "error.discount_too_big": "{field}：优惠 {value} 超过商品金额 {limit}",
        "error.transition": "状态：{value} 的订单不能改为 {target}（允许：{accepted}）",
        "error.reason": "{field}：{what}需要填写原因",
        "error.conflict": "{what} {ident} 已被 {who} 于 {when} 修改；请重新加载后再改（未保存）",
        "error.deleted": "{what} {ident} 已被 {who} 于 {when} 删除",
        "error.permission": "{who}（{role}）无权{action}，未做任何修改",
        "error.text": "{field}：{value!r} 含有控制字符",
        "error.whole": "{field}：{value!r} 不是不小于 0 的整数",
    },
}


def t(key: str, lang: str | None = None, **params) -> str:
    """The message `key` in `lang` (default: SALESOPS_LANG), with `params` filled in."""
    lang = lang or config.language()
    template = CATALOG.get(lang, {}).get(key) or CATALOG["en"].get(key) or key
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def add(entries: dict[str, dict[str, str]]) -> None:
    """Merge more messages (per language) into the catalog."""
    for lang, messages in entries.items():
        CATALOG.setdefault(lang, {}).update(messages)


def money(value: Decimal | float | int | None) -> str:
    """An amount as staff read it, in the shop's currency format: ¥1,234.50 by default
    (salesops.settings; blank for None)."""
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return sign + config.currency_format().replace("{}", f"{abs(amount):,.2f}")
