"""The group-buy list table (salesops.schema re-exports it): one row per entry of a
pasted 接龙 list that became an order, keyed by the list and the entry's number, so a
list pasted again creates nothing new and a longer one adds only its new entries
(salesops.groupbuy.service). Migration 0013."""

import sqlalchemy as sa

from .schema_types import UTCDateTime, metadata

group_buy_entries = sa.Table(
    "group_buy_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # SHA-256 of what identifies the list: its community, header and first entry
    # (hashes are no customer's personal data: salesops.personal asks every text column)
    sa.Column("list_key", sa.String(64), nullable=False, info={"personal": False}),
    sa.Column("entry", sa.Integer, nullable=False),
    # 1, or 2, 3... for later entries a list numbers the same as an earlier one
    sa.Column("seq", sa.Integer, nullable=False, server_default="1"),
    # SHA-256 of the entry's lines as written, to tell an entry edited since
    sa.Column("entry_digest", sa.String(64), nullable=False, info={"personal": False}),
    sa.Column("order_id", sa.ForeignKey("orders.id"), nullable=False),
    sa.Column("import_id", sa.ForeignKey("imports.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("list_key", "entry", "seq"),
    sa.Index("ix_group_buy_entries_order_id", "order_id"),
)
