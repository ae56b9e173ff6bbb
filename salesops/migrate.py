"""Schema migrations: bring a database to the newest revision, check models match.

`salesops init` calls `upgrade`; the test suite calls `pending_changes` so that a change
to salesops/schema.py without a migration fails CI (the `alembic check` gate).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import Database
from .schema import include_name, metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(db: Database) -> Config:
    """An Alembic config pointing at our migrations folder and `db`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option(
        "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate `db` up to `revision` (default: the newest), in one transaction."""
    cfg = alembic_config(db)
    with db.write() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(db: Database, revision: str) -> None:
    """Migrate `db` down to `revision`."""
    cfg = alembic_config(db)
    with db.write() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(db: Database) -> str | None:
    """The revision `db` is at, or None for an empty database."""
    with db.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str:
    """The newest revision in the migrations folder."""
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def pending_changes(db: Database) -> list:
    """Differences between salesops/schema.py and the migrated database (empty when in sync)."""
    with db.read() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        return compare_metadata(ctx, metadata)


def first_revision(db: Database) -> str:
    """The oldest revision (the initial schema)."""
    return ScriptDirectory.from_config(alembic_config(db)).get_base()
