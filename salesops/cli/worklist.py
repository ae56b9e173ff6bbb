"""`salesops worklist refresh | show`: the landing page's daily work queue (salesops.worklist).

`refresh` computes today's customers worth contacting (the BG/NBD model, seconds on a large
shop) and keeps them, so the first page of the day does not wait: run it from cron, e.g.
`0 6 * * * salesops worklist refresh`.
"""

from __future__ import annotations

from datetime import date

import click

from ..errors import SalesopsError


def _day(value: str | None) -> date | None:
    """A YYYY-MM-DD option as a date (None: today)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day like 2026-12-06") from None


@click.group("worklist")
def worklist_group() -> None:
    """The daily work queue: orders to ship, follow-ups, low stock, customers to contact."""


@worklist_group.command("refresh")
@click.option("--day", metavar="YYYY-MM-DD", help="The business day (default: today).")
@click.pass_obj
def refresh(obj, day) -> None:
    """Compute and keep the day's customers worth contacting."""
    from ..worklist import refresh as refresh_contacts

    try:
        kept = refresh_contacts(obj.db, _day(day))
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{kept['day']}: {len(kept['rows'])} customers worth contacting kept")


@worklist_group.command("show")
@click.pass_obj
def show(obj) -> None:
    """Today's counts, and the customers worth contacting (code and name: look them up
    on the pages to call them; a terminal's output is easily copied on)."""
    from ..worklist import worklist

    work = worklist(obj.db)
    click.echo(
        f"to ship {work['to_ship']['count']}, follow-ups {work['followups']['count']} "
        f"({work['followups']['overdue']} overdue), low stock {work['low_stock']['count']}, "
        f"worth contacting {work['contacts']['count']}"
    )
    for r in work["contacts"]["rows"]:
        click.echo(
            f"{r['code']}\t{r['name']}\tP(alive) {r['p_alive_before']:.2f}"
            f" -> {r['p_alive']:.2f}\t{r['past_value']}\t{r['last_day']}"
        )
