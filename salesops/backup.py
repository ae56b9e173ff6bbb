"""Back up and restore the SQLite database file with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while pages and other processes
keep using the database, so neither command needs the app stopped. Restore runs the same
API in reverse, into the live file, after checking the file is a salesops database whose
schema revision this code knows; an older backup is migrated up afterwards. PostgreSQL
teams use pg_dump / pg_restore, which do the job better than we could.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from . import migrate
from .db import Database

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def pg_instructions(db: Database) -> str:
    """How to back up and restore a PostgreSQL database with its own tools."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "salesops backup/restore handle the SQLite file only; for PostgreSQL use its tools:\n"
        f"  pg_dump --format=custom --file=salesops.dump '{url}'\n"
        f"  pg_restore --clean --if-exists --no-owner --dbname='{url}' salesops.dump\n"
        "(stop the pages before pg_restore; then run `salesops init` to apply newer migrations)"
    )


def _sqlite_path(db: Database) -> Path:
    """The file behind a SQLite handle; BackupError for PostgreSQL."""
    if not db.is_sqlite:
        raise BackupError(pg_instructions(db))
    return Path(db.engine.url.database)


def backup(db: Database, path: str | Path) -> Path:
    """Copy a consistent snapshot of the live SQLite database to `path` (replaced atomically)."""
    _sqlite_path(db)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    live, copy = db.engine.raw_connection(), sqlite3.connect(partial)
    try:
        live.driver_connection.backup(copy)
    finally:
        copy.close()
        live.close()
    os.replace(partial, target)
    return target


def backup_revision(path: str | Path) -> str:
    """The schema revision recorded in a backup file; BackupError if it is not one of ours."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"backup file {path} does not exist")
    with open(path, "rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database, so not a salesops backup")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        if not {"alembic_version", "customers", "orders"} <= tables:
            raise BackupError(f"{path} is a SQLite database but not a salesops one "
                              "(no customers/orders/alembic_version tables)")
        row = conn.execute("select version_num from alembic_version").fetchone()
    finally:
        conn.close()
    if row is None:
        raise BackupError(f"{path} has no schema revision recorded")
    return row[0]


def _check_known(db: Database, revision: str) -> None:
    """Refuse a backup made by newer code (a revision our migrations do not contain)."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config(db))
    try:
        found = scripts.get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise BackupError(f"the backup is at schema revision {revision}, which this version of "
                          f"salesops does not know (newest here: {scripts.get_current_head()}); "
                          "upgrade salesops before restoring it")


def restore(db: Database, path: str | Path) -> str:
    """Replace the live SQLite database with the backup at `path`; returns its revision."""
    _sqlite_path(db)
    revision = backup_revision(path)
    _check_known(db, revision)
    db.dispose()  # pooled connections would otherwise keep reading their old snapshot
    source = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    live = db.engine.raw_connection()
    try:
        source.backup(live.driver_connection)
    finally:
        live.close()
        source.close()
    db.dispose()
    migrate.upgrade(db)  # an older backup comes up to this code's schema
    return revision
