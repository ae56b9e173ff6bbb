"""Where a customer's personal data is held: the one list erasure and access read (PIPL).

Every text column of every table is either listed in `HELD` (it holds a customer's
personal data: erasure clears it on the person's rows), or in `NOT_PERSONAL` (codes,
product words, staff names), or marked on the column itself. `tests/test_erasure.py`
fails while any text column is in none of them, so a column added later is decided on
before it lands.

Which rows are about a person (`about()`) is what an access export (salesops.access)
follows: the owners of the columns above, and every foreign key to `customers` or `orders`
except those in NOT_ABOUT (rows about someone else), so a table added later with a
`customer_id` is handed over without editing the export.

A table defined elsewhere may mark itself instead of editing this list:

    sa.Table("group_notes", metadata, ...,
             sa.Column("text", sa.Text, info={"personal": True}),      # cleared on erasure
             sa.Column("sku", sa.String(64), info={"personal": False}), # not personal
             info={"personal_owner": ("customer_id", "customers")})    # whose rows
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

# What erasure writes in place of a value that may not be empty.
ERASED_NAME = "已删除客户"
# What erasure writes into the change log's old/new values in place of a personal value.
ERASED = "[erased]"


@dataclass(frozen=True)
class Held:
    """Columns of `table` holding a customer's personal data on the rows whose `owner`
    column points at the person (`target` "customers") or at one of their orders
    ("orders"). Erasure sets them to NULL, or "" when they may not be NULL (a customer's
    name: ERASED_NAME); with `remove` the rows themselves go."""

    table: str
    columns: tuple[str, ...]
    owner: str
    target: str = "customers"
    remove: bool = False


SHIP_TO = tuple(
    f"ship_{k}" for k in ("recipient", "mobile", "province", "city", "district", "detail")
) + ("ship_postcode",)
ADDRESS = ("recipient", "mobile", "province", "city", "district", "detail", "postcode")

HELD: tuple[Held, ...] = (
    Held(
        "customers",
        ("name", "mobile", "wechat_id", "wechat_key", "nickname", "region", "tags", "notes"),
        "id",
    ),
    # the code, mobile and WeChat ID of records merged into this one
    Held("customer_identifiers", ("value",), "customer_id", remove=True),
    Held("customer_addresses", (*ADDRESS, "division_code"), "customer_id", remove=True),
    # the ship-to copied onto orders (a gift's recipient too) and the buyer's note
    Held("orders", ("note", *SHIP_TO, "tracking_no"), "customer_id"),
    Held("order_status_history", ("reason",), "order_id", target="orders"),
    # the reason typed for a cancel or refund, copied onto the stock it gave back
    Held("stock_movements", ("reason",), "order_id", target="orders"),
    Held("followups", ("note", "outcome"), "customer_id"),
    Held("reviews", ("content", "link"), "customer_id"),
    # "same mobile 13800138000": the evidence a merge was made on
    Held("customer_merges", ("evidence",), "kept_id"),
    Held("customer_merges", ("evidence",), "merged_id"),
)

# Text columns that hold no customer's personal data. Staff names (who did what) are the
# staff's own data, kept by the accounts; `audit_log.old_values`/`new_values` are cleared
# key by key on the person's records (salesops.erasure), `moved` holds row ids only.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "audit_log": ("actor", "table_name", "action", "old_values", "new_values"),
    "channels": ("code", "name", "name_en", "updated_by"),
    "counters": ("name",),
    "imports": ("kind", "file_name", "sha256", "actor", "summary"),
    "products": ("sku", "name", "category", "created_by", "updated_by"),
    "staff_users": ("username", "display_name", "role", "password_hash"),
    "staff_sessions": ("token_hash", "remote_ip"),
    "customers": ("code", "created_by", "updated_by", "to_complete"),
    "product_aliases": ("alias", "alias_key"),
    "settings": ("shop_name", "business_zone", "currency_format", "updated_by"),
    "communities": ("name", "created_by", "updated_by"),
    "customer_addresses": ("created_by", "updated_by"),
    "customer_merges": ("actor", "moved", "undone_by"),
    "followups": ("staff", "kind", "created_by", "updated_by"),
    "orders": ("order_no", "status", "created_by", "updated_by", "courier"),
    "customer_identifiers": ("kind",),
    "order_lines": ("sku", "product_name"),
    "order_status_history": ("from_status", "to_status", "changed_by"),
    "reviews": ("platform", "created_by", "updated_by"),
    "stock_movements": ("kind", "actor"),
    "erasures": ("customer_code", "actor", "reason", "erased"),
    "agent_levels": ("name", "created_by", "updated_by"),
    "agent_level_prices": ("updated_by",),
    "agent_months": ("month", "closed_by"),
    "commission_rules": ("basis", "kind", "created_by", "updated_by"),
    "agent_statements": ("month", "paid_by"),
    "agent_statement_lines": ("kind",),
}


def held(metadata: sa.MetaData | None = None) -> list[Held]:
    """HELD, and the columns tables mark as personal themselves (see the module's doc)."""
    if metadata is None:
        from .schema import metadata
    found = list(HELD)
    for table in metadata.sorted_tables:
        marked = tuple(c.name for c in table.columns if c.info.get("personal") is True)
        if marked:
            column, target = table.info.get("personal_owner", ("customer_id", "customers"))
            found.append(Held(table.name, marked, column, target))
    return found


def unclassified(metadata: sa.MetaData | None = None) -> list[str]:
    """`table.column` of every text column nothing above decides on (should be none)."""
    if metadata is None:
        from .schema import metadata
    decided = {(h.table, c) for h in held(metadata) for c in h.columns}
    decided |= {(t, c) for t, cols in NOT_PERSONAL.items() for c in cols}
    return [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.String | sa.Text)
        and "personal" not in column.info
        and (table.name, column.name) not in decided
    ]


# Personal values the change log records under a name no column has: a refund's reason
# on its order (salesops.refunds); the name of a file the person's data was exported to
# (salesops.access, packing slips), which whoever chose it may have named after them.
LOGGED_AS: dict[str, tuple[str, ...]] = {"orders": ("refund_reason",), "customers": ("file",)}


def columns_of(table: str) -> set[str]:
    """The personal fields of `table`'s change-log values: its personal columns and
    LOGGED_AS (for clearing them on erasure)."""
    return {c for h in held() if h.table == table for c in h.columns} | set(
        LOGGED_AS.get(table, ())
    )


# Foreign keys to customers or orders whose rows are about someone other than the person
# (or order) they point at; every other one leads to rows about the person (`about`).
NOT_ABOUT: frozenset[tuple[str, str]] = frozenset(
    {
        ("customers", "referrer_id"),  # the people this customer referred
        ("customers", "parent_agent_id"),  # the agents recruited below this agent
        ("orders", "agent_id"),  # the orders this agent sold to other buyers
        ("agent_statement_lines", "order_id"),  # an agent's commission on this order
    }
)


@dataclass(frozen=True)
class Link:
    """Rows of `table` whose `column` points at the person's customer records (`target`
    "customers") or at their orders ("orders")."""

    table: str
    column: str
    target: str


def about(metadata: sa.MetaData | None = None) -> list[Link]:
    """Every way a row is about a person: the owners in `held()` and each foreign key to
    customers or orders not in NOT_ABOUT, one Link per (table, column), in table order."""
    if metadata is None:
        from .schema import metadata
    found = {(h.table, h.owner): h.target for h in held(metadata)}
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            target = fk.column.table.name
            key = (table.name, fk.parent.name)
            if target in ("customers", "orders") and key not in NOT_ABOUT:
                found.setdefault(key, target)
    order = {t.name: n for n, t in enumerate(metadata.sorted_tables)}
    return [
        Link(t, c, target) for (t, c), target in sorted(found.items(), key=lambda i: order[i[0][0]])
    ]
