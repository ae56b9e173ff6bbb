"""The tables, as SQLAlchemy Core metadata; Alembic migrations are generated from this.

Money is NUMERIC(12,2) read back as Decimal. Times are stored as UTC without a zone
(the same on SQLite and PostgreSQL) and read back as aware UTC datetimes. Customers and
orders are soft-deleted (`deleted_at`); rows people edit carry a `version` for optimistic
concurrency. Every index and constraint is named by the convention below so migrations
can refer to them on both databases.
"""

from decimal import Decimal

import sqlalchemy as sa

# The shared types, kept in their own module and re-exported here.
from .schema_types import NAMING, Money, UTCDateTime, metadata, now_utc  # noqa: F401

ORDER_STATUSES = ("new", "paid", "shipped", "completed", "cancelled", "refunded")
ROLES = ("staff", "manager", "admin")
FOLLOWUP_KINDS = ("call", "wechat", "visit", "message", "other")


def _stamps():
    """Created/updated columns shared by the tables people edit."""
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    ]


def _edit_stamps():
    """Version and last-change columns for tables whose rows are also written in bulk
    (imports, the demo) by statements that name only their own columns: NULL updated_at
    means never changed since it was made."""
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_at", UTCDateTime),
        sa.Column("updated_by", sa.String(64)),
    ]


channels = sa.Table(
    "channels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("name_en", sa.String(64), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # Renames and archiving go through salesops.channels (versioned, audited, migration
    # 0008); rows made before that, by imports or the demo, are at version 1, never updated.
    *_edit_stamps(),
)

staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False, server_default="staff"),
    sa.Column("password_hash", sa.String(255)),
    sa.Column("disabled_at", UTCDateTime),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime),
    sa.Column("last_login_at", UTCDateTime),
    sa.CheckConstraint("role in ('staff', 'manager', 'admin')", name="role"),
)

# A signed-in browser: the cookie holds a random token, the table only its SHA-256, so a
# copy of the database cannot be replayed as a login. Rows past `expires_at` are dead.
staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("remote_ip", sa.String(64), nullable=False, server_default=""),
    sa.Index("ix_staff_sessions_user_id", "user_id"),
    sa.Index("ix_staff_sessions_expires_at", "expires_at"),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("mobile", sa.String(20)),
    sa.Column("wechat_id", sa.String(64)),
    sa.Column("wechat_key", sa.String(64)),
    sa.Column("region", sa.String(100)),
    sa.Column("channel_id", sa.ForeignKey("channels.id")),
    sa.Column("referrer_id", sa.ForeignKey("customers.id")),
    sa.Column("is_agent", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("parent_agent_id", sa.ForeignKey("customers.id")),
    sa.Column("tags", sa.String(500), nullable=False, server_default=""),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    *_stamps(),
    sa.Column("deleted_at", UTCDateTime),
    # The time of the customer's first counted order (not deleted, cancelled or refunded),
    # kept by database triggers on orders (migration 0007); NULL before any.
    sa.Column("first_ordered_at", UTCDateTime),
    sa.Column("to_complete", sa.String(100)),  # 'name': an import's placeholder name (0011)
    # The WeChat nickname (微信昵称) people go by in group chats; searchable (0017).
    sa.Column("nickname", sa.String(64)),
    sa.Index(
        "uq_customers_active_mobile",
        "mobile",
        unique=True,
        sqlite_where=sa.text("deleted_at is null"),
        postgresql_where=sa.text("deleted_at is null"),
    ),
    sa.Index(
        "uq_customers_active_wechat_key",
        "wechat_key",
        unique=True,
        sqlite_where=sa.text("deleted_at is null"),
        postgresql_where=sa.text("deleted_at is null"),
    ),
    sa.Index("ix_customers_name", "name"),
    sa.Index("ix_customers_nickname", "nickname"),
    sa.Index("ix_customers_parent_agent_id", "parent_agent_id"),
    # Who referred whom among live customers, and the reseller tree, from the index alone
    # (the weekly sheet's referrals and agents; migration 0006).
    sa.Index("ix_customers_referrer_id_cover", "referrer_id", "deleted_at"),
    sa.Index("ix_customers_agents", "is_agent", "parent_agent_id", "deleted_at", "code"),
    sa.Index("ix_customers_first_ordered_at", "first_ordered_at"),
    # What the weekly sheet's joins read of a customer, from the index alone (0007).
    sa.Index("ix_customers_id_cover", "id", "deleted_at", "first_ordered_at", "referrer_id"),
)

# A customer's address book (salesops.address_book), at most one address the default;
# mainland divisions named as salesops.divisions names them, with the most specific one's
# GB/T 2260 code (none abroad). Soft-deleted, versioned, audited. Migration 0009.
customer_addresses = sa.Table(
    "customer_addresses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("recipient", sa.String(100), nullable=False),
    sa.Column("mobile", sa.String(20), nullable=False),
    sa.Column("province", sa.String(64), nullable=False, server_default=""),
    sa.Column("city", sa.String(64), nullable=False, server_default=""),
    sa.Column("district", sa.String(64), nullable=False, server_default=""),
    sa.Column("detail", sa.String(200), nullable=False),
    sa.Column("postcode", sa.String(16), nullable=False, server_default=""),
    sa.Column("division_code", sa.String(6)),
    sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
    *_stamps(),
    sa.Column("deleted_at", UTCDateTime),
    sa.Index("ix_customer_addresses_customer_id", "customer_id"),
    sa.Index(
        "uq_customer_addresses_default",
        "customer_id",
        unique=True,
        sqlite_where=sa.text("is_default and deleted_at is null"),
        postgresql_where=sa.text("is_default and deleted_at is null"),
    ),
)

products = sa.Table(
    "products",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("category", sa.String(64), nullable=False, server_default=""),
    Money(name="price", nullable=False),
    Money(name="unit_cost"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # Stock on hand: NULL when the shop does not count this product. Kept by
    # salesops.products with a stock_movements row for every change (migration 0008).
    sa.Column("stock_on_hand", sa.Integer),
    # At or below this the product needs reordering; NULL: no reorder point.
    sa.Column("reorder_level", sa.Integer),
    sa.Column("created_by", sa.String(64), nullable=False, server_default=""),
    *_edit_stamps(),
    # Unit cost, stock and reorder level are checked by salesops.products: a CHECK added
    # to this table on SQLite means copying it under every order line's foreign key.
    sa.CheckConstraint("price >= 0", name="price_not_negative"),
)

# Other names buyers use for a product (草莓 for 奶油草莓 500g). `alias_key` is the alias
# as it is matched (salesops.products.term_key: NFKC, case-folded, no spaces), unique over
# all products, so a word from a group-buy list names at most one product.
product_aliases = sa.Table(
    "product_aliases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("alias", sa.String(64), nullable=False),
    sa.Column("alias_key", sa.String(64), nullable=False, unique=True),
    sa.Index("ix_product_aliases_product_id", "product_id"),
)

# The stock ledger (salesops.stock, salesops.stock_orders): signed rows adding up to the stock.
STOCK_KINDS = ("counted", "uncounted", "received", "sold", "released", "returned")
stock_movements = sa.Table(
    "stock_movements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("counted", sa.Integer),
    sa.Column("on_hand", sa.Integer),
    sa.Column("order_id", sa.ForeignKey("orders.id")),
    sa.Column("reason", sa.String(500), nullable=False, server_default=""),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.CheckConstraint(f"kind in ({', '.join(repr(k) for k in STOCK_KINDS)})", name="kind"),
    sa.Index("ix_stock_movements_product_id", "product_id", "id"),
    sa.Index("ix_stock_movements_order_id", "order_id"),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("order_no", sa.String(32), nullable=False, unique=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("channel_id", sa.ForeignKey("channels.id"), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="new"),
    sa.Column("ordered_at", UTCDateTime, nullable=False),
    Money(name="goods_amount", nullable=False, server_default="0"),
    Money(name="discount", nullable=False, server_default="0"),
    Money(name="shipping", nullable=False, server_default="0"),
    Money(name="total", nullable=False, server_default="0"),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    *_stamps(),
    sa.Column("deleted_at", UTCDateTime),
    # Over the lines with a known unit cost: their amounts and their cost (NULL when no
    # line has one). Kept by database triggers on order_lines (migration 0007).
    Money(name="costed_goods"),
    Money(name="goods_cost"),
    # Ship-to, copied onto the order when it is sold (salesops.address_book), so editing
    # the book never rewrites where a past parcel went; NULL when none. Migration 0009.
    sa.Column("ship_recipient", sa.String(100)),
    sa.Column("ship_mobile", sa.String(20)),
    sa.Column("ship_province", sa.String(64)),
    sa.Column("ship_city", sa.String(64)),
    sa.Column("ship_district", sa.String(64)),
    sa.Column("ship_detail", sa.String(200)),
    sa.Column("ship_postcode", sa.String(16)),
    # How it goes out: a courier code of salesops.couriers (sf, zto, ..., pickup, local)
    # and its tracking number, cleaned (salesops.shipping); required to become `shipped`.
    sa.Column("courier", sa.String(16)),
    sa.Column("tracking_no", sa.String(40)),
    sa.CheckConstraint(f"status in {ORDER_STATUSES}", name="status"),
    # Covering the week reports (queries/weekly.sql; 0005, 0007): orders of a date range with
    # their channel and money, and a customer's earlier orders, read from the index alone.
    sa.Index(
        "ix_orders_ordered_at_cover",
        "ordered_at",
        "status",
        "deleted_at",
        "customer_id",
        "id",
        "channel_id",
        "goods_amount",
        "costed_goods",
        "goods_cost",
    ),
    sa.Index(
        "ix_orders_customer_id_ordered_at_cover",
        "customer_id",
        "ordered_at",
        "status",
        "deleted_at",
        postgresql_include=["id"],  # SQLite's indexes carry the rowid anyway (migration 0006)
    ),
    sa.Index("ix_orders_channel_id", "channel_id"),
    # Orders staff entered in a week (the weekly sheet's Staff page; migration 0006).
    sa.Index("ix_orders_created_at", "created_at", "deleted_at", "created_by"),
    # Finding an order by its tracking number; the orders waiting to ship (0009).
    sa.Index("ix_orders_tracking_no", "tracking_no"),
    sa.Index("ix_orders_status_ordered_at", "status", "ordered_at"),
)

order_lines = sa.Table(
    "order_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    sa.Column("line_no", sa.Integer, nullable=False),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("sku", sa.String(64), nullable=False),
    sa.Column("product_name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    Money(name="unit_price", nullable=False),
    Money(name="unit_cost"),
    Money(name="discount", nullable=False, server_default="0"),
    Money(name="amount", nullable=False),
    sa.UniqueConstraint("order_id", "line_no"),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    sa.Index("ix_order_lines_product_id", "product_id"),
    # An order's lines with what the weekly sheet sums, from the index alone (migration 0006).
    sa.Index(
        "ix_order_lines_order_id_cover", "order_id", "product_id", "quantity", "amount", "unit_cost"
    ),
)

customer_products = sa.Table(
    "customer_products",
    metadata,
    sa.Column("customer_id", sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), primary_key=True),
    sa.Column("first_bought_at", UTCDateTime, nullable=False),
    sqlite_with_rowid=False,
    # Derived: for each product a customer bought in a counted order, when they first did.
    # Database triggers on orders and order_lines keep it (migration 0007); nothing writes
    # it directly, and a copy between databases lets the target's triggers rebuild it.
    info={"derived": True},
)

order_status_history = sa.Table(
    "order_status_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    sa.Column("from_status", sa.String(16)),
    sa.Column("to_status", sa.String(16), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("changed_by", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False, server_default=""),
    sa.Index("ix_order_status_history_order_id", "order_id"),
)

counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

followups = sa.Table(
    "followups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("staff", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("due_at", UTCDateTime),
    sa.Column("done_at", UTCDateTime),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("outcome", sa.Text, nullable=False, server_default=""),
    *_stamps(),
    sa.CheckConstraint("kind in ('call', 'wechat', 'visit', 'message', 'other')", name="kind"),
    sa.Index("ix_followups_customer_id", "customer_id"),
    sa.Index("ix_followups_staff_due_at", "staff", "due_at"),
    # Follow-ups done in a week, still open, or done late (weekly sheet; migration 0006).
    sa.Index("ix_followups_done_at", "done_at", "due_at", "staff", "customer_id"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("old_values", sa.Text),
    sa.Column("new_values", sa.Text),
    sa.Index("ix_audit_log_table_name_row_id", "table_name", "row_id"),
    sa.Index("ix_audit_log_at", "at"),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.CheckConstraint(
        "kind in ('orders', 'customers', 'products', 'group_buy', 'members')", name="kind"
    ),
)

# The shop's own settings, one row (id 1) written by salesops.settings; no row means every
# setting is at its default. `business_zone` NULL: SALESOPS_TZ or Asia/Shanghai.
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("shop_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("business_zone", sa.String(64)),
    sa.Column("currency_format", sa.String(16), nullable=False, server_default="¥{}"),
    sa.Column("default_channel_id", sa.ForeignKey("channels.id")),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.CheckConstraint("id = 1", name="one_row"),
)

customer_merges = sa.Table(
    "customer_merges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kept_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("merged_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False, server_default=""),
    sa.Column("moved", sa.Text, nullable=False),
    sa.Column("undone_at", UTCDateTime),
    sa.Column("undone_by", sa.String(64)),
    sa.Index("ix_customer_merges_kept_id", "kept_id"),
    sa.Index("ix_customer_merges_merged_id", "merged_id"),
)

customer_identifiers = sa.Table(
    "customer_identifiers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.String(64), nullable=False),
    sa.Column("merge_id", sa.ForeignKey("customer_merges.id")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("kind", "value"),
    sa.CheckConstraint("kind in ('code', 'mobile', 'wechat')", name="kind"),
    sa.Index("ix_customer_identifiers_customer_id", "customer_id"),
)

from .schema_agents import *  # resellers' tables and columns (0010)  # noqa: E402, F403
from .schema_groupbuy import group_buy_entries  # 接龙 lists (0013)  # noqa: E402, F401
from .schema_privacy import erasures  # PIPL erasures (0012)  # noqa: E402, F401
from .schema_sales import *  # refunds (0015), the backorder setting (0014)  # noqa: E402, F403

ZERO = Decimal("0.00")

from .schema_social import REVIEW_PLATFORMS, communities, community_members, reviews  # noqa

# Search structures on one database only, made by the 0004_search migration, not modelled
# here: SQLite's FTS5 table over customer mobiles (and its shadow tables), PostgreSQL's
# C-collated and trigram indexes; salesops.migrate.pending_changes leaves them out.
UNMODELLED_TABLE_PREFIX = "customers_search"
UNMODELLED_INDEXES = frozenset(
    {
        "ix_customers_name_c",
        "ix_customers_code_c",
        "ix_customers_wechat_key_c",
        "ix_customers_mobile_c",
        "ix_customers_mobile_trgm",
        "ix_customers_nickname_c",
    }
)


def include_name(name, type_, parent_names) -> bool:
    """False for the per-database search structures above, so autogenerate ignores them."""
    if type_ == "table":
        return not (name or "").startswith(UNMODELLED_TABLE_PREFIX)
    if type_ == "index":
        return name not in UNMODELLED_INDEXES
    return True
