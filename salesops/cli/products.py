"""`salesops products add | list | edit | archive | restore | import`: the product catalogue
from the command line, through the same service as the Products page (salesops.products).

The CLI acts as an admin, so it sees unit costs. `--aliases "草莓,奶油草莓"` lists other names
buyers use; in `edit`, an empty value clears an optional field (`--cost ""`, `--stock ""`:
not counted any more, `--aliases ""`).
"""

from __future__ import annotations

import json
import unicodedata

import click

from ..errors import SalesopsError
from ..messages import money


def _run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("products")
def products_group() -> None:
    """The product catalogue: add, list, edit, archive, import."""


def _fields(f):
    """The options `add` and `edit` share."""
    for option in reversed(
        [
            click.option("--name", help="What the product is called (商品名称)."),
            click.option("--price", metavar="P", help="Selling price in yuan, e.g. 39.00."),
            click.option("--cost", metavar="C", help="Unit cost in yuan (成本); empty: unknown."),
            click.option("--category", metavar="X", help="Category (分类)."),
            click.option(
                "--aliases", metavar='"A,B"', help="Other names buyers use, comma-separated."
            ),
            click.option(
                "--stock", metavar="N", help="Stock on hand now (a count); empty: unknown."
            ),
            click.option("--reorder-level", metavar="N", help="Reorder at or below this stock."),
        ]
    ):
        f = option(f)
    return f


def _data(**given) -> dict:
    """The options that were given, under the service's field names."""
    names = {"cost": "unit_cost", "stock": "stock_on_hand"}
    return {names.get(k, k): v for k, v in given.items() if v is not None}


@products_group.command("add")
@click.option("--sku", required=True, help="The product's code (商品编码), unique.")
@_fields
@click.pass_obj
def add(obj, sku, name, price, cost, category, aliases, stock, reorder_level) -> None:
    """Add a product: --sku, --name and --price are required."""
    from ..products import create_product

    data = _data(
        sku=sku,
        name=name,
        price=price,
        cost=cost,
        category=category,
        aliases=aliases,
        stock=stock,
        reorder_level=reorder_level,
    )
    made = _run(lambda: create_product(obj.db, data))
    click.echo(f"added {_summary(made)}")


@products_group.command("edit")
@click.argument("sku")
@click.option("--sku", "new_sku", metavar="NEW", help="Give the product a new SKU.")
@_fields
@click.pass_obj
def edit(obj, sku, new_sku, name, price, cost, category, aliases, stock, reorder_level) -> None:
    """Change the product SKU: only the options given change."""
    from ..products import get_product, update_product

    changes = _data(
        sku=new_sku,
        name=name,
        price=price,
        cost=cost,
        category=category,
        aliases=aliases,
        stock=stock,
        reorder_level=reorder_level,
    )
    if not changes:
        raise click.UsageError("give at least one option to change (see --help)")
    current = _run(lambda: get_product(obj.db, sku))
    saved = _run(lambda: update_product(obj.db, current["id"], changes, current["version"]))
    click.echo(f"saved {_summary(saved)}")


@products_group.command("archive")
@click.argument("sku")
@click.pass_obj
def archive(obj, sku) -> None:
    """Take product SKU off sale; its orders and history stay (undo: restore)."""
    from ..products import archive_product, get_product

    current = _run(lambda: get_product(obj.db, sku))
    _run(lambda: archive_product(obj.db, current["id"], current["version"]))
    click.echo(f"archived {current['sku']} {current['name']}: it can no longer be sold")


@products_group.command("restore")
@click.argument("sku")
@click.pass_obj
def restore(obj, sku) -> None:
    """Put the archived product SKU back on sale."""
    from ..products import get_product, restore_product

    current = _run(lambda: get_product(obj.db, sku))
    _run(lambda: restore_product(obj.db, current["id"], current["version"]))
    click.echo(f"restored {current['sku']} {current['name']}")


@products_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of products (money as text).")
@click.pass_obj
def list_(obj, as_json) -> None:
    """List every product, archived ones too: price, unit cost, margin, stock, aliases."""
    from ..products import list_products

    rows = list_products(obj.db)
    if as_json:
        click.echo(json.dumps([_plain(r) for r in rows], ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("no products yet: salesops products add --sku SKU --name NAME --price P")
        return
    click.echo(_line(HEADERS))
    for r in rows:
        click.echo(_line(_cells(r)))
    click.echo(f"{len(rows)} products, {sum(not r['active'] for r in rows)} archived")


@products_group.command("import")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--update", is_flag=True, help="Known SKUs take the file's price and unit cost.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--map",
    "mapping",
    metavar="MAPPING.yml",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML file renaming the file's headers onto salesops columns.",
)
@click.pass_obj
def import_(obj, path, update, dry_run, mapping) -> None:
    """Import products from FILE (.csv in UTF-8 or GB18030, or .xlsx): all or nothing,
    problems named by row and column. Known SKUs are left alone unless --update."""
    from ..importer import import_products, load_mapping

    names = _run(lambda: load_mapping(mapping)) if mapping else None
    report = _run(
        lambda: import_products(obj.db, path, update=update, dry_run=dry_run, mapping=names)
    )
    for line in report.lines(limit=None):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


JSON_KEYS = (
    "sku",
    "name",
    "category",
    "price",
    "unit_cost",
    "margin",
    "stock_on_hand",
    "reorder_level",
    "active",
    "aliases",
)
HEADERS = ("SKU", "name", "category", "price", "cost", "margin", "stock", "reorder", "", "aliases")


def _plain(row: dict) -> dict:
    """A product as JSON: money and margin as text (exact), the rest as they are."""
    out = {k: row.get(k) for k in JSON_KEYS}
    for key in ("price", "unit_cost", "margin"):
        out[key] = None if out[key] is None else str(out[key])
    return out


def _cells(r: dict) -> tuple:
    """A product as the text columns of `list`."""
    blank = lambda v: "-" if v is None else str(v)  # noqa: E731
    return (
        r["sku"],
        r["name"],
        r["category"] or "-",
        money(r["price"]),
        money(r.get("unit_cost")) or "-",
        _percent(r.get("margin")),
        blank(r["stock_on_hand"]),
        blank(r["reorder_level"]),
        "" if r["active"] else "archived",
        ", ".join(r["aliases"]),
    )


def _summary(r: dict) -> str:
    """One line about a product: SKU, name, price, cost and margin, stock."""
    cost = (
        f", cost {money(r['unit_cost'])}, margin {_percent(r['margin'])}"
        if r.get("unit_cost") is not None
        else ""
    )
    stock = "" if r["stock_on_hand"] is None else f", stock {r['stock_on_hand']}"
    return f"{r['sku']} {r['name']} ({money(r['price'])}{cost}{stock})"


def _percent(ratio) -> str:
    """0.4487 -> 44.9%; '-' for none."""
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


WIDTHS = (12, 24, 10, 12, 12, 7, 6, 8, 9)


def _line(cells) -> str:
    """Cells padded to their column widths by display width (a Chinese character is two)."""
    out = []
    for cell, width in zip(cells, (*WIDTHS, 0), strict=True):
        text = str(cell)
        out.append(text + " " * max(1, width - _width(text) + 1) if width else text)
    return "".join(out).rstrip()


def _width(text: str) -> int:
    """How many terminal columns `text` takes."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
