"""What the reader tells a person to check, in Simplified Chinese and English.

A problem is kept as a message key and its parameters, so the page and the CLI render it
in the reader's language (`salesops.messages`); entry problems name the entry as the
list numbers it ("第 4 条"), list problems name the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import messages

messages.add(
    {
        "en": {
            "groupbuy.unknown_product": "Entry {entry}: '{word}' is not a product in the catalogue",
            "groupbuy.ambiguous_product": "Entry {entry}: '{word}' could be {choices}; choose "
            "the product",
            "groupbuy.inactive_product": "Entry {entry}: {name} ({sku}) is no longer sold",
            "groupbuy.fraction": "Entry {entry}: {name} '{written}' is not a whole number; "
            "orders take whole quantities, so check with the buyer",
            "groupbuy.zero": "Entry {entry}: {name} '{written}' is a quantity of 0",
            "groupbuy.big": "Entry {entry}: {name} quantity {quantity} is more than {limit}; "
            "check it",
            "groupbuy.two_quantities": "Entry {entry}: {name} has two quantities ('{first}' "
            "and '{second}'); check which one is meant",
            "groupbuy.unit": "Entry {entry}: {name} is priced per {posted}, but the entry says "
            "'{written}'",
            "groupbuy.repeated": "Entry {entry}: {name} is written more than once; check the "
            "quantities",
            "groupbuy.no_items": "Entry {entry}: no product found",
            "groupbuy.no_buyer": "Entry {entry}: no buyer (nickname, name or mobile)",
            "groupbuy.two_mobiles": "Entry {entry}: two mobile numbers ({first} and {second}); "
            "check which one is the buyer's",
            "groupbuy.same_number": "Entry {entry}: line {line} has the same number as line "
            "{first_line}",
            "groupbuy.joined": "Entry {entry}: line {line} has no number and was read as part "
            "of this entry; check it",
            "groupbuy.cancelled": "Entry {entry}: says '{word}'; check whether the buyer still "
            "wants it",
            "groupbuy.ambiguous_buyer": "Entry {entry}: '{buyer}' matches several customers "
            "({codes}); choose one",
            "groupbuy.no_entries": "No entries found in the list",
            "groupbuy.unknown_priced": "Line {line}: '{word}' has a price but is not a product "
            "in the catalogue",
            "groupbuy.unnamed_price": "Line {line}: the price '{price}' does not say which "
            "product it is for, so it is not used as a group price",
            "groupbuy.ambiguous_priced": "Line {line}: the price of '{word}' could be for "
            "{choices}; check the catalogue's names",
            "groupbuy.two_prices": "Line {line}: {name} has a second price {second} (the list "
            "uses {first}); check the group price",
            "groupbuy.stray": "Line {line} is not an entry but mentions {names}; check it",
        },
        "zh_CN": {
            "groupbuy.unknown_product": "第 {entry} 条：'{word}' 不是目录中的商品",
            "groupbuy.ambiguous_product": "第 {entry} 条：'{word}' 可以是 {choices}，请选择商品",
            "groupbuy.inactive_product": "第 {entry} 条：{name}（{sku}）已停售",
            "groupbuy.fraction": "第 {entry} 条：{name} '{written}' 不是整数（订单数量须为"
            "整数），请与买家确认",
            "groupbuy.zero": "第 {entry} 条：{name} '{written}' 数量为 0",
            "groupbuy.big": "第 {entry} 条：{name} 数量 {quantity} 超过 {limit}，请核对",
            "groupbuy.two_quantities": "第 {entry} 条：{name} 写了两个数量（'{first}' 和 "
            "'{second}'），请核对",
            "groupbuy.unit": "第 {entry} 条：{name} 按{posted}标价，这里写的是 '{written}'",
            "groupbuy.repeated": "第 {entry} 条：{name} 写了不止一次，请核对数量",
            "groupbuy.no_items": "第 {entry} 条：没有读到商品",
            "groupbuy.no_buyer": "第 {entry} 条：没有写买家（昵称、姓名或手机号）",
            "groupbuy.two_mobiles": "第 {entry} 条：有两个手机号（{first}、{second}），"
            "请确认买家的号码",
            "groupbuy.same_number": "第 {entry} 条：第 {line} 行与第 {first_line} 行编号相同",
            "groupbuy.joined": "第 {entry} 条：第 {line} 行没有编号，已并入本条，请核对",
            "groupbuy.cancelled": "第 {entry} 条：写了 '{word}'，请确认买家是否还要",
            "groupbuy.ambiguous_buyer": "第 {entry} 条：'{buyer}' 对应多位客户（{codes}），请选择",
            "groupbuy.no_entries": "没有读到任何接龙条目",
            "groupbuy.unknown_priced": "第 {line} 行：标了价的 '{word}' 不是目录中的商品",
            "groupbuy.unnamed_price": "第 {line} 行：价格 '{price}' 没写是哪个商品，未作为团购价",
            "groupbuy.ambiguous_priced": "第 {line} 行：'{word}' 的标价可以是 {choices}，"
            "请核对商品名称",
            "groupbuy.two_prices": "第 {line} 行：{name} 又标了一个价格 {second}（本单按 "
            "{first}），请核对团购价",
            "groupbuy.stray": "第 {line} 行不是接龙条目，但提到了 {names}，请核对",
        },
    }
)


@dataclass(frozen=True)
class Problem:
    """Something a person must check: a message key and its parameters."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (default: SALESOPS_LANG)."""
        return messages.t(f"groupbuy.{self.key}", lang, **self.params)

    def __str__(self) -> str:
        """The message in the current language."""
        return self.text()


def problem(key: str, **params) -> Problem:
    """A Problem with message `groupbuy.<key>` and `params`."""
    return Problem(key, params)
