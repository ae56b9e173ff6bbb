"""`salesops agents ...`: reseller levels and prices, commission rules, monthly statements
and the compliance checks, through the same services as the Agents page (salesops.agents).

    salesops agents levels                         # levels with their discount and agents
    salesops agents add-level 一级代理 [--discount 30]
    salesops agents set-level C000123 一级代理      # "" takes the level away
    salesops agents price 一级代理 TEA-01 80.00     # a level's own price ("" clears it)
    salesops agents prices                         # the price table, every level
    salesops agents import-prices FILE [--dry-run] # sku + one column per level
"""

from __future__ import annotations

import click

from ..errors import SalesopsError
from ..messages import money


def run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("agents")
def agents_group() -> None:
    """Resellers (代理): levels, prices, commission, statements, checks."""


@agents_group.command("levels")
@click.pass_obj
def levels_command(obj) -> None:
    """List the agent levels: name, percentage off retail, how many agents."""
    from ..agents.levels import levels

    found = levels(obj.db)
    if not found:
        click.echo("no agent levels yet: salesops agents add-level NAME [--discount PCT]")
    for lv in found:
        pct = f"{lv['discount_pct']}% off" if lv["discount_pct"] is not None else "retail"
        click.echo(f"{lv['name']}\t{pct}\t{lv['agents']} agents")


@agents_group.command("add-level")
@click.argument("name")
@click.option("--discount", metavar="PCT", help="Per cent off the retail price, e.g. 30.")
@click.pass_obj
def add_level(obj, name, discount) -> None:
    """Add an agent level NAME (its prices: --discount off retail, or per product)."""
    from ..agents.levels import create_level

    made = run(lambda: create_level(obj.db, {"name": name, "discount_pct": discount}))
    click.echo(f"added level {made['name']}")


@agents_group.command("set-level")
@click.argument("code")
@click.argument("level")
@click.pass_obj
def set_level(obj, code, level) -> None:
    """Put agent CODE (a customer code) at LEVEL ("" for none: retail prices)."""
    from ..agents.levels import set_agent_level

    row = run(lambda: set_agent_level(obj.db, code, level))
    click.echo(f"{row['code']} {row['name']}: level {level or '(none)'}")


@agents_group.command("price")
@click.argument("level")
@click.argument("sku")
@click.argument("price")
@click.pass_obj
def price_command(obj, level, sku, price) -> None:
    """Set LEVEL's own price for SKU ("" clears it: the level's discount or retail)."""
    from ..agents.levels import set_price

    run(lambda: set_price(obj.db, level, sku, price))
    click.echo(f"{level} {sku}: {price or '(cleared)'}")


@agents_group.command("prices")
@click.pass_obj
def prices_command(obj) -> None:
    """The price table: each product's retail price and its price at every level (* its own)."""
    from ..agents.levels import price_table

    found, rows = price_table(obj.db)
    click.echo("\t".join(["sku", "name", "retail", *(lv["name"] for lv in found)]))
    for row in rows:
        cells = [row["sku"], row["name"], money(row["price"])]
        for lv in found:
            cell = row[lv["name"]]
            cells.append(money(cell["price"]) + ("*" if cell["own"] else ""))
        click.echo("\t".join(cells))


@agents_group.command("import-prices")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.pass_obj
def import_prices_command(obj, path, dry_run) -> None:
    """Import a price table: `sku` and one column per level name; all or nothing."""
    from ..importer.agent_prices import import_prices

    result = run(lambda: import_prices(obj.db, path, dry_run=dry_run))
    click.echo("\n".join(result.lines()))
    if not result.ok:
        raise SystemExit(1)


@agents_group.command("rules")
@click.pass_obj
def rules_command(obj) -> None:
    """The active commission rules: level, basis, rate or amount per unit."""
    from ..agents.commission import rules

    found = rules(obj.db)
    if not found:
        click.echo("no commission rules: salesops agents rule own_sales rate 10 [--level L]")
    for r in found:
        value = f"{r['value'] * 100:.2f}%" if r["kind"] == "rate" else f"{money(r['value'])}/unit"
        click.echo(f"#{r['id']}\t{r['level'] or '(every level)'}\t{r['basis']}\t{value}")


@agents_group.command("rule")
@click.argument("basis")
@click.argument("kind", type=click.Choice(["rate", "per_unit"]))
@click.argument("value")
@click.option("--level", help="The level it applies to (default: every level).")
@click.option("--depth", type=int, help="Levels down for downline_sales (only 1 is allowed).")
@click.pass_obj
def rule_command(obj, basis, kind, value, level, depth) -> None:
    """Set a rule: BASIS own_sales or downline_sales, KIND rate (VALUE in %) or per_unit."""
    from ..agents.commission import set_rule

    data = {"basis": basis, "kind": kind, "value": value, "level": level, "depth": depth}
    made = run(lambda: set_rule(obj.db, data))
    click.echo(f"rule #{made['id']} set")


@agents_group.command("statements")
@click.argument("month")
@click.pass_obj
def statements_command(obj, month) -> None:
    """MONTH's (YYYY-MM) statements: each agent's sales, commission, adjustments, total."""
    from ..agents.statements import statements

    found = run(lambda: statements(obj.db, month))
    for st in found:
        state = f"paid {st.paid_by}" if st.paid_at else ("unpaid" if st.closed else "open")
        click.echo(
            f"#{st.id or '-'}\t{st.code} {st.name}\tsales {money(st.sales)}\t"
            f"commission {money(st.commission)}\tadjustments {money(st.adjustments)}\t"
            f"total {money(st.total)}\t{state}"
        )
    if not found:
        click.echo(f"{month}: no agent sales")


@agents_group.command("close")
@click.argument("month")
@click.pass_obj
def close_command(obj, month) -> None:
    """Close MONTH: store its statements for good (months close in order)."""
    from ..agents.statements import close_month

    made = run(lambda: close_month(obj.db, month))
    click.echo(f"{month} closed: {len(made)} statements")


@agents_group.command("pay")
@click.argument("statement_id", type=int)
@click.pass_obj
def pay_command(obj, statement_id) -> None:
    """Mark closed statement STATEMENT_ID (the # in `statements`) paid."""
    from ..agents.statements import mark_paid, statement_version

    row = run(lambda: mark_paid(obj.db, statement_id, statement_version(obj.db, statement_id)))
    click.echo(f"statement #{statement_id} paid by {row['paid_by']}")


@agents_group.command("export")
@click.argument("month")
@click.option("-o", "--output", "path", type=click.Path(dir_okay=False), help="Where to write.")
@click.pass_obj
def export_command(obj, month, path) -> None:
    """MONTH's statements as one Excel workbook (Summary, a sheet per agent, Notes),
    readable by you only (agents' names and money; no mobile, WeChat ID or address)."""
    from pathlib import Path

    from ..agents.workbook import statement_workbook
    from ..files import private_file

    name, data = run(lambda: statement_workbook(obj.db, month))
    target = Path(path or name)
    with private_file(target) as f:
        f.write(data)
    click.echo(f"wrote {target}")
