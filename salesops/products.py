"""Products: the catalogue a shop sells from, with prices, unit costs, aliases and stock.

- **Who.** Managers and admins create, edit and archive products (`products.edit`);
  everyone reads them. Unit costs and margins are for `products.costs` only: the list and
  the single product this module returns leave them out for anyone else, so no page,
  export or notebook built on it can show staff what the shop pays.
- **History.** An order copies its product's price and cost onto each line at sale time
  (salesops.orders), so a change of price or cost here never rewrites a past order line.
  Every change is versioned (a save based on a stale copy names who changed it) and
  audited with old and new values, aliases and stock included.
- **Archive.** An archived product (`active` false) keeps its history and its place in
  reports, leaves the order form's list, and `create_order` refuses it; `restore_product`
  puts it back on sale.
- **Aliases** (`product_aliases`): other names buyers use (草莓 for 奶油草莓 500g). Each is
  stored with its matching key (`term_key`: NFKC, case-folded, without spaces), unique
  over all products, archived ones included, so a word from a group-buy list (接龙) names
  at most one product by alias. An alias may not be another product's SKU or name, and a
  product may not be named like another's alias. Names themselves may repeat (two sizes
  of one thing), so `products_named` returns every product a word names and the caller
  asks a person when there is more than one.
- **Stock** on hand is set through the ledger in salesops.stock, in the same transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal

import sqlalchemy as sa

from . import audit, messages, stock, validate
from .actors import Actor, system_actor
from .errors import ConflictError, NotFoundError, ValidationError
from .product_names import check_names, parse_aliases, term_key
from .schema import now_utc, product_aliases, products

COLUMNS = ("sku", "name", "category", "price", "unit_cost", "reorder_level")
EDITABLE = (*COLUMNS, "aliases", "stock_on_hand")
REQUIRED = ("sku", "name", "price")
MAX_ALIASES = 30
MONEY_LIMIT = Decimal(10) ** 10  # NUMERIC(12,2)

messages.add(
    {
        "en": {
            "product.archived": "{field}: {value} is archived and cannot be sold "
            "(a manager can restore it on the Products page)",
            "product.too_many_aliases": "{field}: at most {limit} aliases",
            "product.word": "product",
            "error.money_too_big": "{field}: {value} is more than 9,999,999,999.99",
        },
        "zh_CN": {
            "product.archived": "{field}：{value} 已归档，不能销售（经理可在商品页恢复）",
            "product.too_many_aliases": "{field}：别名最多 {limit} 个",
            "product.word": "商品",
            "error.money_too_big": "{field}：{value} 超过 9,999,999,999.99",
        },
    }
)


# -- checking what people type ----------------------------------------------------------------


def _money(value, field: str, allow_none: bool = False) -> Decimal | None:
    """A non-negative amount that fits NUMERIC(12,2)."""
    amount = validate.money(value, field, allow_none)
    if amount is not None and amount >= MONEY_LIMIT:
        raise ValidationError.one("error.money_too_big", field, amount)
    return amount


def _aliases(value) -> list[str]:
    """The aliases checked: each within 64 characters, at most MAX_ALIASES."""
    found = parse_aliases(value)
    if len(found) > MAX_ALIASES:
        raise ValidationError.one("product.too_many_aliases", "aliases", value, limit=MAX_ALIASES)
    return [validate.text(a, "aliases", 64) for a in found]


def clean(data: Mapping, partial: bool = False) -> dict:
    """The product fields of `data`, normalised, every bad field reported at once; without
    `partial` (a new product) SKU, name and price are required."""
    checks = {
        "sku": lambda: validate.text(_nfkc(data.get("sku")), "sku", 64, required=True),
        "name": lambda: validate.text(_nfkc(data.get("name")), "name", 200, required=True),
        "category": lambda: validate.text(data.get("category"), "category", 64),
        "price": lambda: _money(data.get("price"), "price"),
        "unit_cost": lambda: _money(data.get("unit_cost"), "unit_cost", allow_none=True),
        "reorder_level": lambda: validate.whole_number(data.get("reorder_level"), "reorder_level"),
        "aliases": lambda: _aliases(data.get("aliases")),
        "stock_on_hand": lambda: validate.whole_number(data.get("stock_on_hand"), "stock_on_hand"),
    }
    wanted = {k for k in checks if k in data or (k in REQUIRED and not partial)}
    return validate.collect({k: v for k, v in checks.items() if k in wanted})


def _nfkc(value):
    """Full-width letters and digits as ASCII (ＭＺ－００１ is MZ-001)."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


# -- writing ----------------------------------------------------------------------------------


def create_product(db, data: Mapping, actor: Actor | None = None, reason: str = "") -> dict:
    """Add a product (SKU, name, price; category, unit cost, reorder level, aliases and a
    first stock count optional); returns it as `get_product` shows it."""
    actor = actor or system_actor()
    actor.require("products.edit")
    values = clean(data)
    with db.write() as conn:
        product_id = insert_product(conn, values, actor, reason=reason)
        return _shown(conn, product_id, actor)


def insert_product(conn, values: dict, actor: Actor, reason: str = "", extra=None) -> int:
    """On `conn`'s transaction: a new product from clean `values`, its aliases, its first
    stock count, and one audit row (with `extra`, e.g. the import id); returns its id."""
    check_names(conn, values, None)
    row = {k: values.get(k) for k in COLUMNS}
    row["category"] = row["category"] or ""
    product_id = conn.execute(
        sa.insert(products).values(
            **row, active=True, created_at=now_utc(), created_by=actor.name, version=1
        )
    ).inserted_primary_key[0]
    aliases = values.get("aliases") or []
    _replace_aliases(conn, product_id, aliases)
    counted = values.get("stock_on_hand")
    if counted is not None:
        stock.record_count(conn, product_id, counted, actor.name, reason or "first count")
    new = {**row, "aliases": ", ".join(aliases), "stock_on_hand": counted, **(extra or {})}
    audit.record(conn, actor.name, "products", product_id, "create", None, new)
    return product_id


def update_product(
    db, product_id: int, changes: Mapping, expected_version: int, actor: Actor | None = None
) -> dict:
    """Save edits made to the copy read at `expected_version` (ConflictError if it moved
    on); a changed stock on hand is recorded as a count in the stock ledger."""
    actor = actor or system_actor()
    actor.require("products.edit")
    values = clean({k: v for k, v in changes.items() if k in EDITABLE}, partial=True)
    with db.write() as conn:
        current = locked_row(conn, product_id, expected_version)
        check_names(conn, {**current, **values}, product_id, "aliases" in values)
        save_changes(conn, current, values, actor)
        return _shown(conn, product_id, actor)


def save_changes(conn, current: dict, values: dict, actor: Actor, extra=None) -> dict:
    """On `conn`'s transaction: apply clean `values` to the product row `current` (read
    locked at its version): columns, aliases, stock; one audit row; returns what changed."""
    before, after = audit.changed(current, {k: values[k] for k in COLUMNS if k in values})
    if "aliases" in values:
        old = aliases_of(conn, current["id"])
        if old != values["aliases"]:
            _replace_aliases(conn, current["id"], values["aliases"])
            before["aliases"], after["aliases"] = ", ".join(old), ", ".join(values["aliases"])
    if "stock_on_hand" in values and values["stock_on_hand"] != current["stock_on_hand"]:
        stock.record_count(conn, current["id"], values["stock_on_hand"], actor.name, "edit")
        before["stock_on_hand"], after["stock_on_hand"] = (
            current["stock_on_hand"],
            values["stock_on_hand"],
        )
    if "active" in values and values["active"] != current["active"]:
        before["active"], after["active"] = current["active"], values["active"]
    if after:
        _bump(conn, current, {k: after[k] for k in (*COLUMNS, "active") if k in after}, actor)
        audit.record(
            conn, actor.name, "products", current["id"], "update", before, after | (extra or {})
        )
    return after


def archive_product(db, product_id: int, expected_version: int, actor: Actor | None = None):
    """Take a product off sale; it keeps its history (restore_product undoes it)."""
    return _set_active(db, product_id, expected_version, False, actor)


def restore_product(db, product_id: int, expected_version: int, actor: Actor | None = None):
    """Put an archived product back on sale."""
    return _set_active(db, product_id, expected_version, True, actor)


def _set_active(db, product_id, expected_version, active: bool, actor) -> dict:
    actor = actor or system_actor()
    actor.require("products.edit")
    with db.write() as conn:
        current = locked_row(conn, product_id, expected_version)
        save_changes(conn, current, {"active": active}, actor)
        return _shown(conn, product_id, actor)


def locked_row(conn, product_id: int, expected_version: int | None = None) -> dict:
    """The product row, locked for this transaction; ConflictError when it is no longer at
    `expected_version` (None: any)."""
    row = (
        conn.execute(sa.select(products).where(products.c.id == product_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"product {product_id} not found")
    if expected_version is not None and row["version"] != expected_version:
        who = row["updated_by"] or row["created_by"]
        raise ConflictError("product", row["sku"], who, row["updated_at"] or row["created_at"])
    return dict(row)


def _bump(conn, current: dict, columns: dict, actor: Actor) -> None:
    """Write changed columns with the next version and who changed it, when."""
    conn.execute(
        sa.update(products)
        .where(products.c.id == current["id"])
        .values(
            **columns,
            version=current["version"] + 1,
            updated_at=now_utc(),
            updated_by=actor.name,
        )
    )


def _replace_aliases(conn, product_id: int, aliases: list[str]) -> None:
    """The product's aliases become exactly `aliases`."""
    conn.execute(sa.delete(product_aliases).where(product_aliases.c.product_id == product_id))
    if aliases:
        conn.execute(
            sa.insert(product_aliases),
            [{"product_id": product_id, "alias": a, "alias_key": term_key(a)} for a in aliases],
        )


def require_on_sale(product: Mapping) -> None:
    """ValidationError when `product` (a row) is archived: it keeps its history, not sold."""
    if not product["active"]:
        label = f"{product['sku']} {product['name']}"
        raise ValidationError.one("product.archived", "product", label)


# -- reading ----------------------------------------------------------------------------------


def aliases_of(conn, product_id: int) -> list[str]:
    """A product's aliases, in the order they were given."""
    return list(
        conn.execute(
            sa.select(product_aliases.c.alias)
            .where(product_aliases.c.product_id == product_id)
            .order_by(product_aliases.c.id)
        ).scalars()
    )


def list_products(
    db, actor: Actor | None = None, text: str = "", include_archived: bool = True
) -> list[dict]:
    """Products whose SKU, name, category or an alias contains `text`, by SKU: sku, name,
    category, price, aliases, stock_on_hand, reorder_level, active, version; unit_cost and
    margin (a Decimal ratio, None without a cost) only for `products.costs`."""
    from .queries import fetch_all

    actor = actor or system_actor()
    term = unicodedata.normalize("NFKC", text or "").strip().casefold()
    with db.read() as conn:
        rows = fetch_all(
            conn,
            "list_products",
            pattern=_like(term),
            key_pattern=_like(term_key(term)),
            include_archived=bool(include_archived),
        )
        names = _all_aliases(conn)
    return [_for(actor, row, names.get(row["id"], [])) for row in rows]


def get_product(db, key, actor: Actor | None = None) -> dict:
    """One product by id or SKU, as `list_products` shows it; NotFoundError otherwise."""
    actor = actor or system_actor()
    with db.read() as conn:
        return _shown(conn, _id_of(conn, key), actor)


def _id_of(conn, key) -> int:
    """The id of the product with id or SKU `key`."""
    column = products.c.id if isinstance(key, int) else products.c.sku
    found = conn.execute(sa.select(products.c.id).where(column == key)).scalar()
    if found is None:
        what = messages.t("product.word")
        raise NotFoundError(messages.t("error.not_found", field="sku", value=key, what=what))
    return found


def product_id(db, key) -> int:
    """The id of the product with id or SKU `key` (NotFoundError otherwise)."""
    with db.read() as conn:
        return _id_of(conn, key)


def _shown(conn, product_id: int, actor: Actor) -> dict:
    """One product read on `conn`, as its reader may see it."""
    from .queries import fetch_all

    row = fetch_all(conn, "product_by_id", product_id=product_id)[0]
    return _for(actor, row, aliases_of(conn, product_id))


def _all_aliases(conn) -> dict[int, list[str]]:
    """Every product's aliases by product id."""
    out: dict[int, list[str]] = {}
    q = sa.select(product_aliases.c.product_id, product_aliases.c.alias).order_by(
        product_aliases.c.id
    )
    for pid, alias in conn.execute(q):
        out.setdefault(pid, []).append(alias)
    return out


def _for(actor: Actor, row: dict, aliases: list[str]) -> dict:
    """A product row with its aliases and margin; cost and margin left out for staff."""
    out = {**row, "aliases": aliases}
    if actor.can("products.costs"):
        out["margin"] = margin(row["price"], row["unit_cost"])
    else:
        out.pop("unit_cost", None)
    return out


def margin(price: Decimal | None, unit_cost: Decimal | None) -> Decimal | None:
    """(price - unit cost) / price to four places; None without a cost or a price."""
    if unit_cost is None or not price:
        return None
    return ((price - unit_cost) / price).quantize(Decimal("0.0001"))


def _like(term: str) -> str:
    """A LIKE pattern containing `term` literally (\\ escapes % and _)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def products_named(db, word: str) -> list[dict]:
    """The products on sale a buyer's word names: by alias (one at most), else by SKU or
    name (possibly several); dicts of id, sku, name, price."""
    key = term_key(word)
    if not key:
        return []
    p, a = products.c, product_aliases.c
    columns = (p.id, p.sku, p.name, p.price)
    with db.read() as conn:
        by_alias = (
            conn.execute(
                sa.select(*columns).join(product_aliases).where(a.alias_key == key, p.active)
            )
            .mappings()
            .all()
        )
        if by_alias:
            return [dict(r) for r in by_alias]
        rows = conn.execute(sa.select(*columns).where(p.active)).mappings()
        return [dict(r) for r in rows if key in (term_key(r["sku"]), term_key(r["name"]))]
