"""Tables of personal-data requests (PIPL): the record each erasure leaves.

An erasure keeps who, when and why, and how many rows of each table it cleared; never
what was erased (salesops.erasure). Migration 0012.
"""

import sqlalchemy as sa

from .schema_types import UTCDateTime, metadata

erasures = sa.Table(
    "erasures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("customer_code", sa.String(32), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    # JSON: rows cleared or removed per table, e.g. {"orders": 3, "audit_log": 12}
    sa.Column("erased", sa.Text, nullable=False, server_default="{}"),
    sa.Index("ix_erasures_customer_id", "customer_id"),
)
