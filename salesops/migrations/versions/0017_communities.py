"""communities: nicknames, communities people edit, memberships that end, 晒单 on orders

- customers.nickname: the WeChat nickname (微信昵称) people go by in group chats, indexed
  (ix_customers_nickname; on PostgreSQL also a C-collated one for the prefix search, as
  0004_search made for names).
- communities: version, created_by, updated_at, updated_by (renamed, owner and channel
  changed through salesops.communities, versioned and audited).
- community_members: an `id` primary key instead of (community_id, customer_id), so one
  person may have several stays in a community; `left_at` (NULL while in) and
  `brought_in` (the customer was created by being added to this community);
  uq_community_members_current keeps at most one open stay per person and community.
  On SQLite the table is copied into its new shape; on PostgreSQL it is altered.
- imports.kind may be members (a community's member list, salesops.importer).
- reviews: link, version, created_by, updated_at, updated_by, deleted_at and an index on
  order_id; the demo's platform codes community_group and social_platform become
  wechat_group and other (the platforms are now 朋友圈, 微信群, 小红书, 抖音, 大众点评, other).

Downgrade keeps one row per (community, customer), the latest stay, and turns the
platform codes back.

Revision ID: 0017_communities
Revises: 0016_worklist
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_communities"
down_revision = "0016_worklist"
branch_labels = None
depends_on = None

IMPORT_KINDS = ("orders", "customers", "products", "group_buy")
PLATFORM_CODES = [("community_group", "wechat_group"), ("social_platform", "other")]
OLD_MEMBER_INDEXES = [
    ("ix_community_members_customer_id", ["customer_id"]),
    ("ix_community_members_joined", ["community_id", "joined_at", "customer_id"]),
]


def _stamps() -> list[sa.Column]:
    """The editor columns communities and reviews gain."""
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.String(length=64), server_default="", nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
    ]


def upgrade() -> None:
    """Add the nickname, the editor columns, the memberships' new shape and review fields."""
    dialect = op.get_bind().dialect.name
    op.add_column("customers", sa.Column("nickname", sa.String(length=64), nullable=True))
    op.create_index("ix_customers_nickname", "customers", ["nickname"], unique=False)
    if dialect == "postgresql":
        op.execute(
            'create index ix_customers_nickname_c on customers (nickname collate "C", id) '
            "where deleted_at is null"
        )
    for column in _stamps():
        op.add_column("communities", column)
    for column in [
        sa.Column("link", sa.String(length=500), server_default="", nullable=False),
        *_stamps(),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]:
        op.add_column("reviews", column)
    op.create_index("ix_reviews_order_id", "reviews", ["order_id"], unique=False)
    for old, new in PLATFORM_CODES:
        op.execute(f"update reviews set platform = '{new}' where platform = '{old}'")
    if dialect == "postgresql":
        _members_postgresql()
    else:
        _members_sqlite()
    op.create_index(
        "uq_community_members_current",
        "community_members",
        ["community_id", "customer_id"],
        unique=True,
        sqlite_where=sa.text("left_at is null"),
        postgresql_where=sa.text("left_at is null"),
    )
    _import_kinds((*IMPORT_KINDS, "members"))


def _import_kinds(kinds: tuple[str, ...]) -> None:
    """imports.kind's CHECK allows `kinds` (SQLite copies the small imports table)."""
    condition = f"kind in ({', '.join(repr(k) for k in kinds)})"
    with op.batch_alter_table("imports") as batch:
        batch.drop_constraint(op.f("ck_imports_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_imports_kind"), condition)


def _members_postgresql() -> None:
    """Swap the primary key for a serial id; add left_at and brought_in."""
    op.drop_constraint("pk_community_members", "community_members", type_="primary")
    op.execute("alter table community_members add column id serial not null")
    op.create_primary_key("pk_community_members", "community_members", ["id"])
    _member_columns()


def _member_columns() -> None:
    """left_at and brought_in."""
    op.add_column("community_members", sa.Column("left_at", sa.DateTime(), nullable=True))
    op.add_column(
        "community_members",
        sa.Column("brought_in", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def _members_sqlite() -> None:
    """Copy the memberships into a table of the new shape (SQLite cannot alter a primary
    key), in their old order, so ids follow (community, customer)."""
    op.create_table(
        "community_members_new",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.Column("brought_in", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name="fk_community_members_community_id_communities",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_community_members_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_community_members"),
    )
    op.execute(
        "insert into community_members_new (community_id, customer_id, joined_at) "
        "select community_id, customer_id, joined_at from community_members "
        "order by community_id, customer_id"
    )
    op.drop_table("community_members")
    op.rename_table("community_members_new", "community_members")
    for name, columns in OLD_MEMBER_INDEXES:
        op.create_index(name, "community_members", columns, unique=False)


def downgrade() -> None:
    """Back to one row per (community, customer) (the latest stay), and the old columns."""
    dialect = op.get_bind().dialect.name
    op.execute("delete from imports where kind = 'members'")
    _import_kinds(IMPORT_KINDS)
    op.drop_index("uq_community_members_current", table_name="community_members")
    op.execute(
        "delete from community_members where exists (select 1 from community_members as l "
        "where l.community_id = community_members.community_id "
        "and l.customer_id = community_members.customer_id and l.id > community_members.id)"
    )
    if dialect == "postgresql":
        op.drop_column("community_members", "brought_in")
        op.drop_column("community_members", "left_at")
        op.drop_constraint("pk_community_members", "community_members", type_="primary")
        op.drop_column("community_members", "id")
        op.create_primary_key(
            "pk_community_members", "community_members", ["community_id", "customer_id"]
        )
    else:
        _members_sqlite_down()
    for old, new in PLATFORM_CODES:
        op.execute(f"update reviews set platform = '{old}' where platform = '{new}'")
    op.drop_index("ix_reviews_order_id", table_name="reviews")
    for name in ("deleted_at", "updated_by", "updated_at", "created_by", "version", "link"):
        op.drop_column("reviews", name)
    for name in ("updated_by", "updated_at", "created_by", "version"):
        op.drop_column("communities", name)
    if dialect == "postgresql":
        op.execute("drop index if exists ix_customers_nickname_c")
    op.drop_index("ix_customers_nickname", table_name="customers")
    op.drop_column("customers", "nickname")


def _members_sqlite_down() -> None:
    """The memberships copied back into the old shape."""
    op.create_table(
        "community_members_old",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name="fk_community_members_community_id_communities",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_community_members_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("community_id", "customer_id", name="pk_community_members"),
    )
    op.execute(
        "insert into community_members_old (community_id, customer_id, joined_at) "
        "select community_id, customer_id, joined_at from community_members"
    )
    op.drop_table("community_members")
    op.rename_table("community_members_old", "community_members")
    for name, columns in OLD_MEMBER_INDEXES:
        op.create_index(name, "community_members", columns, unique=False)
