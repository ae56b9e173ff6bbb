"""refunds: partial and full refunds of an order, with the goods they cover

- order_refunds: money given back on an order (amount, reason, who, when, whether the
  goods came back into stock); ix_order_refunds_refunded_at serves the weekly sheet's
  refunds issued in a week.
- order_refund_lines: which order lines and how many units a refund covers.

Revision ID: 0015_refunds
Revises: 0014_stock_sales
Create Date: 2026-12-06 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_refunds"
down_revision = "0014_stock_sales"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create order_refunds and order_refund_lines with their indexes."""
    op.create_table(
        "order_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("restocked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("refunded_at", sa.DateTime(), nullable=False),
        sa.Column("refunded_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_order_refunds_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_refunds_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refunds")),
    )
    op.create_index("ix_order_refunds_order_id", "order_refunds", ["order_id"], unique=False)
    op.create_index(
        "ix_order_refunds_refunded_at", "order_refunds", ["refunded_at", "amount"], unique=False
    )
    op.create_table(
        "order_refund_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_refund_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_order_refund_lines_order_line_id_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["order_refunds.id"],
            name=op.f("fk_order_refund_lines_refund_id_order_refunds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refund_lines")),
    )
    op.create_index(
        "ix_order_refund_lines_refund_id", "order_refund_lines", ["refund_id"], unique=False
    )
    op.create_index(
        "ix_order_refund_lines_order_line_id", "order_refund_lines", ["order_line_id"], unique=False
    )


def downgrade() -> None:
    """Drop the refund tables (their rows go; orders keep their status)."""
    op.drop_table("order_refund_lines")
    op.drop_table("order_refunds")
