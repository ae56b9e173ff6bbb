"""week lookups: indexes for the weekly sheet's per-buyer and per-week lookups

The weekly sheet (queries/weekly.sql) joins each counted order of a week to its lines,
looks back through each buyer's earlier orders for the products they bought before, counts
the orders staff entered in a week (by created_at) and the follow-ups done in or overdue at
the end of a week. Without these indexes the last two read every order and follow-up, and
every line join read the table row. They add:

- ix_order_lines_order_id_cover (order_id, product_id, quantity, amount, unit_cost): an
  order's lines, with what the sheet sums, from the index alone;
- ix_orders_created_at (created_at, deleted_at, created_by): orders entered in a range;
- ix_followups_done_at (done_at, due_at, staff, customer_id): follow-ups done in a range,
  still open, or done after a date;
- ix_customers_agents (is_agent, parent_agent_id, deleted_at, code): the reseller tree's
  roots and each agent's recruits, without reading every customer whose parent is empty;
- ix_customers_referrer_id_cover (referrer_id, deleted_at) in place of
  ix_customers_referrer_id: who referred whom, live customers only, from the index alone;
- on PostgreSQL, ix_orders_customer_id_ordered_at_cover also INCLUDEs the order id, so a
  buyer's earlier orders and their lines are found without visiting the table (SQLite's
  index already holds the rowid). Week products at 1M customers: 4.4 -> 3.0 s.

Revision ID: 0006_week_lookups
Revises: 0005_week_indexes
Create Date: 2026-12-02 15:10:00
"""

from alembic import op

revision = "0006_week_lookups"
down_revision = "0005_week_indexes"
branch_labels = None
depends_on = None

INDEXES = [
    (
        "ix_order_lines_order_id_cover",
        "order_lines",
        ["order_id", "product_id", "quantity", "amount", "unit_cost"],
    ),
    ("ix_orders_created_at", "orders", ["created_at", "deleted_at", "created_by"]),
    ("ix_followups_done_at", "followups", ["done_at", "due_at", "staff", "customer_id"]),
    ("ix_customers_agents", "customers", ["is_agent", "parent_agent_id", "deleted_at", "code"]),
    ("ix_customers_referrer_id_cover", "customers", ["referrer_id", "deleted_at"]),
]


def upgrade() -> None:
    """Add the weekly sheet's lookup indexes (INDEXES), replace the plain referrer index by
    its covering one, and on PostgreSQL include the order id in the buyer's orders index."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.drop_index("ix_customers_referrer_id", table_name="customers")
    if op.get_bind().dialect.name == "postgresql":
        _customer_orders_index(include=["id"])


def downgrade() -> None:
    """Drop the lookup indexes and put back the plain referrer index (and, on PostgreSQL,
    the buyer's orders index without the included id)."""
    if op.get_bind().dialect.name == "postgresql":
        _customer_orders_index(include=[])
    op.create_index("ix_customers_referrer_id", "customers", ["referrer_id"])
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)


def _customer_orders_index(include: list[str]) -> None:
    """Rebuild ix_orders_customer_id_ordered_at_cover (migration 0005) with `include`."""
    name = "ix_orders_customer_id_ordered_at_cover"
    op.drop_index(name, table_name="orders")
    op.create_index(
        name,
        "orders",
        ["customer_id", "ordered_at", "status", "deleted_at"],
        postgresql_include=include,
    )
