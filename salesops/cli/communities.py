"""`salesops communities add | list | rename | members | join | leave | import`: communities
(社群) and their members, through the same services as the Communities page
(salesops.communities, salesops.importer.members)."""

from __future__ import annotations

import json

import click

from ..errors import SalesopsError


def _run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("communities")
def communities_group() -> None:
    """Communities (社群): create, list, members, import a member list."""


def _community(db, key):
    """The community called NAME, or a plain error."""
    from ..communities import find_community

    return _run(lambda: find_community(db, key))


def _customer(db, key) -> dict:
    """A live customer by code, mobile or WeChat ID, or a plain error."""
    from ..customers import find_by_key

    with db.read() as conn:
        found = find_by_key(conn, key)
    if found is None:
        raise click.ClickException(f"no customer with code, mobile or WeChat ID {key!r}")
    return found


@communities_group.command("add")
@click.argument("name")
@click.option("--channel", metavar="C", help="The channel its orders come from (code or name).")
@click.option(
    "--owner", metavar="CUSTOMER", help="Its owner: a customer code, mobile or WeChat ID."
)
@click.pass_obj
def add(obj, name, channel, owner) -> None:
    """Create the community NAME (e.g. 宝妈育儿交流群)."""
    from ..communities import create_community

    data = {"name": name, "channel_id": channel}
    if owner:
        data["owner_id"] = _customer(obj.db, owner)["id"]
    made = _run(lambda: create_community(obj.db, data))
    click.echo(f"added community {made['name']}")


@communities_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def list_(obj, as_json) -> None:
    """List the communities: members now, members ever, buyers, channel and owner."""
    from ..communities import list_communities

    rows = list_communities(obj.db)
    if as_json:
        keys = ("name", "channel", "owner_code", "owner", "members", "members_ever", "buyers")
        click.echo(json.dumps([{k: _plain(r[k]) for k in keys} for r in rows], ensure_ascii=False))
        return
    if not rows:
        click.echo("no communities yet: salesops communities add NAME")
    for r in rows:
        owner = f"{r['owner_code']} {r['owner']}" if r["owner"] else "-"
        click.echo(
            f"{r['name']}  members {r['members']} (ever {r['members_ever']}), "
            f"buyers {r['buyers']}  channel {r['channel'] or '-'}  owner {owner}"
        )


def _plain(value):
    """A value as JSON shows it: NaN and None as null, numbers as numbers."""
    if value is None or value != value:
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


@communities_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@click.pass_obj
def rename(obj, name, new_name) -> None:
    """Give the community NAME the name NEW_NAME."""
    from ..communities import update_community

    row = _community(obj.db, name)
    done = _run(lambda: update_community(obj.db, row["id"], {"name": new_name}, row["version"]))
    click.echo(f"renamed community {row['name']} -> {done['name']}")


@communities_group.command("members")
@click.argument("name")
@click.option("--all", "everyone", is_flag=True, help="Also the people who left.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def members_(obj, name, everyone, as_json) -> None:
    """The members of community NAME with what they bought."""
    from ..communities import local_day, members

    group = _community(obj.db, name)
    rows = members(obj.db, group["id"], include_left=everyone)
    out = [
        {
            "code": r["code"],
            "name": r["name"],
            "nickname": r["nickname"],
            "joined": local_day(r["joined_at"]),
            "left": local_day(r["left_at"]) or None,
            "from_community": bool(r["brought_in"]),
            "orders": int(r["orders"]),
            "revenue": str(r["revenue"]),
            "products": r["products"],
        }
        for r in rows
    ]
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    if not out:
        click.echo(f"{group['name']} has no members yet")
    for r in out:
        left = f" left {r['left']}" if r["left"] else ""
        bought = "、".join(r["products"]) or "nothing yet"
        click.echo(
            f"{r['code']} {r['name']} ({r['nickname'] or '-'})  joined {r['joined']}{left}  "
            f"orders {r['orders']} ¥{r['revenue']}  bought {bought}"
        )


@communities_group.command("join")
@click.argument("name")
@click.argument("customer")
@click.option("--joined", metavar="YYYY-MM-DD", help="The day they joined (default: now).")
@click.pass_obj
def join(obj, name, customer, joined) -> None:
    """Add CUSTOMER (code, mobile or WeChat ID) to community NAME."""
    from ..communities import add_member

    group, person = _community(obj.db, name), _customer(obj.db, customer)
    _run(lambda: add_member(obj.db, group["id"], person["id"], joined=joined))
    click.echo(f"{person['code']} {person['name']} joined {group['name']}")


@communities_group.command("leave")
@click.argument("name")
@click.argument("customer")
@click.option("--left", metavar="YYYY-MM-DD", help="The day they left (default: now).")
@click.pass_obj
def leave(obj, name, customer, left) -> None:
    """Record that CUSTOMER left community NAME (their stay is kept)."""
    from ..communities import remove_member

    group, person = _community(obj.db, name), _customer(obj.db, customer)
    _run(lambda: remove_member(obj.db, group["id"], person["id"], left=left))
    click.echo(f"{person['code']} {person['name']} left {group['name']}")


@communities_group.command("import")
@click.argument("name")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--map",
    "mapping",
    metavar="MAPPING.yml",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML file renaming the file's headers onto salesops columns.",
)
@click.pass_obj
def import_(obj, name, path, dry_run, mapping) -> None:
    """Import community NAME's member list from FILE (.csv in UTF-8 or GB18030, or .xlsx;
    columns 微信号 / 手机号 / 微信昵称, 姓名, 入群时间): all or nothing, problems named by
    row and column; people not found become customers "from community NAME"."""
    from ..importer import load_mapping
    from ..importer.members import import_members

    names = _run(lambda: load_mapping(mapping)) if mapping else None
    report = _run(lambda: import_members(obj.db, name, path, dry_run=dry_run, mapping=names))
    for line in report.lines(limit=None):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)
