"""Restore checks a backup whole before it replaces anything, and keeps what it replaced;
backups are owner-only and a failed one leaves nothing behind."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from salesops import backup, demo, migrate
from salesops import schema as s
from salesops.cli import main
from salesops.db import Database


@pytest.fixture
def shop(fresh_db_url):
    """A SQLite shop with a little demo data."""
    db = Database(fresh_db_url("sqlite"))
    demo.generate(db, customers=30, orders=100)
    yield db
    db.dispose()


def count(db, table) -> int:
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def healthy(db) -> bool:
    with db.read() as conn:
        return conn.exec_driver_sql("pragma integrity_check").scalar() == "ok"


def test_a_damaged_backup_is_refused_and_the_shop_stays(shop, tmp_path):
    saved = backup.backup(shop, tmp_path / "b.db")
    size = saved.stat().st_size
    with open(saved, "r+b") as f:  # 4 KB of noise in the middle, as a bad disk leaves it
        f.seek(size // 2 // 4096 * 4096)
        f.write(os.urandom(4096))
    before = count(shop, s.orders)
    result = CliRunner().invoke(main, ["--db", shop.url, "restore", str(saved)])
    assert result.exit_code == 1 and "is damaged" in result.output, result.output
    assert "nothing was restored" in result.output and "Traceback" not in result.output
    assert count(shop, s.orders) == before and healthy(shop)
    assert not list(tmp_path.glob("*pre-restore*"))


def test_a_file_with_only_the_right_table_names_is_refused(shop, tmp_path):
    skeleton = tmp_path / "skeleton.db"
    with sqlite3.connect(skeleton) as conn:
        conn.execute("create table alembic_version (version_num varchar(32) primary key)")
        conn.execute("insert into alembic_version values (?)", (migrate.head_revision(shop),))
        conn.execute("create table customers (id integer primary key)")
        conn.execute("create table orders (id integer primary key)")
    conn.close()
    before = count(shop, s.customers)
    with pytest.raises(backup.BackupError, match="not a complete salesops database"):
        backup.restore(shop, skeleton)
    assert count(shop, s.customers) == before and healthy(shop)


def test_a_restore_keeps_the_database_it_replaced_and_names_it(shop, tmp_path):
    saved = backup.backup(shop, tmp_path / "b.db")
    with shop.write() as conn:
        conn.execute(s.reviews.delete())
    result = CliRunner().invoke(main, ["--db", shop.url, "restore", str(saved)])
    assert result.exit_code == 0, result.output
    [kept] = tmp_path.glob("*pre-restore*")
    assert str(kept) in result.output
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert count(shop, s.reviews) > 0 and healthy(shop)
    old = Database(f"sqlite:///{kept}")
    assert count(old, s.reviews) == 0  # the replaced database, as it was
    old.dispose()


def test_backups_are_owner_only_and_a_failed_one_leaves_no_partial(shop, tmp_path, monkeypatch):
    saved = backup.backup(shop, tmp_path / "new" / "b.db")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700

    def full(*_a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup.os, "replace", full)
    with pytest.raises(backup.BackupError, match="No space left"):
        backup.backup(shop, tmp_path / "new" / "c.db")
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["b.db"]
