"""group_buy: the entries of pasted group-buy lists (接龙) that became orders

- group_buy_entries: one row per list entry written as an order, unique by the list's
  key and the entry's number (and, for a number written twice, which one) (so pasting a list again creates nothing new), with a digest
  of the entry's text (to tell an entry edited since), its order and its import.
- imports.kind may be `group_buy` (one import row per confirmed list).

Revision ID: 0013_group_buy
Revises: 0012_erasure
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_group_buy"
down_revision = "0012_erasure"
branch_labels = None
depends_on = None

KINDS = "'orders', 'customers', 'products'"


def upgrade() -> None:
    """Create group_buy_entries; allow group_buy imports."""
    op.create_table(
        "group_buy_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_key", sa.String(length=64), nullable=False),
        sa.Column("entry", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), server_default="1", nullable=False),
        sa.Column("entry_digest", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_group_buy_entries_import_id_imports")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_group_buy_entries_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_buy_entries")),
        sa.UniqueConstraint(
            "list_key", "entry", "seq", name=op.f("uq_group_buy_entries_list_key_entry_seq")
        ),
    )
    op.create_index("ix_group_buy_entries_order_id", "group_buy_entries", ["order_id"])
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_imports_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind in ({KINDS}, 'group_buy')")


def downgrade() -> None:
    """Drop the table and the group_buy imports (their kind goes); the orders stay."""
    op.drop_index("ix_group_buy_entries_order_id", table_name="group_buy_entries")
    op.drop_table("group_buy_entries")
    op.execute("delete from imports where kind = 'group_buy'")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_imports_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind in ({KINDS})")
