"""The `salesops` command: set up the database, serve the pages, export, import, back up.

One module per command group: `database` (init, demo, backup, restore, copy-to), `serve`,
`export`, `imports` (import), `customers`, `users` (user), `products`, `channels`, `orders`,
`agents`, `stock`, `worklist`, `communities`. Every command takes `--db URL` (or
SALESOPS_DB_URL); the default is data/salesops.db. Errors a person can cause print a
plain message and exit 1, never a traceback. A command only parses and prints: what it
does is a service's
(salesops.customers, salesops.importer, ...), so pages and the CLI behave the same.
"""

from __future__ import annotations

import click

from ..db import Database
from . import (
    agents,
    channels,
    communities,
    customers,
    database,
    export,
    imports,
    orders,
    products,
    serve,
    stock,
    users,
    worklist,
)
from .safe import SafeGroup


class Context:
    """What every subcommand gets: the database URL given on the command line."""

    def __init__(self, url: str | None):
        self.url = url
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """The database handle, opened on first use, with the shop settings loaded."""
        if self._db is None:
            from ..settings import load

            self._db = Database(self.url)
            load(self._db)  # the shop's zone and currency format for this run
        return self._db


@click.group(cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (
    *database.COMMANDS,
    serve.serve,
    export.export,
    users.user,
    imports.import_group,
    customers.customers_group,
    products.products_group,
    channels.channels_group,
    communities.communities_group,
    orders.orders_group,
    agents.agents_group,
    stock.stock_group,
    worklist.worklist_group,
):
    main.add_command(command)
