"""import: imports, customer merges, secondary identifiers

One row per import run (`imports`), one per customer merge with what it moved so it can
be undone (`customer_merges`), and the merged-away customer's code, mobile and WeChat ID
kept as secondary identifiers of the customer they were merged into, so later imports
still match them (`customer_identifiers`).

Revision ID: 0003_import
Revises: 0002_accounts
Create Date: 2026-11-25 10:47:36.371827
"""

from alembic import op
import sqlalchemy as sa


revision = "0003_import"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create imports, customer_merges and customer_identifiers."""
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("kind in ('orders', 'customers')", name=op.f("ck_imports_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("moved", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["customers.id"], name=op.f("fk_customer_merges_kept_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["customers.id"], name=op.f("fk_customer_merges_merged_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merges")),
    )
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.create_index("ix_customer_merges_kept_id", ["kept_id"], unique=False)
        batch_op.create_index("ix_customer_merges_merged_id", ["merged_id"], unique=False)

    op.create_table(
        "customer_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind in ('code', 'mobile', 'wechat')", name=op.f("ck_customer_identifiers_kind")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_identifiers_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["customer_merges.id"],
            name=op.f("fk_customer_identifiers_merge_id_customer_merges"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_identifiers")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_customer_identifiers_kind_value")),
    )
    with op.batch_alter_table("customer_identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_customer_identifiers_customer_id", ["customer_id"], unique=False)


def downgrade() -> None:
    """Drop the three tables again."""
    with op.batch_alter_table("customer_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_identifiers_customer_id")

    op.drop_table("customer_identifiers")
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_merges_merged_id")
        batch_op.drop_index("ix_customer_merges_kept_id")

    op.drop_table("customer_merges")
    op.drop_table("imports")
