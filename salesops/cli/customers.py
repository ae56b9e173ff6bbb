"""`salesops customers duplicates | merge KEEP OTHER | unmerge MERGE_ID | erase CODE |
export-data CODE -o FILE.json`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import SalesopsError


@click.group("customers")
def customers_group() -> None:
    """Find and merge customers who are the same person; erase or hand over a person's data."""


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


@customers_group.command("export-data")
@click.argument("code")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSON file to write (created readable by you only).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_obj
def export_data_command(obj, code: str, output: Path, force: bool) -> None:
    """Write everything the shop holds about customer CODE to a JSON file, to hand to
    the person who asked (an access request under PIPL): profile, merged records,
    identifiers, addresses, orders, follow-ups, communities, reviews and the change log
    about them. Admins only; the export is written in the change log."""
    from .. import access

    try:
        access.refuse_existing(output, force)
        data = access.export_customer_data(obj.db, code, file_name=output.name)
        path = access.write_export(data, output, force=force)
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    records = ", ".join(data["header"]["records"])
    click.echo(
        f"wrote {path}: customer {data['header']['customer_code']} (records {records}), "
        f"{len(data['orders'])} order(s), {len(data['audit'])} change-log entries. "
        "It holds this person's personal data: give it to them only, then delete your copy."
    )
