"""`salesops user ...`: manage staff accounts from the machine that holds the database.

The CLI acts as an admin (it has the database file or URL anyway). Passwords are read from
a hidden prompt (typed twice) or, for scripts, one line of standard input with
`--password-stdin`; never from the command line, where `ps` and shell history would keep
them. Nothing here prints a hash.
"""

from __future__ import annotations

import sys

import click

from .. import accounts, config
from ..errors import SalesopsError

ROLE_CHOICE = click.Choice(accounts.ROLES)


def _password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _run(action):
    """Run a service call, turning a person-made error into a plain CLI error (exit 1)."""
    try:
        return action()
    except SalesopsError as e:
        raise click.ClickException(str(e)) from None


@click.group("user")
def user() -> None:
    """Staff accounts: add, list, disable, enable, change role or password."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the account may do.")
@click.option("--display-name", default="", help="The name shown on pages (default: NAME).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--no-password",
    is_flag=True,
    help="No password: the account signs in only through a trusted proxy.",
)
@click.pass_obj
def add(obj, name, role, display_name, password_stdin, no_password) -> None:
    """Create the account NAME with a role and a password."""
    password = None if no_password else _password(password_stdin)
    row = _run(lambda: accounts.add_user(obj.db, name, role, password, display_name=display_name))
    click.echo(f"added {row['username']} ({row['role']})")


@user.command("list")
@click.pass_obj
def list_(obj) -> None:
    """List the accounts: name, role, status, last sign-in (never passwords)."""
    zone = config.business_zone()
    rows = accounts.list_users(obj.db)
    if not rows:
        click.echo("no accounts yet: salesops user add NAME --role admin")
    for r in rows:
        last = (
            r["last_login_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if r["last_login_at"]
            else "never"
        )
        pw = "" if r["has_password"] else "  (no password: trusted proxy only)"
        click.echo(f"{r['username']:<24}{r['role']:<9}{r['status']:<10}last sign-in {last}{pw}")


@user.command("disable")
@click.argument("name")
@click.pass_obj
def disable(obj, name) -> None:
    """Disable NAME now: signed out everywhere, open pages refuse their next action."""
    _run(lambda: accounts.disable_user(obj.db, name))
    click.echo(f"disabled {accounts.clean_username(name)}")


@user.command("enable")
@click.argument("name")
@click.pass_obj
def enable(obj, name) -> None:
    """Enable NAME again (also clears a lock after wrong passwords)."""
    _run(lambda: accounts.enable_user(obj.db, name))
    click.echo(f"enabled {accounts.clean_username(name)}")


@user.command("unlock")
@click.argument("name")
@click.pass_obj
def unlock(obj, name) -> None:
    """Let NAME sign in again now after too many wrong passwords (e.g. an admin locked out
    by someone guessing at the name)."""
    _run(lambda: accounts.unlock_user(obj.db, name))
    click.echo(f"unlocked {accounts.clean_username(name)}")


@user.command("role")
@click.argument("name")
@click.argument("role", type=ROLE_CHOICE)
@click.pass_obj
def role(obj, name, role) -> None:
    """Give NAME another ROLE (staff, manager or admin)."""
    _run(lambda: accounts.set_role(obj.db, name, role))
    click.echo(f"{accounts.clean_username(name)} is now {role}")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def passwd(obj, name, password_stdin) -> None:
    """Set a new password for NAME (ends their sessions and clears any lock)."""
    password = _password(password_stdin)
    _run(lambda: accounts.set_password(obj.db, name, password))
    click.echo(f"password changed for {accounts.clean_username(name)}")
