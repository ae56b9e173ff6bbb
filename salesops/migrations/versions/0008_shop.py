"""shop: products people edit, their aliases and stock ledger, channels, shop settings

A shop that starts from an empty database enters its own products, channels and settings
(salesops.products, salesops.channels, salesops.settings):

- products: stock_on_hand (NULL: not counted), reorder_level (NULL: none), created_by,
  and version / updated_at / updated_by, so edits are versioned like customers'. Rows
  made before this revision are at version 1 and have never been updated (NULL).
- product_aliases: other names buyers use for a product, unique by their matching key.
- stock_movements: the stock ledger, one row per change of a product's stock on hand.
- channels: version / updated_at / updated_by, for renames and archiving.
- settings: one row (id 1) of shop settings; absent until an admin first saves them.
- imports.kind also allows 'products' (salesops products import).

Revision ID: 0008_shop
Revises: 0007_kept_totals
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_shop"
down_revision = "0007_kept_totals"
branch_labels = None
depends_on = None


def _edit_stamps() -> list[sa.Column]:
    """version, updated_at, updated_by: the columns salesops.records.versioned_update needs."""
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
    ]


def upgrade() -> None:
    """Add the product and channel columns, the alias, ledger and settings tables, and
    allow products imports."""
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stock_on_hand", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reorder_level", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("created_by", sa.String(length=64), server_default="", nullable=False)
        )
        for column in _edit_stamps():
            batch_op.add_column(column)
    with op.batch_alter_table("channels", schema=None) as batch_op:
        for column in _edit_stamps():
            batch_op.add_column(column)
    _create_aliases()
    _create_ledger()
    _create_settings()
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_imports_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind in ('orders', 'customers', 'products')")


def _create_aliases() -> None:
    """product_aliases, unique by alias_key."""
    op.create_table(
        "product_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("alias_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_aliases_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_aliases")),
        sa.UniqueConstraint("alias_key", name=op.f("uq_product_aliases_alias_key")),
    )
    with op.batch_alter_table("product_aliases", schema=None) as batch_op:
        batch_op.create_index("ix_product_aliases_product_id", ["product_id"], unique=False)


def _create_ledger() -> None:
    """stock_movements, by product and by order."""
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("on_hand", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind in ('counted', 'uncounted')", name=op.f("ck_stock_movements_kind")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_stock_movements_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_movements_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index("ix_stock_movements_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_stock_movements_product_id", ["product_id", "id"], unique=False)


def _create_settings() -> None:
    """settings: at most one row, id 1."""
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("shop_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("business_zone", sa.String(length=64), nullable=True),
        sa.Column("currency_format", sa.String(length=16), server_default="¥{}", nullable=False),
        sa.Column("default_channel_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_settings_one_row")),
        sa.ForeignKeyConstraint(
            ["default_channel_id"],
            ["channels.id"],
            name=op.f("fk_settings_default_channel_id_channels"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    """Drop what upgrade added (products imports are deleted first: their kind goes)."""
    op.execute("delete from imports where kind = 'products'")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_imports_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind in ('orders', 'customers')")
    op.drop_table("settings")
    op.drop_table("stock_movements")
    op.drop_table("product_aliases")
    # plain ALTER TABLE ... DROP COLUMN: a batch copy of a table that order lines and
    # customers point at would trip SQLite's foreign keys
    for name in ("updated_by", "updated_at", "version"):
        op.drop_column("channels", name)
    for name in ("updated_by", "updated_at", "version", "created_by", "reorder_level"):
        op.drop_column("products", name)
    op.drop_column("products", "stock_on_hand")
