"""`salesops user ...`: add, list, disable, enable, role, passwd from the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from salesops import accounts
from salesops.accounts import LoginRefused
from salesops.cli import main
from salesops.db import Database

PW = "correct horse 42"


pytestmark = pytest.mark.usefixtures("english")


def run(db_url, *args, input=None):
    """Invoke the CLI in-process on `db_url`; the click Result."""
    return CliRunner().invoke(main, ["--db", db_url, "user", *args], input=input)


def test_add_with_password_stdin_list_and_sign_in(db_url):
    result = run(db_url, "add", "Wang.Fang", "--role", "staff", "--password-stdin", input=PW + "\n")
    assert result.exit_code == 0, result.output
    assert "added wang.fang (staff)" in result.output
    listing = run(db_url, "list")
    assert "wang.fang" in listing.output and "staff" in listing.output
    assert "active" in listing.output and "never" in listing.output
    assert "$argon2" not in listing.output and PW not in listing.output
    db = Database(db_url)
    assert accounts.authenticate(db, "wang.fang", PW)["role"] == "staff"
    assert "never" not in run(db_url, "list").output  # the sign-in is listed
    db.dispose()


def test_add_prompts_twice_for_the_password(db_url):
    result = run(db_url, "add", "li.lei", "--role", "manager", input=f"{PW}\n{PW}\n")
    assert result.exit_code == 0, result.output
    assert PW not in result.output  # hidden input is not echoed
    mismatch = run(db_url, "add", "x2", "--role", "staff", input=f"{PW}\nother pass\n{PW}\n{PW}\n")
    assert "do not match" in mismatch.output.lower()


def test_bad_input_is_a_plain_error_and_writes_nothing(db_url):
    short = run(db_url, "add", "wang.fang", "--role", "staff", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert "Traceback" not in short.output
    bad_name = run(
        db_url, "add", "wang fang", "--role", "staff", "--password-stdin", input=PW + "\n"
    )
    assert bad_name.exit_code == 1 and "not a user name" in bad_name.output
    bad_role = run(db_url, "add", "x", "--role", "owner", "--password-stdin", input=PW)
    assert bad_role.exit_code == 2
    assert "no accounts yet" in run(db_url, "list").output


def test_disable_enable_role_and_passwd(db_url):
    run(db_url, "add", "wang.fang", "--role", "staff", "--password-stdin", input=PW + "\n")
    db = Database(db_url)
    assert run(db_url, "disable", "wang.fang").exit_code == 0
    assert "disabled" in run(db_url, "list").output
    with pytest.raises(LoginRefused, match="disabled"):
        accounts.authenticate(db, "wang.fang", PW)
    assert run(db_url, "enable", "wang.fang").exit_code == 0
    assert run(db_url, "role", "wang.fang", "manager").exit_code == 0
    result = run(db_url, "passwd", "wang.fang", "--password-stdin", input="brand new pw\n")
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(db, "wang.fang", "brand new pw")["role"] == "manager"
    missing = run(db_url, "disable", "nobody")
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output
    db.dispose()


def test_no_password_accounts_are_for_the_trusted_proxy(db_url):
    result = run(db_url, "add", "proxy.user", "--role", "staff", "--no-password")
    assert result.exit_code == 0, result.output
    assert "trusted proxy only" in run(db_url, "list").output


def test_the_installed_command_reads_the_password_from_a_pipe(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    cli = [sys.executable, "-m", "salesops", "--db", url]
    subprocess.run([*cli, "init"], check=True, capture_output=True)
    done = subprocess.run(
        [*cli, "user", "add", "boss", "--role", "admin", "--password-stdin"],
        input=PW + "\n",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert PW not in done.stdout + done.stderr
    listing = subprocess.run([*cli, "user", "list"], capture_output=True, text=True, check=True)
    assert listing.stdout.startswith("boss")
