"""agents: reseller levels and their prices, commission rules, monthly statements

- agent_levels (name, percentage off retail, rank) and agent_level_prices (a level's own
  price for a product, overriding the percentage); customers.agent_level_id, an agent's
  level (separate from their depth in the tree).
- orders.agent_id: the seller of record when an agent sold the order to their own
  customer (NULL: the shop sold it), with ix_orders_agent_id for the statements.
- commission_rules (own sales, or one level of override on direct recruits' sales: rate
  or per unit), agent_months (closed months), agent_statements and their lines, stored
  when a month closes so a closed month never changes.

The new columns are added with plain ALTER TABLE ... ADD COLUMN (orders carries the
kept-totals triggers of 0007); their foreign keys are named constraints on PostgreSQL;
SQLite takes a REFERENCES clause in the ADD COLUMN instead.

Revision ID: 0010_agents
Revises: 0009_shipping
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_agents"
down_revision = "0009_shipping"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    """Version and created/updated columns."""
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
    ]


def _money(name: str) -> sa.Column:
    """A NUMERIC(12,2) column that must be given."""
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=False)


def upgrade() -> None:
    """Create the agents' tables and add customers.agent_level_id and orders.agent_id."""
    _levels()
    _rules()
    _statements()
    _add_reference("customers", "agent_level_id", "agent_levels")
    _add_reference("orders", "agent_id", "customers")
    op.create_index("ix_orders_agent_id", "orders", ["agent_id", "ordered_at"], unique=False)


def _levels() -> None:
    """agent_levels and agent_level_prices."""
    op.create_table(
        "agent_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("rank", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_levels")),
        sa.UniqueConstraint("name", name=op.f("uq_agent_levels_name")),
    )
    op.create_table(
        "agent_level_prices",
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        _money("price"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["agent_levels.id"],
            name=op.f("fk_agent_level_prices_level_id_agent_levels"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_agent_level_prices_product_id_products")
        ),
        sa.PrimaryKeyConstraint("level_id", "product_id", name=op.f("pk_agent_level_prices")),
    )
    op.create_index(
        "ix_agent_level_prices_product_id", "agent_level_prices", ["product_id"], unique=False
    )


def _rules() -> None:
    """commission_rules, with the checks that keep a rule to own sales and one level."""
    op.create_table(
        "commission_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("depth", sa.Integer(), server_default="0", nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        *_stamps(),
        sa.CheckConstraint(
            "basis in ('own_sales', 'downline_sales')", name=op.f("ck_commission_rules_basis")
        ),
        sa.CheckConstraint("kind in ('rate', 'per_unit')", name=op.f("ck_commission_rules_kind")),
        sa.CheckConstraint("depth between 0 and 1", name=op.f("ck_commission_rules_depth")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_commission_rules_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["agent_levels.id"],
            name=op.f("fk_commission_rules_level_id_agent_levels"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_rules")),
    )


def _statements() -> None:
    """agent_months, agent_statements and agent_statement_lines."""
    op.create_table(
        "agent_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_agent_months")),
    )
    op.create_table(
        "agent_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        _money("sales"),
        _money("commission"),
        _money("adjustments"),
        _money("total"),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("paid_by", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["customers.id"], name=op.f("fk_agent_statements_agent_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["month"], ["agent_months.month"], name=op.f("fk_agent_statements_month_agent_months")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_statements")),
        sa.UniqueConstraint("agent_id", "month", name=op.f("uq_agent_statements_agent_id_month")),
    )
    op.create_index("ix_agent_statements_month", "agent_statements", ["month"], unique=False)
    op.create_table(
        "agent_statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _money("sales"),
        sa.Column("quantity", sa.Integer(), nullable=False),
        _money("commission"),
        sa.CheckConstraint(
            "kind in ('own', 'override', 'adjustment')", name=op.f("ck_agent_statement_lines_kind")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_agent_statement_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["agent_statements.id"],
            name=op.f("fk_agent_statement_lines_statement_id_agent_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_statement_lines")),
    )
    op.create_index(
        "ix_agent_statement_lines_statement_id",
        "agent_statement_lines",
        ["statement_id"],
        unique=False,
    )
    op.create_index(
        "ix_agent_statement_lines_order_id", "agent_statement_lines", ["order_id"], unique=False
    )


def _add_reference(table: str, column: str, target: str) -> None:
    """`table.column` referring to `target.id`: on SQLite a REFERENCES clause in the ADD
    COLUMN itself, on PostgreSQL a named foreign key."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, target, [column], ["id"])


def downgrade() -> None:
    """Drop the columns (plain ALTER TABLE ... DROP COLUMN) and the agents' tables."""
    op.drop_index("ix_orders_agent_id", table_name="orders")
    for table, column, target in (
        ("orders", "agent_id", "customers"),
        ("customers", "agent_level_id", "agent_levels"),
    ):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_{column}_{target}", table, type_="foreignkey")
        op.drop_column(table, column)
    op.drop_index("ix_agent_statement_lines_order_id", table_name="agent_statement_lines")
    op.drop_index("ix_agent_statement_lines_statement_id", table_name="agent_statement_lines")
    op.drop_table("agent_statement_lines")
    op.drop_index("ix_agent_statements_month", table_name="agent_statements")
    op.drop_table("agent_statements")
    op.drop_table("agent_months")
    op.drop_table("commission_rules")
    op.drop_index("ix_agent_level_prices_product_id", table_name="agent_level_prices")
    op.drop_table("agent_level_prices")
    op.drop_table("agent_levels")
