"""Alembic environment: the URL comes from salesops settings, never from an ini file."""

from alembic import context

from salesops import config as settings
from salesops.schema import include_name, metadata

cfg = context.config


def run_offline() -> None:
    """Write the SQL for a migration without connecting (alembic upgrade --sql)."""
    url = cfg.get_main_option("sqlalchemy.url") or settings.db_url()
    context.configure(url=url, target_metadata=metadata, render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through the connection salesops handed over, or one made from settings."""
    conn = cfg.attributes.get("connection")
    if conn is None:
        from salesops.db import make_engine

        engine = make_engine(cfg.get_main_option("sqlalchemy.url") or settings.db_url())
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(conn)


def _run(conn) -> None:
    """Run the pending migrations on one connection, batch mode so SQLite can alter tables."""
    context.configure(
        connection=conn,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
