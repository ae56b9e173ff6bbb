"""Guessing is bounded however the guesses arrive (issue 20, finding 4): attempts are
counted, and the lock checked, before the password is; names without an account behave
the same; one address may fail only so often. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from salesops import accounts
from salesops.accounts import LoginRefused
from salesops.web.throttle import FailureLimit

PW = "correct horse 42"
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def team(db, monkeypatch):
    """Two accounts, and password checks that take a moment (as argon2 does) and are
    counted: `team.checks` lists the names checked."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(accounts, "_dummy_hash", None)
    monkeypatch.setattr(accounts, "_unknown_attempts", {})
    accounts.add_user(db, "wang.fang", "staff", PW)
    accounts.add_user(db, "boss", "admin", PW)
    checks, lock, verify = [], threading.Lock(), accounts.verify_password

    def slow_verify(stored_hash, password):
        with lock:
            checks.append(stored_hash)
        time.sleep(0.2)  # the time argon2 takes, during which other attempts arrive
        return verify(stored_hash, password)

    monkeypatch.setattr(accounts, "verify_password", slow_verify)
    db.checks = checks
    return db


def attempt(db, name, password):
    """'ok', or the refusal's message."""
    try:
        accounts.authenticate(db, name, password)
        return "ok"
    except LoginRefused as e:
        return str(e)


def same_words(message: str, name: str) -> str:
    """A refusal without the name and the minute the lock ends (the two runs of attempts
    may fall either side of a minute's turn)."""
    return re.sub(r"\d\d:\d\d", "HH:MM", message.replace(name, "X"))


def test_forty_concurrent_wrong_passwords_get_at_most_the_limit_checked(team):
    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda i: attempt(team, "wang.fang", f"guess {i}"), range(40)))
    assert len(team.checks) <= accounts.LOCK_AFTER
    assert answers.count("Wrong user name or password.") == len(team.checks)
    assert all(
        a.startswith("Too many wrong passwords for wang.fang") for a in answers if "Wrong" not in a
    )


def test_the_right_password_among_concurrent_wrong_ones_does_not_sign_in(team):
    guesses = [f"guess {i}" for i in range(8)] + [PW]
    with ThreadPoolExecutor(len(guesses)) as pool:
        answers = list(pool.map(lambda pw: attempt(team, "boss", pw), guesses))
    assert "ok" not in answers
    assert answers[-1].startswith("Too many wrong passwords for boss")


def test_a_name_without_an_account_reads_and_counts_like_one_with(team):
    known = [attempt(team, "wang.fang", "guess") for _ in range(accounts.LOCK_AFTER + 1)]
    checks_known = len(team.checks)
    unknown = [attempt(team, "no.body", "guess") for _ in range(accounts.LOCK_AFTER + 1)]
    assert len(team.checks) - checks_known == checks_known == accounts.LOCK_AFTER
    assert [same_words(a, "wang.fang") for a in known] == [
        same_words(a, "no.body") for a in unknown
    ]
    assert unknown[-1].startswith("Too many wrong passwords for no.body")


def test_an_admin_locked_out_gets_back_in_with_user_unlock(team):
    for _ in range(accounts.LOCK_AFTER):
        attempt(team, "boss", "guess")
    assert attempt(team, "boss", PW).startswith("Too many")
    accounts.unlock_user(team, "boss")
    assert attempt(team, "boss", PW) == "ok"


def test_an_address_may_fail_only_so_often_then_waits():
    limit = FailureLimit(limit=3, window=60)
    for second in range(3):
        assert limit.wait("10.0.0.5", now=100 + second) == 0
        limit.fail("10.0.0.5", now=100 + second)
    assert limit.wait("10.0.0.5", now=103) == pytest.approx(57)
    assert limit.wait("10.0.0.6", now=103) == 0  # other addresses are not affected
    assert limit.wait("10.0.0.5", now=161) == 0  # the window passed
