"""The `salesops` command: set up the database, serve the pages, export, import, back up.

Every command takes `--db URL` (or SALESOPS_DB_URL); the default is data/salesops.db.
Errors a person can cause print a plain message and exit 1, never a traceback.
"""

from __future__ import annotations

import click

from . import backup as backups
from . import demo as demodata
from . import migrate
from .db import Database


class Context:
    """What every subcommand gets: the database URL given on the command line."""

    def __init__(self, url: str | None):
        self.url = url
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """The database handle, opened on first use."""
        if self._db is None:
            self._db = Database(self.url)
        return self._db


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "url",
    envvar="SALESOPS_DB_URL",
    metavar="URL",
    help="Database URL (default: sqlite:///data/salesops.db).",
)
@click.pass_context
def main(ctx: click.Context, url: str | None) -> None:
    """salesops: customers, orders and the weekly numbers for social sellers."""
    ctx.obj = Context(url)


@main.command()
@click.option("--demo", is_flag=True, help="Also load the deterministic demo data set.")
@click.pass_obj
def init(obj: Context, demo: bool) -> None:
    """Create or upgrade the database schema to the newest revision."""
    migrate.upgrade(obj.db)
    click.echo(f"database at revision {migrate.current_revision(obj.db)}: {obj.db.url}")
    if demo:
        click.echo(demodata.generate(obj.db).message)


@main.command()
@click.option("--customers", type=click.IntRange(min=8), default=demodata.DEFAULT_CUSTOMERS,
              show_default=True, help="How many customers to generate.")
@click.option("--orders", type=click.IntRange(min=0), default=demodata.DEFAULT_ORDERS,
              show_default=True, help="How many orders to generate.")
@click.option("--seed", type=int, default=demodata.DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same rows.")
@click.pass_obj
def demo(obj: Context, customers: int, orders: int, seed: int) -> None:
    """Migrate, then fill an empty database with generated demo data (any size)."""
    import time

    migrate.upgrade(obj.db)
    started = time.perf_counter()
    summary = demodata.generate(obj.db, customers=customers, orders=orders, seed=seed,
                                progress=True)
    click.echo(f"{summary.message} in {time.perf_counter() - started:.1f}s")
    for table, count in summary.counts.items():
        click.echo(f"  {table:<22}{count:>12,}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def backup(obj: Context, path: str) -> None:
    """Copy the SQLite database to PATH while it stays in use (PostgreSQL: see message)."""
    try:
        click.echo(f"backed up {obj.db.url} to {backups.backup(obj.db, path)}")
    except backups.BackupError as e:
        raise click.ClickException(str(e)) from None


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def restore(obj: Context, path: str) -> None:
    """Replace the SQLite database's contents with the backup at PATH."""
    try:
        revision = backups.restore(obj.db, path)
    except backups.BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"restored {path} (schema revision {revision}) into {obj.db.url}")
