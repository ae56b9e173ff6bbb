"""`salesops stock receive | adjust | low | history | backorder`: the stock ledger from the
command line, through the same services as the pages (salesops.stock, salesops.settings).

Orders move stock by themselves (salesops.stock_orders: paying takes it, cancelling gives
it back); these commands are for goods coming in, stocktakes, and looking.
"""

from __future__ import annotations

import click

from ..errors import SalesopsError


def _run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("stock")
def stock_group() -> None:
    """Stock on hand: receive goods, count stock, list what runs low, read the ledger."""


@stock_group.command("receive")
@click.argument("sku")
@click.argument("quantity")
@click.option("--reason", default="", metavar="TEXT", help="Where it came from (supplier, PO).")
@click.pass_obj
def receive(obj, sku, quantity, reason) -> None:
    """Goods in: add QUANTITY units to SKU's stock on hand."""
    from ..stock import receive as receive_goods

    row = _run(lambda: receive_goods(obj.db, sku, quantity, reason))
    click.echo(f"{sku}: received {row['quantity']}, stock on hand {row['on_hand']}")


@stock_group.command("adjust")
@click.argument("sku")
@click.argument("counted")
@click.option("--reason", required=True, metavar="TEXT", help="Why (stocktake, breakage...).")
@click.pass_obj
def adjust(obj, sku, counted, reason) -> None:
    """A stocktake: SKU has COUNTED units now ("" stops counting it)."""
    from ..stock import adjust as adjust_stock

    row = _run(lambda: adjust_stock(obj.db, sku, counted, reason))
    if row is None:
        click.echo(f"{sku}: not counted, nothing to record")
    elif row["on_hand"] is None:
        click.echo(f"{sku}: not counted any more")
    else:
        click.echo(f"{sku}: stock on hand {row['on_hand']} ({row['quantity']:+d})")


@stock_group.command("low")
@click.pass_obj
def low(obj) -> None:
    """Products at or under their reorder level: SKU, name, stock, reorder level."""
    from ..stock import low_stock

    rows = low_stock(obj.db)
    if not rows:
        click.echo("no product is at or under its reorder level")
    for r in rows:
        click.echo(f"{r['sku']}\t{r['name']}\t{r['stock_on_hand']}\t{r['reorder_level']}")


@stock_group.command("history")
@click.argument("sku")
@click.option("--limit", default=20, show_default=True, help="How many movements, newest first.")
@click.pass_obj
def history(obj, sku, limit) -> None:
    """SKU's latest stock movements: when, kind, change, on hand after, who, why."""
    from ..config import business_zone
    from ..products import product_id
    from ..stock import movements

    pid = _run(lambda: product_id(obj.db, sku))
    for m in movements(obj.db, pid, limit):
        after = "-" if m["on_hand"] is None else m["on_hand"]
        when = m["at"].astimezone(business_zone())
        click.echo(
            f"{when:%Y-%m-%d %H:%M}\t{m['kind']}\t{m['quantity']:+d}\t{after}\t"
            f"{m['actor']}\t{m['reason']}"
        )


@stock_group.command("backorder")
@click.argument("choice", required=False, type=click.Choice(["on", "off"]))
@click.pass_obj
def backorder(obj, choice) -> None:
    """Whether orders may take stock below zero (on) or are refused (off, the default);
    without CHOICE, say which."""
    from ..settings import get_settings, save_settings

    current = get_settings(obj.db)
    if choice is not None:
        wanted = {"allow_backorder": choice == "on"}
        current = _run(lambda: save_settings(obj.db, wanted, current["version"]))
    state = "on" if current["allow_backorder"] else "off"
    click.echo(f"selling into backorder: {state}")
