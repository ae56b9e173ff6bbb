"""search: indexes for customer search as people type (salesops.search)

Name, WeChat ID and code searches are prefix searches walked in index order; a mobile
search finds a fragment anywhere in the number, which no B-tree can serve:

- SQLite: an FTS5 table `customers_search` with the trigram tokenizer over customer
  mobiles, an external-content table kept in step with `customers` by three triggers. The
  existing B-tree indexes on name, code, mobile and wechat_key serve the prefix searches
  (SQLite compares text bytewise, so a range is a prefix).
- PostgreSQL: pg_trgm (a trusted extension shipped with PostgreSQL, so the database owner
  may create it) and a GIN trigram index on mobile; C-collated B-tree indexes on name,
  code, WeChat key and mobile, because under a language collation such as en_US a range
  of strings is not a prefix and LIKE 'x%' cannot use an index.

None of these are in salesops/schema.py (they exist on one database only);
`schema.include_name` keeps model/migration comparison from reporting them. The
downgrade drops them and leaves the pg_trgm extension, which other objects may use.

Revision ID: 0004_search
Revises: 0003_import
Create Date: 2026-11-25 11:00:00
"""

from alembic import op

revision = "0004_search"
down_revision = "0003_import"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "create virtual table customers_search using fts5("
    "mobile, content='customers', content_rowid='id', tokenize='trigram')",
    "create trigger customers_search_insert after insert on customers begin "
    "insert into customers_search (rowid, mobile) values (new.id, new.mobile); end",
    "create trigger customers_search_delete after delete on customers begin "
    "insert into customers_search (customers_search, rowid, mobile) "
    "values ('delete', old.id, old.mobile); end",
    "create trigger customers_search_update after update of mobile on customers begin "
    "insert into customers_search (customers_search, rowid, mobile) "
    "values ('delete', old.id, old.mobile); "
    "insert into customers_search (rowid, mobile) values (new.id, new.mobile); end",
    "insert into customers_search (customers_search) values ('rebuild')",
]
SQLITE_DOWN = [
    "drop trigger if exists customers_search_update",
    "drop trigger if exists customers_search_delete",
    "drop trigger if exists customers_search_insert",
    "drop table if exists customers_search",
]
POSTGRESQL_UP = [
    "create extension if not exists pg_trgm",
    'create index ix_customers_name_c on customers (name collate "C", id)',
    'create index ix_customers_code_c on customers (code collate "C")',
    'create index ix_customers_wechat_key_c on customers (wechat_key collate "C", id) '
    "where deleted_at is null",
    'create index ix_customers_mobile_c on customers (mobile collate "C", id) '
    "where deleted_at is null",
    "create index ix_customers_mobile_trgm on customers using gin (mobile gin_trgm_ops)",
]
POSTGRESQL_DOWN = [
    f"drop index if exists {name}"
    for name in (
        "ix_customers_mobile_trgm",
        "ix_customers_mobile_c",
        "ix_customers_wechat_key_c",
        "ix_customers_code_c",
        "ix_customers_name_c",
    )
]


def _run(statements: dict[str, list[str]]) -> None:
    """Execute this database's statements in order."""
    for sql in statements.get(op.get_bind().dialect.name, []):
        op.execute(sql)


def upgrade() -> None:
    """Create the search structures (and index the customers already there)."""
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    """Drop the search structures."""
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
