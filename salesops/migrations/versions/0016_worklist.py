"""worklist: the daily work queue's cache

- worklist_cache: the slow part of the landing page's work queue (the customers worth
  contacting, from the BG/NBD model), kept per business day as JSON.

Revision ID: 0016_worklist
Revises: 0015_refunds
Create Date: 2026-12-06 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_worklist"
down_revision = "0015_refunds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create worklist_cache."""
    op.create_table(
        "worklist_cache",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", "day", name=op.f("pk_worklist_cache")),
    )


def downgrade() -> None:
    """Drop worklist_cache."""
    op.drop_table("worklist_cache")
