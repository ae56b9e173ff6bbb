"""erasure: the record each erasure of a customer's personal data leaves

- erasures: who erased which customer record (id and code), when, why, and how many rows
  of each table were cleared; never the erased values (salesops.erasure).

Revision ID: 0012_erasure
Revises: 0011_to_complete
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_erasure"
down_revision = "0011_to_complete"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create erasures."""
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("erased", sa.Text(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_erasures_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index("ix_erasures_customer_id", "erasures", ["customer_id"], unique=False)


def downgrade() -> None:
    """Drop erasures (the record of past erasures goes with it)."""
    op.drop_index("ix_erasures_customer_id", table_name="erasures")
    op.drop_table("erasures")
