"""After-sales, stock and the work queue: refunds and their lines (migration 0015), the
work queue's daily cache (0016), and the shop's backorder setting (0014), appended to the
settings table here so schema.py stays short.

salesops.schema imports this module after its own tables, so every reader of the schema
(Alembic, copy-to, the tests) sees these too.
"""

import sqlalchemy as sa

from .schema_types import Money, UTCDateTime, metadata

__all__: list[str] = []

# May an order take a product's stock below zero (salesops.stock_orders); default: no.
metadata.tables["settings"].append_column(
    sa.Column("allow_backorder", sa.Boolean, nullable=False, server_default=sa.false())
)

__all__ += ["order_refunds", "order_refund_lines"]

# A refund (售后, salesops.refunds): money given back on an order, with its reason, who and
# when; `restocked` when the goods came back into stock. Its lines say which goods and how
# many (none: money only). The weekly sheet counts refunds by `refunded_at`. Migration 0015.
order_refunds = sa.Table(
    "order_refunds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id"), nullable=False),
    Money(name="amount", nullable=False),
    # what staff typed about the refund may name the buyer: cleared when they are erased
    sa.Column("reason", sa.String(500), nullable=False, info={"personal": True}),
    sa.Column("restocked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("refunded_at", UTCDateTime, nullable=False),
    sa.Column("refunded_by", sa.String(64), nullable=False, info={"personal": False}),
    sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    sa.Index("ix_order_refunds_order_id", "order_id"),
    sa.Index("ix_order_refunds_refunded_at", "refunded_at", "amount"),
    info={"personal_owner": ("order_id", "orders")},
)
order_refund_lines = sa.Table(
    "order_refund_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("refund_id", sa.ForeignKey("order_refunds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("order_line_id", sa.ForeignKey("order_lines.id"), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    Money(name="amount", nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    sa.Index("ix_order_refund_lines_refund_id", "refund_id"),
    sa.Index("ix_order_refund_lines_order_line_id", "order_line_id"),
)

__all__ += ["worklist_cache"]

# The daily work queue's slow part, kept per business day (salesops.worklist): `payload` is
# JSON (the customers worth contacting). Migration 0016.
worklist_cache = sa.Table(
    "worklist_cache",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True, info={"personal": False}),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("computed_at", UTCDateTime, nullable=False),
    # customer codes and scores only; names and mobiles are read when shown
    sa.Column("payload", sa.Text, nullable=False, info={"personal": False}),
)
