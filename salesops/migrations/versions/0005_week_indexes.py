"""week indexes: the weekly sheet's order scans read the index alone

The weekly sheet (queries/weekly.sql) reads the orders of a date range and, for each buyer,
their earlier orders, each time checking status and deleted_at. With indexes on
(ordered_at) and (customer_id, ordered_at) every such order cost a table lookup; these two
replace them with covering indexes that also hold status, deleted_at and the customer (and
id), so the same queries read the index alone. At 1M customers / 3M orders on SQLite the
sheet's SQL went from ~25 s to ~12 s (BENCHMARKS.md). Anything that used the old indexes
(a date range of orders, a customer's orders by date) uses the new ones: same leading
columns.

Revision ID: 0005_week_indexes
Revises: 0004_search
Create Date: 2026-12-02 13:40:00
"""

from alembic import op

revision = "0005_week_indexes"
down_revision = "0004_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Replace the two orders indexes by date with covering ones the weekly sheet reads alone."""
    op.create_index(
        "ix_orders_ordered_at_cover",
        "orders",
        ["ordered_at", "status", "deleted_at", "customer_id", "id"],
    )
    op.create_index(
        "ix_orders_customer_id_ordered_at_cover",
        "orders",
        ["customer_id", "ordered_at", "status", "deleted_at"],
    )
    op.drop_index("ix_orders_ordered_at", table_name="orders")
    op.drop_index("ix_orders_customer_id_ordered_at", table_name="orders")


def downgrade() -> None:
    """Put back the plain orders indexes by date and drop the covering ones."""
    op.create_index("ix_orders_customer_id_ordered_at", "orders", ["customer_id", "ordered_at"])
    op.create_index("ix_orders_ordered_at", "orders", ["ordered_at"])
    op.drop_index("ix_orders_customer_id_ordered_at_cover", table_name="orders")
    op.drop_index("ix_orders_ordered_at_cover", table_name="orders")
