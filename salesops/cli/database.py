"""`salesops init | demo | backup | restore | copy-to`: make, fill, copy and keep the database."""

from __future__ import annotations

import click

from .. import backup as backups
from .. import demo as demodata
from .. import migrate

ANCHOR = click.option(
    "--anchor",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The demo's last day, YYYY-MM-DD (default: yesterday in the business zone); "
    "the same seed and anchor give the same rows.",
)


@click.command()
@click.option("--demo", is_flag=True, help="Also load the deterministic demo data set.")
@ANCHOR
@click.pass_obj
def init(obj, demo: bool, anchor) -> None:
    """Create or upgrade the database schema to the newest revision."""
    if anchor and not demo:
        raise click.UsageError("--anchor is the demo's last day: use it with --demo")
    migrate.upgrade(obj.db)
    click.echo(f"database at revision {migrate.current_revision(obj.db)}: {obj.db.url}")
    if demo:
        click.echo(demodata.generate(obj.db, anchor=anchor and anchor.date()).message)


@click.command()
@click.option(
    "--customers",
    type=click.IntRange(min=8),
    default=demodata.DEFAULT_CUSTOMERS,
    show_default=True,
    help="How many customers to generate.",
)
@click.option(
    "--orders",
    type=click.IntRange(min=0),
    default=demodata.DEFAULT_ORDERS,
    show_default=True,
    help="How many orders to generate.",
)
@click.option(
    "--seed",
    type=int,
    default=demodata.DEFAULT_SEED,
    show_default=True,
    help="Random seed: the same seed gives the same rows.",
)
@ANCHOR
@click.pass_obj
def demo(obj, customers: int, orders: int, seed: int, anchor) -> None:
    """Migrate, then fill an empty database with generated demo data (any size)."""
    import time

    migrate.upgrade(obj.db)
    started = time.perf_counter()
    summary = demodata.generate(
        obj.db,
        customers=customers,
        orders=orders,
        seed=seed,
        anchor=anchor and anchor.date(),
        progress=True,
    )
    click.echo(f"{summary.message} in {time.perf_counter() - started:.1f}s")
    for table, count in summary.counts.items():
        click.echo(f"  {table:<22}{count:>12,}")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def backup(obj, path: str) -> None:
    """Copy the SQLite database to PATH while it stays in use (PostgreSQL: see message)."""
    try:
        click.echo(f"backed up {obj.db.url} to {backups.backup(obj.db, path)}")
    except backups.BackupError as e:
        raise click.ClickException(str(e)) from None


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def restore(obj, path: str) -> None:
    """Replace the SQLite database's contents with the backup at PATH, once it passes
    every check; the database it replaces is kept beside it (named in the message)."""
    try:
        done = backups.restore(obj.db, path)
    except backups.BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        f"restored {path} (schema revision {done.revision}) into {obj.db.url}; "
        f"the database it replaced is kept in {done.kept}"
    )


@click.command("copy-to")
@click.argument("target_url")
@click.pass_obj
def copy_to(obj, target_url: str) -> None:
    """Copy this database into the empty database TARGET_URL and verify it row for row.

    The usual move: salesops --db sqlite:///data/salesops.db copy-to
    postgresql+psycopg://user@host/salesops
    """
    from tqdm import tqdm

    from ..db import Database
    from ..errors import SalesopsError
    from ..transfer import copy_database

    target = Database(target_url)
    with tqdm(unit=" rows", disable=None) as bar:
        try:
            copied = copy_database(obj.db, target, lambda _t, n: bar.update(n))
        except SalesopsError as e:
            raise click.ClickException(str(e)) from None
    click.echo(f"copied and verified {sum(copied.values())} rows in {len(copied)} tables")


COMMANDS = (init, demo, backup, restore, copy_to)
