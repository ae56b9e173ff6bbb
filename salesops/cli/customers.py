"""`salesops customers duplicates | merge KEEP OTHER | unmerge MERGE_ID`."""

from __future__ import annotations

import click

from ..errors import SalesopsError


@click.group("customers")
def customers_group() -> None:
    """Find and merge customers who are the same person."""


@customers_group.command("duplicates")
@click.pass_obj
def duplicates_command(obj) -> None:
    """List pairs of customers who are probably the same person, with the evidence."""
    from ..duplicates import find_duplicates

    found = find_duplicates(obj.db)
    for pair in found:
        click.echo(str(pair))
    click.echo(
        f"{len(found)} candidate pairs" + (": salesops customers merge KEEP OTHER" if found else "")
    )


@customers_group.command("merge")
@click.argument("keep", metavar="KEEP")
@click.argument("other", metavar="OTHER")
@click.pass_obj
def merge_command(obj, keep: str, other: str) -> None:
    """Merge customer OTHER into KEEP (customer codes): OTHER's orders, follow-ups,
    referrals, memberships and reviews move to KEEP; undo with `unmerge`."""
    from ..customers import id_for_code
    from ..merge import merge_customers

    try:
        keep_id, other_id = id_for_code(obj.db, keep), id_for_code(obj.db, other)
        merge = merge_customers(obj.db, keep_id, other_id, evidence="salesops customers merge")
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    counts = ", ".join(
        f"{k} {len(v)}" for k, v in merge["moved"].items() if isinstance(v, list) and v
    )
    click.echo(
        f"merged {other} into {keep} (merge #{merge['id']}; moved: {counts or '-'}); "
        f"undo with: salesops customers unmerge {merge['id']}"
    )


@customers_group.command("unmerge")
@click.argument("merge_id", type=int)
@click.pass_obj
def unmerge_command(obj, merge_id: int) -> None:
    """Undo merge MERGE_ID exactly: the merged customer and their records come back."""
    from ..merge import unmerge

    try:
        done = unmerge(obj.db, merge_id)
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"merge #{done['id']} undone")


@customers_group.command("erase")
@click.argument("code")
@click.option("--reason", required=True, help="Why (kept in the erasure record; no personal data).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def erase_command(obj, code: str, reason: str, yes: bool) -> None:
    """Erase customer CODE's personal data for good (a request under PIPL): name, mobile,
    WeChat ID, addresses, notes, everywhere; orders keep their amounts and dates."""
    from .. import erasure

    try:
        plan = erasure.preview(obj.db, code)
        rows = ", ".join(f"{k} {n}" for k, n in sorted(plan["rows"].items()))
        click.echo(
            f"{plan['code']} {plan['name']}: {len(plan['records'])} customer record(s); {rows}"
        )
        if not yes:
            click.confirm("Erase this person's personal data? This cannot be undone", abort=True)
        done = erasure.erase_customer(obj.db, code, reason)
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    cleared = ", ".join(f"{k} {n}" for k, n in sorted(done["erased"].items()) if n)
    click.echo(f"erased {done['customer_code']} (erasure #{done['id']}; cleared: {cleared})")
