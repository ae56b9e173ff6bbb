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
