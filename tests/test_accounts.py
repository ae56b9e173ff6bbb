"""Staff accounts: hashing, sign-in, lockout, sessions, disabling, roles in the services.

Every test that takes `db` runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from salesops import accounts, customers, followups, orders
from salesops.accounts import AccountRefused, LoginRefused
from salesops.actors import PERMISSIONS, Actor
from salesops.errors import NotFoundError, PermissionDenied, ValidationError
from salesops.schema import audit_log, now_utc, order_status_history, staff_sessions, staff_users

PW = "correct horse 42"
ADMIN = Actor("boss", "admin")


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheaper argon2id parameters, so the many sign-ins here take milliseconds each.

    Still real argon2id through argon2-cffi; the production parameters are checked in
    test_production_hashes_use_the_library_parameters.
    """
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(accounts, "_dummy_hash", None)


@pytest.fixture
def team(db):
    """`db` with a staff member, a manager and an admin, each with a password."""
    for name, role in (("wang.fang", "staff"), ("li.lei", "manager"), ("boss", "admin")):
        accounts.add_user(db, name, role, PW, actor=ADMIN)
    return db


def audit_rows(db, table=None):
    """The audit rows (optionally of one table), oldest first."""
    q = sa.select(audit_log).order_by(audit_log.c.id)
    if table:
        q = q.where(audit_log.c.table_name == table)
    with db.read() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def user_row(db, name):
    """The raw staff_users row."""
    with db.read() as conn:
        return dict(
            conn.execute(sa.select(staff_users).where(staff_users.c.username == name))
            .mappings()
            .one()
        )


# -- hashing ---------------------------------------------------------------------------------


def test_password_hash_is_salted_argon2id_and_verifies_only_the_right_password():
    first, second = accounts.hash_password(PW), accounts.hash_password(PW)
    assert first.startswith("$argon2id$") and first != second  # salted
    assert PW not in first
    assert accounts.verify_password(first, PW)
    assert not accounts.verify_password(first, PW + "x")
    assert not accounts.verify_password("not a hash", PW)
    assert not accounts.verify_password(None, PW)


def test_production_hashes_use_the_library_parameters():
    from argon2 import extract_parameters

    params = extract_parameters(accounts.DEFAULT_HASHER.hash(PW))
    assert params.type.name == "ID" and params.memory_cost >= 65536 and params.time_cost >= 2


def test_short_passwords_are_refused_with_a_plain_message():
    with pytest.raises(ValidationError) as e:
        accounts.hash_password("short")
    assert "8" in str(e.value) and e.value.fields == ["password"]


def test_add_user_stores_only_a_hash_and_audits_without_it(db):
    row = accounts.add_user(db, "  Wang.Fang ", "staff", PW, actor=ADMIN)
    assert row["username"] == "wang.fang" and "password_hash" not in row
    stored = user_row(db, "wang.fang")["password_hash"]
    assert stored.startswith("$argon2id$") and accounts.verify_password(stored, PW)
    (entry,) = audit_rows(db, "staff_users")
    assert entry["actor"] == "boss" and entry["action"] == "create"
    assert json.loads(entry["new_values"])["password"] == "set"
    assert stored not in entry["new_values"] and PW not in entry["new_values"]
    assert all("password_hash" not in r for r in accounts.list_users(db))


@pytest.mark.parametrize("name", ["", "a b", "张伟", "-x", "x" * 65])
def test_malformed_user_names_are_refused_and_nothing_is_written(db, name):
    with pytest.raises(ValidationError):
        accounts.add_user(db, name, "staff", PW, actor=ADMIN)
    assert accounts.list_users(db) == [] and audit_rows(db) == []


def test_duplicate_user_and_bad_role_are_refused(team):
    with pytest.raises(ValidationError, match="already exists"):
        accounts.add_user(team, "WANG.FANG", "staff", PW, actor=ADMIN)
    with pytest.raises(ValidationError, match="role"):
        accounts.add_user(team, "new.one", "owner", PW, actor=ADMIN)
    assert len(accounts.list_users(team)) == 3


def test_refusals_read_as_plain_words_in_chinese_too(team, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    with pytest.raises(PermissionDenied) as e:
        accounts.add_user(team, "x1", "admin", PW, actor=Actor("li.lei", "manager"))
    assert str(e.value) == "li.lei（manager）无权管理员工账号，未做任何修改"
    with pytest.raises(LoginRefused, match="用户名或密码错误"):
        accounts.authenticate(team, "li.lei", "wrong password")


def test_only_admins_manage_users(team):
    for role in ("staff", "manager"):
        with pytest.raises(PermissionDenied, match="manage staff accounts"):
            accounts.add_user(team, "x1", "admin", PW, actor=Actor("li.lei", role))
        with pytest.raises(PermissionDenied):
            accounts.set_role(team, "wang.fang", "admin", actor=Actor("wang.fang", role))
    assert accounts.actor_for(team, "wang.fang").role == "staff"


# -- signing in ------------------------------------------------------------------------------


def test_right_password_signs_in_and_wrong_ones_are_refused_alike(team):
    assert accounts.authenticate(team, "Wang.Fang", PW)["role"] == "staff"
    with pytest.raises(LoginRefused) as wrong:
        accounts.authenticate(team, "wang.fang", "not the password")
    with pytest.raises(LoginRefused) as unknown:
        accounts.authenticate(team, "nobody", PW)
    assert str(wrong.value) == str(unknown.value)  # does not tell which names exist
    assert user_row(team, "wang.fang")["failed_logins"] == 1
    assert user_row(team, "wang.fang")["last_login_at"] is not None


def test_repeated_failures_lock_the_name_even_for_the_right_password(team):
    now = now_utc()
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(LoginRefused):
            accounts.authenticate(team, "wang.fang", "guess guess", now=now)
    with pytest.raises(LoginRefused, match="(?i)too many|次数过多"):
        accounts.authenticate(team, "wang.fang", PW, now=now + timedelta(minutes=1))
    assert [u["status"] for u in accounts.list_users(team) if u["username"] == "wang.fang"] == [
        "locked"
    ]
    # Other names are not affected, and the lock ends after LOCK_MINUTES.
    accounts.authenticate(team, "li.lei", PW, now=now)
    later = now + timedelta(minutes=accounts.LOCK_MINUTES + 1)
    assert accounts.authenticate(team, "wang.fang", PW, now=later)["username"] == "wang.fang"
    assert user_row(team, "wang.fang")["failed_logins"] == 0


def test_failures_after_a_lock_lock_again_at_once(team):
    now = now_utc()
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(LoginRefused):
            accounts.authenticate(team, "wang.fang", "guess guess", now=now)
    later = now + timedelta(minutes=accounts.LOCK_MINUTES + 1)
    with pytest.raises(LoginRefused):
        accounts.authenticate(team, "wang.fang", "another guess", now=later)
    with pytest.raises(LoginRefused, match="(?i)too many|次数过多"):
        accounts.authenticate(team, "wang.fang", PW, now=later + timedelta(seconds=1))


def test_login_delay_grows_with_failures_and_is_capped(team):
    delays = []
    for _ in range(6):
        with pytest.raises(LoginRefused) as refused:
            accounts.authenticate(team, "wang.fang", "guess guess")
        delays.append(accounts.failure_delay(refused.value.attempt))
    assert delays == sorted(delays) and delays[0] < delays[-1] == 4.0


def test_passwd_clears_the_lock_and_ends_sessions(team):
    token = accounts.start_session(team, "wang.fang")
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(LoginRefused):
            accounts.authenticate(team, "wang.fang", "guess guess")
    accounts.set_password(team, "wang.fang", "a new password", actor=ADMIN)
    assert accounts.session_user(team, token) is None
    assert accounts.authenticate(team, "wang.fang", "a new password")
    with pytest.raises(LoginRefused):
        accounts.authenticate(team, "wang.fang", PW)
    entry = [r for r in audit_rows(team, "staff_users") if r["action"] == "update"][0]
    assert json.loads(entry["new_values"])["password_hash"] == "(new)"
    assert "$argon2" not in entry["new_values"] + (entry["old_values"] or "")


def test_accounts_without_password_cannot_sign_in_with_one(db):
    accounts.add_user(db, "proxy.only", "staff", None, actor=ADMIN)
    with pytest.raises(LoginRefused):
        accounts.authenticate(db, "proxy.only", "")
    assert not accounts.sign_in_accounts_exist(db)
    assert accounts.actor_for(db, "proxy.only") == Actor("proxy.only", "staff")


# -- sessions --------------------------------------------------------------------------------


def test_session_tokens_are_stored_hashed_and_expire(team):
    now = now_utc()
    token = accounts.start_session(team, "li.lei", hours=1, now=now)
    with team.read() as conn:
        stored = conn.execute(sa.select(staff_sessions.c.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 1
    assert accounts.session_user(team, token, now=now + timedelta(minutes=59))["role"] == "manager"
    assert accounts.session_user(team, token, now=now + timedelta(minutes=61)) is None
    assert accounts.session_user(team, token + "x", now=now) is None
    assert accounts.session_user(team, None) is None


def test_sign_out_ends_only_that_session(team):
    one, two = accounts.start_session(team, "li.lei"), accounts.start_session(team, "li.lei")
    accounts.end_session(team, one)
    assert accounts.session_user(team, one) is None
    assert accounts.session_user(team, two)["username"] == "li.lei"


def test_expired_sessions_are_swept_when_someone_signs_in(team):
    past = now_utc() - timedelta(days=2)
    accounts.start_session(team, "li.lei", hours=1, now=past)
    accounts.start_session(team, "wang.fang")
    with team.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar() == 1


# -- disabling -------------------------------------------------------------------------------


def test_disabled_user_is_refused_everywhere_at_once(team):
    token = accounts.start_session(team, "wang.fang")
    accounts.disable_user(team, "wang.fang", actor=ADMIN)
    assert accounts.session_user(team, token) is None
    with team.read() as conn:
        assert conn.execute(sa.select(staff_sessions.c.id)).first() is None
    with pytest.raises(LoginRefused, match="(?i)disabled|停用"):
        accounts.authenticate(team, "wang.fang", PW)
    with pytest.raises(AccountRefused):
        accounts.actor_for(team, "wang.fang")
    assert accounts.known_role(team, "wang.fang") is None
    accounts.enable_user(team, "wang.fang", actor=ADMIN)
    assert accounts.actor_for(team, "wang.fang").role == "staff"


def test_unknown_account_is_refused_as_an_actor(team):
    with pytest.raises(AccountRefused, match="(?i)no account|没有账号"):
        accounts.actor_for(team, "stranger")
    with pytest.raises(NotFoundError):
        accounts.disable_user(team, "stranger", actor=ADMIN)


def test_role_change_applies_to_the_next_actor_lookup(team):
    assert accounts.actor_for(team, "wang.fang").role == "staff"
    accounts.set_role(team, "wang.fang", "manager", actor=ADMIN)
    assert accounts.actor_for(team, "wang.fang").role == "manager"


# -- roles in the services -------------------------------------------------------------------


@pytest.fixture
def shop(team, basics):
    """The team plus a customer and a paid order."""
    c = customers.create_customer(
        team, {"name": "张伟", "mobile": "13800138000", "channel_id": basics["wechat_moments"]}
    )
    o = orders.create_order(team, c["id"], [{"sku": "TEA-01", "quantity": 1}], status="paid")
    return {"db": team, "customer": c, "order": o}


def counts(db):
    """Rows in the tables a refused action must not touch."""
    with db.read() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (audit_log, order_status_history)
        }


def test_staff_cannot_cancel_or_refund_and_nothing_is_written(shop):
    db, order = shop["db"], shop["order"]
    staff = accounts.actor_for(db, "wang.fang")
    before = counts(db)
    for target in ("cancelled", "refunded"):
        with pytest.raises(PermissionDenied) as e:
            orders.change_status(db, order["id"], target, 1, reason="changed mind", actor=staff)
        assert "wang.fang" in str(e.value) and "orders.cancel" not in str(e.value)
    with pytest.raises(PermissionDenied):
        orders.delete_order(db, order["id"], 1, actor=staff)
    assert counts(db) == before
    assert orders.get_order(db, order["id"])["status"] == "paid"
    manager = accounts.actor_for(db, "li.lei")
    done = orders.change_status(db, order["id"], "refunded", 1, reason="broken", actor=manager)
    assert done["status"] == "refunded" and done["updated_by"] == "li.lei"


def test_staff_work_only_their_own_follow_ups(shop):
    db, cid = shop["db"], shop["customer"]["id"]
    staff, manager = accounts.actor_for(db, "wang.fang"), accounts.actor_for(db, "li.lei")
    due = now_utc() - timedelta(hours=1)
    mine = followups.schedule(db, cid, due, actor=staff)
    theirs = followups.schedule(db, cid, due, staff="li.lei", actor=manager)
    with pytest.raises(PermissionDenied):
        followups.schedule(db, cid, due, staff="li.lei", actor=staff)
    with pytest.raises(PermissionDenied):
        followups.log_contact(db, cid, followup_id=theirs["id"], actor=staff)
    assert [f["id"] for f in followups.due(db, actor=staff)] == [mine["id"]]
    assert {f["id"] for f in followups.due(db, actor=manager)} == {mine["id"], theirs["id"]}
    assert {f["id"] for f in followups.due(db, staff="li.lei", actor=staff)} == {mine["id"]}


def test_every_write_records_the_acting_person(shop):
    db, cid, order = shop["db"], shop["customer"]["id"], shop["order"]
    staff = accounts.actor_for(db, "wang.fang")
    customers.update_customer(db, cid, {"region": "杭州"}, 1, actor=staff)
    orders.change_status(db, order["id"], "shipped", 1, courier="自提", actor=staff)
    followups.log_contact(db, cid, note="called", actor=staff)
    rows = audit_rows(db)[-3:]
    assert [(r["table_name"], r["actor"]) for r in rows] == [
        ("customers", "wang.fang"),
        ("orders", "wang.fang"),
        ("followups", "wang.fang"),
    ]
    assert orders.get_order(db, order["id"])["history"][-1]["changed_by"] == "wang.fang"


def test_a_role_outside_the_table_may_do_nothing(shop):
    nobody = Actor("ghost", "visitor")
    with pytest.raises(PermissionDenied):
        customers.create_customer(shop["db"], {"name": "李雷"}, actor=nobody)
    with pytest.raises(PermissionDenied):
        followups.due(shop["db"], actor=nobody)


def test_permissions_nest_staff_manager_admin():
    assert PERMISSIONS["staff"] < PERMISSIONS["manager"] < PERMISSIONS["admin"]
    staff = PERMISSIONS["staff"]
    for permission in (
        "orders.cancel",
        "import.write",
        "weekly.view",
        "audit.view",
        "followups.all",
        "users.manage",
    ):
        assert permission not in staff


# -- the page side: who a page kernel acts for -----------------------------------------------


@pytest.fixture
def signed_in_page(team, basics, monkeypatch):
    """PageData of a kernel the server started for wang.fang in accounts mode."""
    from salesops.web.pagedata import PageData

    monkeypatch.setenv("SALESOPS_AUTH", "accounts")
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    monkeypatch.setenv("SALESOPS_ROLE", "admin")  # ignored with accounts: the table decides
    return PageData(team)


def test_page_actor_takes_the_role_from_the_users_table(signed_in_page):
    assert signed_in_page.actor == Actor("wang.fang", "staff")
    accounts.set_role(signed_in_page.db, "wang.fang", "manager", actor=ADMIN)
    assert signed_in_page.actor == Actor("wang.fang", "manager")


def test_an_open_page_of_a_disabled_account_refuses_the_next_action(signed_in_page):
    page, db = signed_in_page, signed_in_page.db
    made = page.create_customer({"name": "张伟"})
    assert made["created_by"] == "wang.fang"
    accounts.disable_user(db, "wang.fang", actor=ADMIN)
    before = audit_rows(db)
    with pytest.raises(AccountRefused, match="disabled"):
        page.update_customer(made["id"], {"region": "杭州"}, 1)
    with pytest.raises(AccountRefused):
        page.create_customer({"name": "李雷"})
    assert audit_rows(db) == before
    assert customers.get_customer(db, made["id"])["region"] is None


def test_a_page_kernel_of_an_unknown_name_may_do_nothing(signed_in_page, monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "forged.name")
    with pytest.raises(AccountRefused, match="no account"):
        signed_in_page.create_customer({"name": "张伟"})
