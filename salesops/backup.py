"""Back up and restore the SQLite database file with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while pages and other processes
keep using the database, so neither command needs the app stopped. Restore runs the same
API in reverse, into the live file, after checking a private copy of the backup: SQLite's
integrity check, a schema revision this code knows, and (an older backup migrated up
first) every table, column, index and trigger of this code's schema; the database it
replaces is kept beside it first. Backups are owner-only files (0600) written through a
`.partial` file that a failure removes. PostgreSQL teams use pg_dump / pg_restore, which
do the job better than we could.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from . import migrate
from .db import Database
from .errors import SalesopsError
from .files import partial_path, private_dir

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(SalesopsError):
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
    """Copy a consistent snapshot of the live SQLite database to `path` (owner-only,
    replaced atomically; a failed copy leaves no partial file or journal behind)."""
    _sqlite_path(db)
    target = Path(path)
    private_dir(target.parent)
    partial = partial_path(target)
    _remove_partial(partial)
    _private_empty(partial)
    live, copy = db.engine.raw_connection(), sqlite3.connect(partial)
    try:
        live.driver_connection.backup(copy)
        copy.close()
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as e:
        copy.close()
        _remove_partial(partial)
        reason = e.strerror if isinstance(e, OSError) and e.strerror else e
        raise BackupError(f"could not write the backup {target.name}: {reason}") from None
    except BaseException:
        copy.close()
        _remove_partial(partial)
        raise
    finally:
        live.close()
    return target


def _private_empty(path: Path) -> None:
    """An empty owner-only file at `path` (SQLite keeps its mode, and gives it to the
    journal files it makes beside it)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))


def _remove_partial(partial: Path) -> None:
    """A partial copy and the journal files SQLite may have left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)


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
        tables = _tables(conn, path)
        if not {"alembic_version", "customers", "orders"} <= tables:
            raise BackupError(
                f"{path} is a SQLite database but not a salesops one "
                "(no customers/orders/alembic_version tables)"
            )
        try:
            row = conn.execute("select version_num from alembic_version").fetchone()
        except sqlite3.DatabaseError as e:
            raise BackupError(_damaged(path.name, e)) from None
    finally:
        conn.close()
    if row is None:
        raise BackupError(f"{path} has no schema revision recorded")
    return row[0]


def _tables(conn, path: Path) -> set[str]:
    """The table names of an open backup; BackupError when it cannot be read."""
    try:
        return {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    except sqlite3.DatabaseError as e:
        raise BackupError(_damaged(path.name, e)) from None


def _check_known(db: Database, revision: str) -> None:
    """Refuse a backup made by newer code (a revision our migrations do not contain)."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config(db))
    try:
        found = scripts.get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise BackupError(
            f"the backup is at schema revision {revision}, which this version of "
            f"salesops does not know (newest here: {scripts.get_current_head()}); "
            "upgrade salesops before restoring it"
        )


class Restored(NamedTuple):
    """What `restore` did: the backup's schema revision, and where the database it
    replaced is kept (the pre-restore copy)."""

    revision: str
    kept: Path


def restore(db: Database, path: str | Path) -> Restored:
    """Replace the live SQLite database with the backup at `path`, once a copy of it has
    passed every check: SQLite's integrity check, a revision this code knows, and, after
    migrating the copy to this code's schema, every table, column, index and trigger that
    schema has. The live database is first copied aside (`Restored.kept`); nothing is
    replaced when a check fails."""
    live = _sqlite_path(db)
    revision = backup_revision(path)
    _check_known(db, revision)
    with tempfile.TemporaryDirectory(dir=private_dir(live.parent), prefix=".restore-") as tmp:
        staged = Path(tmp) / "staged.db"
        _copy_file(Path(path), staged)
        _check_integrity(staged, Path(path).name)
        _check_schema(db, staged, Path(path).name, revision)
        kept = backup(db, _pre_restore_path(live))
        db.dispose()  # pooled connections would otherwise keep reading their old snapshot
        source = sqlite3.connect(staged)
        target = db.engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
            source.close()
        db.dispose()
    return Restored(revision, kept)


def _pre_restore_path(live: Path) -> Path:
    """Where the database a restore replaces is kept: beside it, named for the moment."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return live.with_name(f"{live.stem}.pre-restore-{stamp}{live.suffix or '.db'}")


def _copy_file(source: Path, target: Path) -> None:
    """A private copy of a SQLite file through the backup API (the source read-only)."""
    _private_empty(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as e:
        raise BackupError(_damaged(source.name, e)) from None
    finally:
        dst.close()
        src.close()


def _check_integrity(staged: Path, name: str) -> None:
    """SQLite's own check of every page and index of the copy; BackupError when damaged."""
    conn = sqlite3.connect(staged)
    try:
        found = [r[0] for r in conn.execute("pragma integrity_check(5)")]
    except sqlite3.DatabaseError as e:
        found = [str(e)]
    finally:
        conn.close()
    if found != ["ok"]:
        raise BackupError(_damaged(name, "; ".join(found)[:200]))


def _damaged(name: str, reason) -> str:
    return (
        f"{name} is damaged ({reason}); nothing was restored. Use another backup, "
        "or `sqlite3 FILE .recover` to save what can be read"
    )


def _check_schema(db: Database, staged: Path, name: str, revision: str) -> None:
    """Migrate the copy to this code's schema, then compare it with a new database at the
    same schema: the same tables, indexes and triggers, every column as the model has it."""
    copy = Database(f"sqlite:///{staged}", pool_size=1)
    try:
        migrate.upgrade(copy)
        differences = [str(d) for d in migrate.pending_changes(copy)]
        differences += _missing_objects(copy, staged.with_name("reference.db"))
    except Exception as e:  # a skeleton or tampered file fails its migrations in many ways
        log.warning("restore check of %s failed: %s", name, type(e).__name__)
        differences = [f"its tables do not take this version's migrations ({type(e).__name__})"]
    finally:
        copy.dispose()
    if differences:
        raise BackupError(
            f"{name} is not a complete salesops database at revision {revision} "
            f"({len(differences)} differences, e.g. {differences[0][:120]}); nothing was restored"
        )


def _missing_objects(copy: Database, reference_path: Path) -> list[str]:
    """Tables, indexes and triggers a new database has that the copy lacks."""
    reference = Database(f"sqlite:///{reference_path}", pool_size=1)
    try:
        migrate.upgrade(reference)
        want, have = _objects(reference), _objects(copy)
    finally:
        reference.dispose()
    return [f"missing {kind} {name}" for kind, name in sorted(want - have)]


def _objects(db: Database) -> set[tuple[str, str]]:
    """(type, name) of the schema's objects, SQLite's own left out."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "select type, name from sqlite_master where name not like 'sqlite_%'"
        ).all()
    return {(t, n) for t, n in rows}
