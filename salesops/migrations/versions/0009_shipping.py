"""shipping: customers' address books, the ship-to copied onto orders, courier and tracking

- customer_addresses: any number of addresses per customer (recipient, mobile, province /
  city / district with the division's GB/T 2260 code, detail, postcode), at most one the
  default (uq_customer_addresses_default, partial); soft-deleted, versioned, audited.
- orders.ship_*: the ship-to as it was when the order was sold (NULL: none), copied from
  the address book or typed with the order, so later edits never rewrite a past parcel.
- orders.courier / orders.tracking_no: how the order went out (a salesops.couriers code
  and the cleaned number), required to mark it shipped; ix_orders_tracking_no finds an
  order by its number, ix_orders_status_ordered_at lists the orders waiting to ship.

The order columns are added with plain ALTER TABLE ... ADD COLUMN (no batch copy: the
orders table carries the kept-totals triggers of 0007 and is referenced by order lines).

Revision ID: 0009_shipping
Revises: 0008_shop
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_shipping"
down_revision = "0008_shop"
branch_labels = None
depends_on = None

SHIP_COLUMNS = [
    ("ship_recipient", 100),
    ("ship_mobile", 20),
    ("ship_province", 64),
    ("ship_city", 64),
    ("ship_district", 64),
    ("ship_detail", 200),
    ("ship_postcode", 16),
    ("courier", 16),
    ("tracking_no", 40),
]
ORDER_INDEXES = [
    ("ix_orders_tracking_no", ["tracking_no"]),
    ("ix_orders_status_ordered_at", ["status", "ordered_at"]),
]


def upgrade() -> None:
    """Create customer_addresses; add the ship-to, courier and tracking columns to orders."""
    _create_addresses()
    for name, length in SHIP_COLUMNS:
        op.add_column("orders", sa.Column(name, sa.String(length=length), nullable=True))
    for name, columns in ORDER_INDEXES:
        op.create_index(name, "orders", columns, unique=False)


def _create_addresses() -> None:
    """customer_addresses with its customer index and the one-default-per-customer index."""
    op.create_table(
        "customer_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=False),
        sa.Column("province", sa.String(length=64), server_default="", nullable=False),
        sa.Column("city", sa.String(length=64), server_default="", nullable=False),
        sa.Column("district", sa.String(length=64), server_default="", nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=16), server_default="", nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=True),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_addresses_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_addresses")),
    )
    op.create_index(
        "ix_customer_addresses_customer_id", "customer_addresses", ["customer_id"], unique=False
    )
    op.create_index(
        "uq_customer_addresses_default",
        "customer_addresses",
        ["customer_id"],
        unique=True,
        sqlite_where=sa.text("is_default and deleted_at is null"),
        postgresql_where=sa.text("is_default and deleted_at is null"),
    )


def downgrade() -> None:
    """Drop the order columns and indexes (plain ALTER TABLE ... DROP COLUMN) and the table."""
    for name, _columns in ORDER_INDEXES:
        op.drop_index(name, table_name="orders")
    for name, _length in reversed(SHIP_COLUMNS):
        op.drop_column("orders", name)
    op.drop_table("customer_addresses")
