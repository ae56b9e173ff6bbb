"""Staff accounts: who may sign in, with which role, and the sessions of signed-in browsers.

Passwords are kept only as argon2id hashes (argon2-cffi, salted, deliberately slow); no
function here returns, logs or audits a hash. Signing in counts failures per name: after
LOCK_AFTER wrong passwords in a row the name is locked for LOCK_MINUTES, and every further
wrong password while the count stands locks it again, so guessing is limited to a try per
lock period (the login page also waits longer after each failure). A disabled account is
refused at once: its sessions are deleted, and pages already open re-check the account
before every action (`actor_for`, called by the page's `page_actor`).

Managing accounts needs the `users.manage` permission (admins, and the CLI, which acts as
an admin on the machine that holds the database).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import audit, messages, validate
from .actors import Actor, system_actor
from .errors import NotFoundError, PermissionDenied, SalesopsError, ValidationError
from .schema import ROLES, now_utc, staff_sessions, staff_users

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; a cap keeps a huge POST from costing time
LOCK_AFTER = 5
LOCK_MINUTES = 15
SESSION_HOURS = 12  # one working day; then sign in again
PUBLIC_COLUMNS = (
    "id",
    "username",
    "display_name",
    "role",
    "disabled_at",
    "failed_logins",
    "locked_until",
    "created_at",
    "password_changed_at",
    "last_login_at",
)

DEFAULT_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106) parameters
_hasher = DEFAULT_HASHER
_dummy_hash: str | None = None
# Attempts for names that have no account: {name: (attempts, locked until)}, this process.
_unknown_attempts: dict[str, tuple[int, datetime | None]] = {}
MAX_UNKNOWN_NAMES = 10_000

messages.add(
    {
        "en": {
            "error.username": "{field}: {value!r} is not a user name (accepted: 1-64 lower-case "
            "letters, digits, '.', '_' or '-', starting with a letter or digit)",
            "error.password_short": "password: at least {limit} characters, please",
            "error.user_exists": "user {value!r} already exists",
            "error.no_user": "there is no user {value!r}",
            "login.bad": "Wrong user name or password.",
            "login.locked": "Too many wrong passwords for {user}: try again after {until}.",
            "login.disabled": "The account {user} is disabled; ask the shop's administrator.",
            "login.no_account": "{user} has no account here; ask the shop's administrator.",
        },
        "zh_CN": {
            "error.username": "{field}：{value!r} 不是有效用户名（1-64 位小写字母、数字、"
            "'.'、'_' 或 '-'，以字母或数字开头）",
            "error.password_short": "密码：至少 {limit} 个字符",
            "error.user_exists": "用户 {value!r} 已存在",
            "error.no_user": "没有用户 {value!r}",
            "login.bad": "用户名或密码错误。",
            "login.locked": "{user} 密码错误次数过多，请在 {until} 之后再试。",
            "login.disabled": "账号 {user} 已停用，请联系管理员。",
            "login.no_account": "{user} 在这里没有账号，请联系管理员。",
        },
    }
)


class LoginRefused(SalesopsError):
    """A sign-in that did not succeed; `str()` is what the login page shows, `attempt` the
    attempt's number in its name's row of failures (0: refused unchecked, locked)."""

    def __init__(self, message: str, attempt: int = 0):
        super().__init__(message)
        self.attempt = attempt


class AccountRefused(PermissionDenied):
    """An action by someone whose account is disabled or missing: refused, nothing written."""

    def __init__(self, who: str, key: str):
        self.who, self.role, self.action = who, "", key
        SalesopsError.__init__(self, messages.t(key, user=who))


# -- passwords -------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (salted: the same password hashes differently)."""
    check_password(password)
    return _hasher.hash(password)


def check_password(password: str) -> None:
    """Refuse passwords shorter than MIN_PASSWORD characters (or absurdly long)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError.one("error.password_short", "password", limit=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise ValidationError.one("error.too_long", "password", "…", limit=MAX_PASSWORD)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches `stored_hash`; always spends one hash's time."""
    global _dummy_hash
    if not stored_hash:
        # No hash (unknown name, or an account without a password): spend the same time, so
        # response times do not tell which names exist.
        _dummy_hash = _dummy_hash or _hasher.hash(secrets.token_urlsafe(16))
        stored_hash, password = _dummy_hash, password + "\0"
    try:
        return _hasher.verify(stored_hash, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False


def clean_username(value) -> str:
    """A user name as stored: NFKC, trimmed, lower-case; ValidationError if malformed."""
    name = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    if not USERNAME.fullmatch(name):
        raise ValidationError.one("error.username", "username", value)
    return name


# -- managing accounts (users.manage) --------------------------------------------------------


def add_user(
    db,
    username: str,
    role: str,
    password: str | None = None,
    *,
    display_name: str = "",
    actor: Actor | None = None,
) -> dict:
    """Create an account; without a password it can only sign in through a trusted proxy."""
    actor = _manager(actor)
    name = clean_username(username)
    values = validate.collect(
        {
            "role": lambda: validate.choice(role, "role", ROLES),
            "display_name": lambda: validate.text(display_name or name, "display_name", 100),
        }
    )
    pw_hash = hash_password(password) if password is not None else None
    now = now_utc()
    with db.write() as conn:
        if _row(conn, name):
            raise ValidationError.one("error.user_exists", "username", name)
        row = {"username": name, **values, "created_at": now}
        new_id = conn.execute(
            sa.insert(staff_users).values(
                **row, password_hash=pw_hash, password_changed_at=now if pw_hash else None
            )
        ).inserted_primary_key[0]
        shown = {**row, "password": "set" if pw_hash else "none"}
        audit.record(conn, actor.name, "staff_users", new_id, "create", None, shown)
        return _public(_row(conn, name))


def list_users(db) -> list[dict]:
    """Every account (never the hash), by name, with `status`: active, locked or disabled."""
    cols = [staff_users.c[k] for k in PUBLIC_COLUMNS]
    has_pw = staff_users.c.password_hash.is_not(None).label("has_password")
    with db.read() as conn:
        rows = conn.execute(sa.select(*cols, has_pw).order_by(staff_users.c.username)).mappings()
        return [{**r, "status": status(r)} for r in rows]


def status(row, now: datetime | None = None) -> str:
    """`disabled`, `locked` (until locked_until) or `active`."""
    if row["disabled_at"] is not None:
        return "disabled"
    if row["locked_until"] is not None and row["locked_until"] > (now or now_utc()):
        return "locked"
    return "active"


def disable_user(db, username: str, actor: Actor | None = None) -> dict:
    """Disable an account now: its sessions end, and its open pages refuse the next action."""
    return _change(db, username, actor, lambda row: {"disabled_at": now_utc()}, sign_out=True)


def enable_user(db, username: str, actor: Actor | None = None) -> dict:
    """Enable a disabled account again (and clear any lock)."""
    return _change(
        db,
        username,
        actor,
        lambda row: {"disabled_at": None, "failed_logins": 0, "locked_until": None},
    )


def unlock_user(db, username: str, actor: Actor | None = None) -> dict:
    """Clear a lock after wrong passwords (and the count), e.g. for an admin locked out by
    someone guessing at the name; the account stays enabled or disabled as it was."""
    return _change(db, username, actor, lambda row: {"failed_logins": 0, "locked_until": None})


def set_role(db, username: str, role: str, actor: Actor | None = None) -> dict:
    """Give an account another role; open pages use it from their next action."""
    validate.choice(role, "role", ROLES)
    return _change(db, username, actor, lambda row: {"role": role})


def set_password(db, username: str, password: str, actor: Actor | None = None) -> dict:
    """Set a new password, clear the failure count and lock, and end the account's sessions."""
    pw_hash = hash_password(password)
    return _change(
        db,
        username,
        actor,
        lambda row: {
            "password_hash": pw_hash,
            "password_changed_at": now_utc(),
            "failed_logins": 0,
            "locked_until": None,
        },
        sign_out=True,
    )


def _change(db, username: str, actor, make_values, sign_out: bool = False) -> dict:
    """Update one account with `make_values(row)`, audited without hashes; the new row."""
    actor = _manager(actor)
    name = clean_username(username)
    with db.write() as conn:
        row = _row(conn, name)
        if row is None:
            raise NotFoundError(messages.t("error.no_user", value=name))
        values = make_values(row)
        conn.execute(sa.update(staff_users).where(staff_users.c.id == row["id"]).values(**values))
        if sign_out:
            conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.user_id == row["id"]))
        before, after = audit.changed(row, values)
        if "password_hash" in after:  # say that it changed, never what it is
            before["password_hash"], after["password_hash"] = "(old)", "(new)"
        audit.record(conn, actor.name, "staff_users", row["id"], "update", before, after)
        return _public(_row(conn, name))


def _manager(actor: Actor | None) -> Actor:
    """The acting admin (default: the CLI's), refused unless they may manage users."""
    actor = actor or system_actor()
    actor.require("users.manage")
    return actor


def _row(conn, username: str) -> dict | None:
    """The full staff_users row of `username` (hash included: stays in this module)."""
    row = (
        conn.execute(sa.select(staff_users).where(staff_users.c.username == username))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def _public(row: dict) -> dict:
    """An account row fit to show: no hash."""
    return {k: row[k] for k in PUBLIC_COLUMNS} | {"has_password": bool(row["password_hash"])}


def sign_in_accounts_exist(db) -> bool:
    """True when at least one enabled account has a password (accounts mode is possible)."""
    u = staff_users.c
    with db.read() as conn:
        q = sa.select(u.id).where(u.password_hash.is_not(None), u.disabled_at.is_(None)).limit(1)
        return conn.execute(q).first() is not None


# -- signing in ------------------------------------------------------------------------------


def authenticate(db, username: str, password: str, now: datetime | None = None) -> dict:
    """The account (public columns) when the name and password are right; else LoginRefused.

    Every attempt is counted, and the lock checked, in one atomic step *before* the
    password is verified, so concurrent guesses get at most LOCK_AFTER checks; from the
    LOCK_AFTER-th attempt in a row the name is locked for LOCK_MINUTES, during which even
    the right password is refused. A right password whose name other attempts locked
    while it was being checked is refused too. Names without an account are counted and
    locked alike (in this process), so neither the message nor the time tells them apart.
    `LoginRefused.attempt` is the attempt's number in the row (the page's delay grows).
    """
    now = now or now_utc()
    try:
        name = clean_username(username)
    except ValidationError:
        name = None
    row, attempt = _claim_attempt(db, name, str(username or "")[:64], now)
    if not verify_password(row["password_hash"] if row else None, password or ""):
        raise LoginRefused(messages.t("login.bad"), attempt=attempt)
    if row["disabled_at"] is not None:
        raise LoginRefused(messages.t("login.disabled", user=name), attempt=attempt)
    _record_success(db, row, attempt, password, now)
    return _public(row)


def _claim_attempt(db, name: str | None, typed: str, now: datetime) -> tuple[dict | None, int]:
    """Count one attempt for the name, atomically, unless it is locked (LoginRefused):
    (the account row or None, the attempt's number in the row)."""
    u = staff_users.c
    with db.write() as conn:  # SQLite: one writer at a time; PostgreSQL: the row locked
        row = (
            name
            and conn.execute(sa.select(staff_users).where(u.username == name).with_for_update())
            .mappings()
            .first()
        )
        if not row:
            return None, _count_unknown(name or typed, now)
        if row["locked_until"] is not None and row["locked_until"] > now:
            raise LoginRefused(_locked_message(name, row["locked_until"]), attempt=0)
        attempt = row["failed_logins"] + 1
        values = {"failed_logins": attempt}
        if attempt >= LOCK_AFTER:
            values["locked_until"] = now + timedelta(minutes=LOCK_MINUTES)
        conn.execute(sa.update(staff_users).where(u.id == row["id"]).values(**values))
        return dict(row), attempt


def _count_unknown(name: str, now: datetime) -> int:
    """`_claim_attempt` for a name without an account: counted in memory, locked alike."""
    count, until = _unknown_attempts.pop(name, (0, None))
    if until is not None and until > now:
        _unknown_attempts[name] = (count, until)
        raise LoginRefused(_locked_message(name, until), attempt=0)
    count += 1
    if count >= LOCK_AFTER:
        until = now + timedelta(minutes=LOCK_MINUTES)
    _unknown_attempts[name] = (count, until)
    while len(_unknown_attempts) > MAX_UNKNOWN_NAMES:  # oldest first: memory stays bounded
        _unknown_attempts.pop(next(iter(_unknown_attempts)))
    return count


def _record_success(db, row: dict, attempt: int, password: str, now: datetime) -> None:
    """Reset the failure count, note the time, and rehash if the parameters have grown;
    refused when attempts that came in while this one was checked locked the name."""
    u = staff_users.c
    values = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    if _hasher.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = _hasher.hash(password)
    with db.write() as conn:
        current = conn.execute(
            sa.select(u.failed_logins, u.locked_until).where(u.id == row["id"]).with_for_update()
        ).one()
        others = current.failed_logins > attempt
        if others and current.locked_until is not None and current.locked_until > now:
            raise LoginRefused(_locked_message(row["username"], current.locked_until), attempt=0)
        conn.execute(sa.update(staff_users).where(u.id == row["id"]).values(**values))


def _locked_message(name: str, until: datetime) -> str:
    """'Too many wrong passwords for NAME: try again after HH:MM' in the business zone."""
    from . import config

    local = until.astimezone(config.business_zone()).strftime("%H:%M")
    return messages.t("login.locked", user=name, until=local)


def failure_delay(attempt: int) -> float:
    """Seconds the login page waits before answering the `attempt`-th failure in a row:
    0.5, 1, 2, then 4 (the same for names with and without an account); 4 when locked."""
    return 4.0 if attempt <= 0 else min(4.0, 0.5 * 2 ** (attempt - 1))


# -- sessions --------------------------------------------------------------------------------


def _digest(token: str) -> str:
    """What the sessions table stores of a token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    db,
    username: str,
    *,
    hours: float = SESSION_HOURS,
    remote_ip: str = "",
    now: datetime | None = None,
) -> str:
    """A new session for an account; returns the token for the (signed) cookie."""
    now = now or now_utc()
    token = secrets.token_urlsafe(32)
    s = staff_sessions.c
    with db.write() as conn:
        user_id = conn.execute(
            sa.select(staff_users.c.id).where(staff_users.c.username == clean_username(username))
        ).scalar_one()
        conn.execute(sa.delete(staff_sessions).where(s.expires_at <= now))  # housekeeping
        conn.execute(
            sa.insert(staff_sessions).values(
                token_hash=_digest(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
                remote_ip=(remote_ip or "")[:64],
            )
        )
    return token


def session_user(db, token: str | None, now: datetime | None = None) -> dict | None:
    """The enabled account a live session token belongs to: username, display_name, role."""
    if not token:
        return None
    s, u = staff_sessions.c, staff_users.c
    q = (
        sa.select(u.username, u.display_name, u.role)
        .join(staff_users, u.id == s.user_id)
        .where(
            s.token_hash == _digest(token),
            s.expires_at > (now or now_utc()),
            u.disabled_at.is_(None),
        )
    )
    with db.read() as conn:
        row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def end_session(db, token: str | None) -> None:
    """Sign a browser out: its session row is deleted."""
    if token:
        with db.write() as conn:
            conn.execute(
                sa.delete(staff_sessions).where(staff_sessions.c.token_hash == _digest(token))
            )


# -- who is acting on a page -----------------------------------------------------------------


def actor_for(db, username: str) -> Actor:
    """The Actor for an enabled account, with its current role; AccountRefused otherwise."""
    with db.read() as conn:
        row = conn.execute(
            sa.select(staff_users.c.role, staff_users.c.disabled_at).where(
                staff_users.c.username == username
            )
        ).first()
    if row is None:
        raise AccountRefused(username, "login.no_account")
    if row.disabled_at is not None:
        raise AccountRefused(username, "login.disabled")
    return Actor(username, row.role)


def known_role(db, username: str) -> str | None:
    """The role of an enabled account named `username`, or None (no account / disabled)."""
    try:
        return actor_for(db, username).role
    except AccountRefused:
        return None
