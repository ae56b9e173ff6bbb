"""stock sales: stock that moves with orders, received goods, the backorder setting

- stock_movements.kind: also `received` (goods in), `sold` (an order paid), `released`
  (a paid order cancelled, deleted or refunded before it went out) and `returned` (goods
  a refund brought back); see salesops.stock and salesops.stock_orders.
- settings.allow_backorder: whether an order may take a product's stock below zero
  (default false: such a sale is refused).

Revision ID: 0014_stock_sales
Revises: 0013_group_buy
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_stock_sales"
down_revision = "0013_group_buy"
branch_labels = None
depends_on = None

OLD_KINDS = ("counted", "uncounted")
NEW_KINDS = (*OLD_KINDS, "received", "sold", "released", "returned")


def _kinds(kinds) -> str:
    """The CHECK's SQL for `kinds`."""
    return f"kind in ({', '.join(repr(k) for k in kinds)})"


def upgrade() -> None:
    """Allow the new movement kinds; add settings.allow_backorder."""
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stock_movements_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(NEW_KINDS))
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allow_backorder", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Drop the setting; the new kinds' movements go (their products keep today's figure
    as a count, so the ledger still adds up)."""
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_column("allow_backorder")
    kinds = ", ".join(repr(k) for k in NEW_KINDS[2:])
    op.execute(f"delete from stock_movements where kind in ({kinds})")
    summed = (
        "coalesce((select sum(m.quantity) from stock_movements as m where m.product_id = p.id), 0)"
    )
    op.execute(
        "insert into stock_movements (product_id, kind, quantity, counted, on_hand, reason, at,"
        f" actor) select p.id, 'counted', p.stock_on_hand - {summed}, p.stock_on_hand,"
        " p.stock_on_hand, 'downgrade 0014', current_timestamp, 'migration' from products as p"
        f" where p.stock_on_hand is not null and p.stock_on_hand <> {summed}"
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stock_movements_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD_KINDS))
