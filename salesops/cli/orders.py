"""`salesops orders ship | packing-slips`: shipping from the command line, through the same
services as the shipping page (salesops.shipping).

`ship FILE` reads lines of `order_no, courier, tracking_no` (CSV, TSV, spaces or .xlsx, as
courier software exports them; a header optional) and ships every valid line in one
transaction, all or nothing like every import: with problems it writes nothing and exits
1, unless `--skip-invalid`, which ships the rest and writes the rejected lines to
FILE.rejected.csv. `--dry-run` only says what each line would do.

`packing-slips -o FILE.pdf` prints the pick list and one packing slip per order waiting
to ship (paid, not shipped), oldest first, narrowed by `--since`/`--until` (business
days), `--channel` and `--community`, on A4 (two slips a page) or `--size label`. The
slips print the buyers' full mobiles and addresses: the command says so, and each buyer
in the file gets an `export` row in the change log.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import SalesopsError
from ..messages import t


def _run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("orders")
def orders_group() -> None:
    """Orders: ship them in bulk, print pick lists and packing slips."""


@orders_group.command("ship")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every line and report; ship nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Ship the valid lines; the others go to FILE.rejected.csv with their reasons.",
)
@click.pass_obj
def ship(obj, path, dry_run, skip_invalid) -> None:
    """Ship the orders in FILE: lines of order_no, courier, tracking_no."""
    from ..shipping.bulk import ship as ship_lines
    from ..shipping.lines import read_file

    path = Path(path)
    rejected = path.with_name(path.name + ".rejected.csv")
    report = _run(
        lambda: ship_lines(
            obj.db,
            read_file(path),
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            rejected_to=rejected if skip_invalid else None,
        )
    )
    for line in report.report_lines():
        click.echo(line)
    if report.problems and not skip_invalid:
        raise SystemExit(1)


@orders_group.command("packing-slips")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Orders placed on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Orders placed on or before.")
@click.option("--channel", metavar="C", help="Only this channel (code or name).")
@click.option("--community", metavar="NAME", help="Only buyers in this community when ordering.")
@click.option(
    "--size",
    type=click.Choice(["a4", "label"]),
    default="a4",
    show_default=True,
    help="A4 (two slips a page) or 100x150 mm thermal labels.",
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FILE.pdf",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the PDF.",
)
@click.pass_obj
def packing_slips(obj, since, until, channel, community, size, output) -> None:
    """The pick list and packing slips of the orders waiting to ship, as one PDF. It
    holds the buyers' full mobiles and addresses; making it is written in the change log."""
    from ..shipping.waiting import write_packing_slips

    count = _run(
        lambda: write_packing_slips(
            obj.db,
            output,
            size=size,
            since=since.date() if since else None,
            until=until.date() if until else None,
            channel=channel,
            community=community,
        )
    )
    click.echo(f"{count} orders -> {output}")
    click.echo(t("slips.contact"))
