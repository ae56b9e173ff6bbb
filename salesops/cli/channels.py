"""`salesops channels add | list | rename | archive | restore | default`: where orders come
from, through the same service as the Shop settings page (salesops.channels)."""

from __future__ import annotations

import click

from ..errors import SalesopsError


def _run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("channels")
def channels_group() -> None:
    """Sales channels: add, list, rename, archive, choose the default for imports."""


@channels_group.command("add")
@click.argument("name")
@click.option(
    "--code",
    metavar="C",
    help="Short code files and commands use (default: made from NAME, or ch01...).",
)
@click.option("--name-en", metavar="E", help="English name (default: NAME).")
@click.pass_obj
def add(obj, name, code, name_en) -> None:
    """Add the channel NAME (e.g. 朋友圈, 小红书)."""
    from ..channels import add_channel

    made = _run(lambda: add_channel(obj.db, name, code=code, name_en=name_en))
    click.echo(f"added channel {made['code']} {made['name']}")


@channels_group.command("list")
@click.pass_obj
def list_(obj) -> None:
    """List the channels: code, name, English name; archived and default marked."""
    from ..channels import list_channels

    rows = list_channels(obj.db)
    if not rows:
        click.echo("no channels yet: salesops channels add NAME")
    for r in rows:
        marks = ("  (default for imports)" if r["is_default"] else "") + (
            "" if r["active"] else "  (archived)"
        )
        click.echo(f"{r['code']:<20}{r['name']}  /  {r['name_en']}{marks}")


def _channel(db, key):
    """The channel by code or name, or a plain error."""
    from ..channels import find_channel

    return _run(lambda: find_channel(db, key))


@channels_group.command("rename")
@click.argument("channel", metavar="CODE")
@click.argument("name")
@click.option("--name-en", metavar="E", help="A new English name too.")
@click.pass_obj
def rename(obj, channel, name, name_en) -> None:
    """Give channel CODE the new NAME (its code stays)."""
    from ..channels import rename_channel

    row = _channel(obj.db, channel)
    done = _run(lambda: rename_channel(obj.db, row["id"], name, row["version"], name_en=name_en))
    click.echo(f"renamed {done['code']}: {row['name']} -> {done['name']}")


@channels_group.command("archive")
@click.argument("channel", metavar="CODE")
@click.pass_obj
def archive(obj, channel) -> None:
    """Take channel CODE out of the lists people pick from (its orders keep it)."""
    from ..channels import archive_channel

    row = _channel(obj.db, channel)
    _run(lambda: archive_channel(obj.db, row["id"], row["version"]))
    click.echo(f"archived channel {row['code']} {row['name']}")


@channels_group.command("restore")
@click.argument("channel", metavar="CODE")
@click.pass_obj
def restore(obj, channel) -> None:
    """Put the archived channel CODE back in the lists."""
    from ..channels import restore_channel

    row = _channel(obj.db, channel)
    _run(lambda: restore_channel(obj.db, row["id"], row["version"]))
    click.echo(f"restored channel {row['code']} {row['name']}")


@channels_group.command("default")
@click.argument("channel", metavar="CODE")
@click.pass_obj
def default(obj, channel) -> None:
    """Make channel CODE the default for imported orders that name none."""
    from ..settings import get_settings, save_settings

    row = _channel(obj.db, channel)
    version = get_settings(obj.db)["version"]
    _run(lambda: save_settings(obj.db, {"default_channel_id": row["id"]}, version))
    click.echo(f"imports now default to channel {row['code']} {row['name']}")
