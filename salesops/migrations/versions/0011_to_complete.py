"""to_complete: what staff should still fill in about a customer

- customers.to_complete: NULL when nothing is missing; `name` when the customer's name is
  a placeholder made from their code by an orders import whose file had no name for them
  ("客户 C000001"), cleared when someone gives a real name. The customers list marks such
  customers and can show only them.

Revision ID: 0011_to_complete
Revises: 0010_agents
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_to_complete"
down_revision = "0010_agents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add customers.to_complete (plain ALTER TABLE ... ADD COLUMN, nullable)."""
    op.add_column("customers", sa.Column("to_complete", sa.String(length=100), nullable=True))


def downgrade() -> None:
    """Drop customers.to_complete."""
    op.drop_column("customers", "to_complete")
