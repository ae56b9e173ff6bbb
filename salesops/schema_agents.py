"""The resellers' (代理) tables: levels and their prices, commission rules, the monthly
statements, and the two columns they add to customers and orders (migration 0010).

salesops.schema imports this module after its own tables, so every reader of the schema
(Alembic, copy-to, the tests) sees these too; the columns on `customers` and `orders` are
appended to those tables here so schema.py stays short. Money is NUMERIC(12,2); a rate
is a fraction NUMERIC(6,4) (0.1000 = 10 %).
"""

import sqlalchemy as sa

from .schema_types import Money, UTCDateTime, metadata

__all__ = [
    "RULE_BASES",
    "RULE_KINDS",
    "LINE_KINDS",
    "agent_levels",
    "agent_level_prices",
    "commission_rules",
    "agent_months",
    "agent_statements",
    "agent_statement_lines",
]
RULE_BASES = ("own_sales", "downline_sales")
RULE_KINDS = ("rate", "per_unit")
LINE_KINDS = ("own", "override", "adjustment")


def _stamps():
    """Created/updated columns of the rows managers edit."""
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    ]


# A level the shop defines (一级代理, 二级代理...). An agent's price for a product is the
# level's own price for it (agent_level_prices) or, without one, the retail price less
# `discount_pct` per cent; neither: retail. `rank` orders the levels on pages.
agent_levels = sa.Table(
    "agent_levels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("discount_pct", sa.Numeric(5, 2, asdecimal=True)),
    sa.Column("rank", sa.Integer, nullable=False, server_default="0"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    *_stamps(),
)

agent_level_prices = sa.Table(
    "agent_level_prices",
    metadata,
    sa.Column("level_id", sa.ForeignKey("agent_levels.id"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), primary_key=True),
    Money(name="price", nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Index("ix_agent_level_prices_product_id", "product_id"),
)

# What the shop pays an agent: on their own sales to end customers, or (depth 1 only) on
# the sales of agents they brought in directly. `level_id` NULL: every level. Rules that
# pay for recruiting, entry fees, first stock or deeper levels are refused by
# salesops.agents.commission before they reach this table (禁止传销条例).
commission_rules = sa.Table(
    "commission_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("level_id", sa.ForeignKey("agent_levels.id")),
    sa.Column("basis", sa.String(16), nullable=False),
    sa.Column("depth", sa.Integer, nullable=False, server_default="0"),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.Numeric(12, 4, asdecimal=True), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    *_stamps(),
    sa.CheckConstraint("basis in ('own_sales', 'downline_sales')", name="basis"),
    sa.CheckConstraint("kind in ('rate', 'per_unit')", name="kind"),
    sa.CheckConstraint("depth between 0 and 1", name="depth"),
    sa.CheckConstraint("value >= 0", name="value_not_negative"),
)

# A closed month: its statements are stored and never recomputed (months close in order).
agent_months = sa.Table(
    "agent_months",
    metadata,
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("closed_at", UTCDateTime, nullable=False),
    sa.Column("closed_by", sa.String(64), nullable=False),
)

agent_statements = sa.Table(
    "agent_statements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agent_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("month", sa.ForeignKey("agent_months.month"), nullable=False),
    Money(name="sales", nullable=False),
    Money(name="commission", nullable=False),
    Money(name="adjustments", nullable=False),
    Money(name="total", nullable=False),
    sa.Column("paid_at", UTCDateTime),
    sa.Column("paid_by", sa.String(64)),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.UniqueConstraint("agent_id", "month"),
    sa.Index("ix_agent_statements_month", "month"),
)

agent_statement_lines = sa.Table(
    "agent_statement_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("statement_id", sa.ForeignKey("agent_statements.id"), nullable=False),
    sa.Column("order_id", sa.ForeignKey("orders.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    Money(name="sales", nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    Money(name="commission", nullable=False),
    sa.CheckConstraint("kind in ('own', 'override', 'adjustment')", name="kind"),
    sa.Index("ix_agent_statement_lines_statement_id", "statement_id"),
    sa.Index("ix_agent_statement_lines_order_id", "order_id"),
)

# No text here is a customer's personal data (level names, rule words, months, staff
# names), as salesops.personal asks every text column to say.
for _table in (
    agent_levels,
    agent_level_prices,
    commission_rules,
    agent_months,
    agent_statements,
    agent_statement_lines,
):
    for _column in _table.columns:
        if isinstance(_column.type, sa.String):
            _column.info["personal"] = False

# An agent's level (NULL: priced at retail), separate from their depth in the tree; and
# an order's seller of record when an agent sold it to their own customer (NULL: the shop).
_customers, _orders = metadata.tables["customers"], metadata.tables["orders"]
_customers.append_column(sa.Column("agent_level_id", sa.ForeignKey("agent_levels.id")))
_orders.append_column(sa.Column("agent_id", sa.ForeignKey("customers.id")))
sa.Index("ix_orders_agent_id", _orders.c.agent_id, _orders.c.ordered_at)
