"""The people around the sales: communities (社群), who is in them, and order-shares (晒单).

Re-exported by salesops.schema; kept here so schema.py stays under the size limit.
Migration 0017_communities gave them what people enter from pages and files: a
community's editor stamps, memberships with a left_at (leaving keeps the history, so
conversion over time stays right), and reviews with a platform, a link and stamps.
"""

import sqlalchemy as sa

from .schema_types import UTCDateTime, metadata

# Where a 晒单 was posted, in the order pages offer them.
REVIEW_PLATFORMS = ("wechat_moments", "wechat_group", "xiaohongshu", "douyin", "dianping", "other")


def _edit_stamps():
    """Version and last change, for rows also written in bulk (the demo, old rows)."""
    return [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("updated_at", UTCDateTime),
        sa.Column("updated_by", sa.String(64)),
    ]


communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    # The person the group gathers around (often an influencer), a customer.
    sa.Column("owner_id", sa.ForeignKey("customers.id")),
    sa.Column("channel_id", sa.ForeignKey("channels.id")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    *_edit_stamps(),
)

# One row per stay in a community: joined_at, and left_at once they left (NULL while in).
# Someone who leaves and comes back has two rows; at most one is open
# (uq_community_members_current). `brought_in`: the customer was created by adding them to
# this community (a member list imported or typed), "from community NAME".
community_members = sa.Table(
    "community_members",
    metadata,
    sa.Column("community_id", sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("joined_at", UTCDateTime, nullable=False),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("left_at", UTCDateTime),
    sa.Column("brought_in", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_community_members_customer_id", "customer_id"),
    # A community's members who had joined by a date, from the index alone (0007).
    sa.Index("ix_community_members_joined", "community_id", "joined_at", "customer_id"),
    sa.Index(
        "uq_community_members_current",
        "community_id",
        "customer_id",
        unique=True,
        sqlite_where=sa.text("left_at is null"),
        postgresql_where=sa.text("left_at is null"),
    ),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("order_id", sa.ForeignKey("orders.id")),
    # The day it was posted: 00:00 of that day in the business zone, in UTC.
    sa.Column("posted_at", UTCDateTime, nullable=False),
    # One of REVIEW_PLATFORMS (checked by salesops.reviews).
    sa.Column("platform", sa.String(32), nullable=False, server_default="wechat_moments"),
    sa.Column("rating", sa.Integer),
    sa.Column("content", sa.Text, nullable=False, server_default=""),
    sa.Column("link", sa.String(500), nullable=False, server_default=""),
    *_edit_stamps(),
    sa.Column("deleted_at", UTCDateTime),
    sa.CheckConstraint("rating between 1 and 5", name="rating_range"),
    sa.Index("ix_reviews_customer_id", "customer_id"),
    sa.Index("ix_reviews_order_id", "order_id"),
)
