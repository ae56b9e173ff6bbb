"""`salesops export ...`: files for people outside the database (the manager's weekly sheet)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import SalesopsError


@click.group()
def export() -> None:
    """Write reports as files (Excel workbooks)."""


@export.command("weekly")
@click.option(
    "--week",
    metavar="YYYY-Www",
    help="ISO week to report, e.g. 2026-W47 (default: the last complete week "
    "in the business zone).",
)
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    default=12,
    show_default=True,
    help="How many weeks the Weekly sheet shows, ending with --week.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: exports/weekly-YYYY-Www.xlsx).",
)
@click.pass_obj
def weekly(obj, week: str | None, weeks: int, output: Path | None) -> None:
    """Write the manager's weekly Excel sheet and print its path."""
    from tqdm import tqdm

    from ..weekly import collect, export
    from ..weeks import parse_week

    try:
        chosen = parse_week(week) if week else None
        with tqdm(total=collect.STEPS + 1, unit=" step", disable=None, leave=False) as bar:
            path = export.export_weekly(
                obj.db, chosen, weeks, output, progress=lambda name: _step(bar, name)
            )
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None
    click.echo(str(path))


def _step(bar, name: str) -> None:
    """Advance the progress bar past the query or stage just finished."""
    bar.set_postfix_str(name)
    bar.update(1)
