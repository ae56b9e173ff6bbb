"""A new shop's first steps: what an empty database (`salesops init`, no demo) still needs
before the workbook has anything to show. The landing page lists them for admins until
each is done; each is read from the data itself, so doing it anywhere (a page, the CLI, a
file) ticks it off.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import channels, customers, orders, products, staff_users

# In the order a shop does them: the catalogue, where orders come from, the people who
# enter them, then its customers or orders (typed or imported).
STEPS = ("products", "channels", "staff", "data")


def first_steps(db) -> list[dict]:
    """Each step as {key, done}, in STEPS order: products (any product), channels (any
    active channel), staff (an enabled account that is not an admin) and data (any
    customer or order)."""
    checks = {
        "products": sa.select(products.c.id),
        "channels": sa.select(channels.c.id).where(channels.c.active),
        "staff": sa.select(staff_users.c.id).where(
            staff_users.c.disabled_at.is_(None), staff_users.c.role != "admin"
        ),
        "data": sa.select(customers.c.id).union_all(sa.select(orders.c.id)),
    }
    with db.read() as conn:
        return [
            {"key": key, "done": conn.execute(_any(checks[key])).scalar() is not None}
            for key in STEPS
        ]


def _any(query) -> sa.Select:
    """One row if `query` has any (a cheap existence test on both databases)."""
    return sa.select(sa.literal(1)).select_from(query.limit(1).subquery())
