"""Backup and restore: a SQLite round trip, refusals of foreign files, PostgreSQL advice."""

import sqlite3

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from salesops import backup, demo, migrate
from salesops import schema as s
from salesops.cli import main
from salesops.db import Database


@pytest.fixture
def small_sqlite(fresh_db_url):
    """A SQLite database with a little demo data."""
    db = Database(fresh_db_url("sqlite"))
    demo.generate(db, customers=30, orders=100)
    yield db
    db.dispose()


def count(db: Database, table: sa.Table) -> int:
    """Rows in `table`."""
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_restore_undoes_changes_made_after_the_backup(small_sqlite, tmp_path):
    db = small_sqlite
    saved = backup.backup(db, tmp_path / "b" / "salesops-backup.db")
    with db.write() as conn:
        conn.execute(s.order_lines.delete())
        conn.execute(s.products.update().values(name="改过"))
    assert count(db, s.order_lines) == 0
    assert backup.restore(db, saved).revision == migrate.head_revision(db)
    assert count(db, s.order_lines) > 100
    with db.read() as conn:
        assert "改过" not in set(conn.execute(sa.select(s.products.c.name)).scalars())
    with db.write() as conn:  # the restored database is writable through the same handle
        conn.execute(s.products.update().where(s.products.c.sku == "MZ-001").values(name="ok"))


def test_cli_backup_and_restore_round_trip(small_sqlite, tmp_path):
    url, path = str(small_sqlite.engine.url), str(tmp_path / "copy.db")
    assert CliRunner().invoke(main, ["--db", url, "backup", path]).exit_code == 0
    with small_sqlite.write() as conn:
        conn.execute(s.reviews.delete())
    result = CliRunner().invoke(main, ["--db", url, "restore", path])
    assert result.exit_code == 0, result.output
    assert count(small_sqlite, s.reviews) > 0


def test_restore_refuses_files_that_are_not_salesops_backups(small_sqlite, tmp_path):
    before = count(small_sqlite, s.orders)
    text = tmp_path / "notes.db"
    text.write_text("hello")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    newer = tmp_path / "newer.db"
    backup.backup(small_sqlite, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("update alembic_version set version_num = '9999_from_the_future'")
    conn.close()
    cases = [
        (text, "not a SQLite database"),
        (other, "not a salesops one"),
        (tmp_path / "missing.db", "does not exist"),
        (newer, "revision 9999_from_the_future, which this version of salesops does not"),
    ]
    for path, message in cases:
        with pytest.raises(backup.BackupError, match=message):
            backup.restore(small_sqlite, path)
    assert count(small_sqlite, s.orders) == before


def test_postgresql_backup_explains_pg_dump_and_fails(pg_server):
    from conftest import pg_url  # skips, or fails under CI, without PostgreSQL

    url = pg_url(pg_server)
    for command in (["backup", "x.db"], ["restore", "x.db"]):
        result = CliRunner().invoke(main, ["--db", url, *command])
        assert result.exit_code != 0
        assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
