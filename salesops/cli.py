"""The `salesops` command: set up the database, serve the pages, export, import, back up.

Every command takes `--db URL` (or SALESOPS_DB_URL); the default is data/salesops.db.
Errors a person can cause print a plain message and exit 1, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import backup as backups
from . import demo as demodata
from . import migrate
from .cli_export import export
from .customers_cli import customers_group
from .db import Database
from .importer.cli import import_group
from .users_cli import user


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
@click.pass_obj
def demo(obj: Context, customers: int, orders: int, seed: int) -> None:
    """Migrate, then fill an empty database with generated demo data (any size)."""
    import time

    migrate.upgrade(obj.db)
    started = time.perf_counter()
    summary = demodata.generate(
        obj.db, customers=customers, orders=orders, seed=seed, progress=True
    )
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


@main.command("copy-to")
@click.argument("target_url")
@click.pass_obj
def copy_to(obj: Context, target_url: str) -> None:
    """Copy this database into the empty database TARGET_URL and verify it row for row.

    The usual move: salesops --db sqlite:///data/salesops.db copy-to
    postgresql+psycopg://user@host/salesops
    """
    from tqdm import tqdm

    from .errors import SalesopsError
    from .transfer import copy_database

    target = Database(target_url)
    with tqdm(unit=" rows", disable=None) as bar:
        try:
            copied = copy_database(obj.db, target, lambda _t, n: bar.update(n))
        except SalesopsError as e:
            raise click.ClickException(str(e)) from None
    click.echo(f"copied and verified {sum(copied.values())} rows in {len(copied)} tables")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--port", default=8866, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; the default is reachable from this machine only.",
)
@click.option(
    "--token",
    envvar="SALESOPS_TOKEN",
    metavar="T",
    help="Login token (or SALESOPS_TOKEN); a random one is printed when not given.",
)
@click.option(
    "--apps-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of pages to serve (default: notebooks/apps).",
)
@click.option(
    "--as",
    "user",
    metavar="NAME",
    help="Who the pages act for in audit rows (default: the OS user).",
)
@click.option(
    "--role",
    type=click.Choice(["staff", "manager", "admin"]),
    default="manager",
    show_default=True,
    help="With the shared token: what the pages may do.",
)
@click.option(
    "--trusted-header",
    metavar="HEADER",
    help="Take the signed-in user from this header set by a reverse proxy "
    "(e.g. X-Forwarded-User); only while listening on 127.0.0.1.",
)
@click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SALESOPS_COOKIE_SECRET_FILE",
    help="File keeping the login-cookie secret (default: data/.cookie_secret).",
)
@click.pass_context
def serve(
    ctx: click.Context, port, host, token, apps_dir, user, role, trusted_header, secret_file
) -> None:
    """Serve the staff pages with Voila behind a login.

    Once an account with a password exists (salesops user add), people sign in with their
    own name and password, unless --token or SALESOPS_TOKEN asks for the shared token.

    Extra `--Class.trait=value` options are passed to Voila (see salesops/voila_config).
    """
    from . import serve as serving  # Voila is slow to import; only this command needs it

    opts = serving.ServeOptions(
        db_url=ctx.obj.url,
        port=port,
        host=host,
        token=token,
        user=user,
        role=role,
        trusted_header=trusted_header,
        voila_args=list(ctx.args),
    )
    if apps_dir:
        opts.apps_dir = apps_dir
    if secret_file:
        opts.secret_file = secret_file
    try:
        serving.run(opts, echo=click.echo)
    except serving.ServeRefused as e:
        raise click.ClickException(str(e)) from None


main.add_command(export)
main.add_command(user)
main.add_command(import_group)
main.add_command(customers_group)
