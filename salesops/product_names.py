"""How products are named: the matching key of a word, aliases, and the rule that a
word names at most one product by alias (see salesops.products, "Aliases").

`NameBook` holds every product's SKU, name and alias keys; the product service checks a
new or changed product against it, and the products import adds the rows it plans, so a
file's rows are checked against each other as well as against the stored products.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from . import messages
from .errors import ValidationError
from .schema import product_aliases, products

ALIAS_SEPARATORS = re.compile(r"[,，、;；/\n]")

messages.add(
    {
        "en": {
            "product.sku_taken": "{field}: {value!r} is already the SKU of {sku} {name}",
            "product.alias_taken": "{field}: {value!r} already names product {sku} {name}"
            "{archived}; remove it there first",
            "product.name_is_alias": "{field}: {value!r} is an alias of product {sku} {name}; "
            "remove the alias there first",
            "product.archived_mark": " (archived)",
        },
        "zh_CN": {
            "product.sku_taken": "{field}：{value!r} 已是商品 {sku} {name} 的编码",
            "product.alias_taken": "{field}：{value!r} 已是商品 {sku} {name}{archived} 的名称"
            "或别名；请先在那里删除",
            "product.name_is_alias": "{field}：{value!r} 是商品 {sku} {name} 的别名；"
            "请先在那里删除该别名",
            "product.archived_mark": "（已归档）",
        },
    }
)


def term_key(text) -> str:
    """A product word as it is matched: NFKC, case-folded, no spaces ('奶油 草莓' -> '奶油草莓')."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).casefold().split())


def parse_aliases(value) -> list[str]:
    """Aliases from a list, or from text separated by , ， 、 ; ； / or new lines: trimmed,
    each once (by its matching key), in the order given."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else ALIAS_SEPARATORS.split(str(value))
    out, seen = [], set()
    for item in items:
        text = unicodedata.normalize("NFKC", str(item)).strip()
        if text and term_key(text) not in seen:
            seen.add(term_key(text))
            out.append(text)
    return out


def check_names(conn, values: dict, self_id: int | None, aliases_changed: bool = True) -> None:
    """SKU unique; no alias naming another product (its SKU, name or alias); no SKU or
    name that is another product's alias. Raises one ValidationError with every problem."""
    problems = NameBook(conn).problems(values, self_id, aliases_changed)
    if problems:
        raise ValidationError(problems)


class NameBook:
    """Every product's SKU, name and alias keys, to check new or changed products against
    (an import adds the products it plans, so rows are checked against each other too)."""

    def __init__(self, conn):
        self.skus: dict[str, dict] = {}
        self.words: dict[str, list[dict]] = {}  # SKU and name keys -> products
        self.aliases: dict[str, dict] = {}
        p = products.c
        infos = {}
        for row in conn.execute(sa.select(p.id, p.sku, p.name, p.active)).mappings():
            infos[row["id"]] = dict(row)
            self._words(infos[row["id"]])
        for pid, key in conn.execute(
            sa.select(product_aliases.c.product_id, product_aliases.c.alias_key)
        ):
            self.aliases[key] = infos[pid]

    def _words(self, info: dict) -> None:
        self.skus[info["sku"]] = info
        for key in {term_key(info["sku"]), term_key(info["name"])}:
            self.words.setdefault(key, []).append(info)

    def add(self, values: dict, ident) -> None:
        """Count a planned product (`ident` tells it apart) as if it were stored."""
        info = {"id": ident, "sku": values["sku"], "name": values["name"], "active": True}
        self._words(info)
        for alias in values.get("aliases") or []:
            self.aliases[term_key(alias)] = info

    def problems(self, values: dict, self_id=None, aliases_changed: bool = True) -> list:
        """What is wrong with `values` (a product's sku, name, aliases) beside the others."""
        out = []
        other = self.skus.get(values["sku"])
        if other and other["id"] != self_id:
            out += _problem("product.sku_taken", "sku", values["sku"], other)
        for field in ("sku", "name"):
            other = self.aliases.get(term_key(values[field]))
            if other and other["id"] != self_id:
                out += _problem("product.name_is_alias", field, values[field], other)
        for alias in (values.get("aliases") or []) if aliases_changed else []:
            key = term_key(alias)
            others = ([self.aliases[key]] if key in self.aliases else []) + self.words.get(key, [])
            other = next((o for o in others if o["id"] != self_id), None)
            if other:
                out += _problem("product.alias_taken", "aliases", alias, other)
        return out


def _problem(key: str, field: str, value, other: dict) -> list:
    """One Problem naming the other product (marked when archived)."""
    mark = "" if other["active"] else messages.t("product.archived_mark")
    error = ValidationError.one(
        key, field, value, sku=other["sku"], name=other["name"], archived=mark
    )
    return error.problems
