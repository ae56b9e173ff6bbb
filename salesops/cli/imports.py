"""`salesops import customers|orders FILE` and `salesops import group-buy FILE`.

The report goes to standard output; the exit status is 1 when the file had problems and
nothing was written (without --skip-invalid), so scripts can tell.
"""

from __future__ import annotations

import click

from ..errors import SalesopsError


def _options(f):
    """The options both imports take."""
    for option in reversed(
        [
            click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False)),
            click.option(
                "--dry-run", is_flag=True, help="Validate and report without writing anything."
            ),
            click.option(
                "--skip-invalid",
                is_flag=True,
                help="Write the valid rows; the others go to FILE.rejected.csv.",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="Refuse products and channels salesops does not know yet.",
            ),
            click.option(
                "--map",
                "mapping",
                metavar="MAPPING.yml",
                type=click.Path(exists=True, dir_okay=False),
                help="YAML file renaming the file's headers onto salesops columns.",
            ),
            click.option(
                "--progress/--no-progress",
                default=None,
                help="Show a progress bar (default: when writing to a terminal).",
            ),
        ]
    ):
        f = option(f)
    return f


@click.group("import")
def import_group() -> None:
    """Import customers or orders from .csv (UTF-8 or GB18030) and .xlsx files, or a
    group-buy list (接龙) pasted from a WeChat group."""


@import_group.command("orders")
@_options
@click.option(
    "--move-stock",
    is_flag=True,
    help="Paid, shipped and completed orders take their products' stock (default: past "
    "orders leave stock alone).",
)
@click.pass_obj
def import_orders_command(obj, path, dry_run, skip_invalid, strict, mapping, progress, move_stock):
    """Import orders from FILE: one row per order line; rows sharing an order_no are one
    order. Re-importing the same file creates nothing new."""
    from ..importer.orders import import_orders

    _run(
        import_orders,
        obj,
        path,
        mapping,
        progress,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        strict=strict,
        move_stock=move_stock,
    )


@import_group.command("customers")
@_options
@click.option(
    "--update",
    is_flag=True,
    help="Update customers already in salesops with the file's non-empty values.",
)
@click.pass_obj
def import_customers_command(obj, path, dry_run, skip_invalid, strict, mapping, progress, update):
    """Import customers from FILE: matched by customer_ref, then mobile, then WeChat ID."""
    from ..importer.customers import import_customers

    _run(
        import_customers,
        obj,
        path,
        mapping,
        progress,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        strict=strict,
        update=update,
    )


def _run(function, obj, path, mapping, progress, **options) -> None:
    """Run one import with a tqdm bar, print its report, exit 1 when nothing was written."""
    from tqdm import tqdm

    from ..importer.reading import load_mapping

    with tqdm(
        desc="writing",
        unit=" orders",
        disable=None if progress is None else not progress,
        mininterval=0.2,
    ) as bar:

        def advance(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            names = load_mapping(mapping) if mapping else None
            report = function(obj.db, path, mapping=names, progress=advance, **options)
        except SalesopsError as e:
            raise click.ClickException(str(e)) from None
    for line in report.lines(limit=None):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@import_group.command("group-buy")
@click.argument("path", metavar="FILE", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--community", metavar="NAME", help="The group the list comes from; buyers join it.")
@click.option("--channel", metavar="NAME", help="Channel of the orders (default: the shop's).")
@click.option("--dry-run", is_flag=True, help="Read and check the list without writing anything.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print what was read as JSON (issue 18's shape)."
)
@click.pass_obj
def import_group_buy_command(obj, path, community, channel, dry_run, as_json):
    """Import a group-buy list (接龙) pasted from a WeChat group, from FILE (UTF-8 or
    GB18030; - reads standard input): one order per entry. The same list again creates
    nothing new; a longer one adds only its new entries."""
    from ..groupbuy.service import import_list

    text = _read_text(path)
    source = "stdin" if path == "-" else click.format_filename(path).rsplit("/", 1)[-1]
    try:
        job = import_list(
            obj.db, text, community=community, channel=channel, dry_run=dry_run, source=source
        )
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(job.to_json())
    for line in job.lines():
        click.echo(line, err=as_json)
    if not job.ok:
        raise SystemExit(1)


def _read_text(path: str) -> str:
    """The text of FILE (or standard input for -): UTF-8, with or without BOM, else GB18030."""
    if path == "-":
        with click.open_file("-", "rb") as stdin:
            data = stdin.read()
    else:
        data = _bytes(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise click.ClickException(
        f"{path}: neither UTF-8 nor GB18030 text / 既不是 UTF-8 也不是 GB18030 文本"
    )


def _bytes(path: str) -> bytes:
    """The bytes of a file, or a plain message when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise click.ClickException(f"{path}: {e.strerror}") from None
