"""Migrations: the schema comes from Alembic and models never drift from it."""

from salesops import migrate
from salesops.db import Database


def test_models_and_migrations_agree(db):
    assert migrate.current_revision(db) == migrate.head_revision(db)
    assert migrate.pending_changes(db) == []


def test_upgrade_from_nothing_reaches_head(empty_db_url):
    db = Database(empty_db_url)
    assert migrate.current_revision(db) is None
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision(db)
    db.dispose()


def test_upgrading_a_database_that_holds_data_keeps_it(empty_db_url):
    """Start at the first revision with data in it, upgrade to head, the data is intact."""
    import sqlalchemy as sa

    from tests.conftest import seed_basics

    db = Database(empty_db_url)
    first = migrate.first_revision(db)
    migrate.upgrade(db, first)
    seed_basics(db)
    with db.write() as conn:
        conn.exec_driver_sql(
            "insert into customers (code, name, mobile, tags, notes, is_agent, version, "
            "created_at, created_by, updated_at, updated_by) values ('C000007', '张伟', "
            "'13800138000', '', '', false, 1, '2026-01-01 00:00:00', 'a', "
            "'2026-01-01 00:00:00', 'a')"
        )
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision(db)
    with db.read() as conn:
        row = conn.execute(sa.text("select code, name, mobile from customers")).one()
        skus = conn.execute(sa.text("select sku from products order by sku")).scalars().all()
    assert tuple(row) == ("C000007", "张伟", "13800138000")
    assert skus == ["GIFT-03", "HONEY-02", "TEA-01"]
    db.dispose()
