"""Follow-ups (跟进): planned and logged contacts with a customer by a staff member.

Staff see and work their own; managers see everyone's. Logging a contact closes the
planned follow-up it answers (or records a new, done one) and can schedule the next.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from . import audit, validate
from .actors import Actor, system_actor
from .errors import PermissionDenied, ValidationError
from .records import require_row, stamp_new, versioned_update
from .schema import FOLLOWUP_KINDS, customers, followups, now_utc


def _may_touch(actor: Actor, staff: str) -> None:
    """Staff work their own follow-ups; managers and admins anyone's."""
    if staff != actor.name and not actor.can("followups.all"):
        raise PermissionDenied(actor.name, actor.role, "followups.all")


def schedule(
    db,
    customer_id: int,
    due_at: datetime,
    *,
    kind: str = "wechat",
    note: str = "",
    staff: str | None = None,
    actor: Actor | None = None,
) -> dict:
    """Plan a contact with a customer, due at `due_at`, for `staff` (default: the actor)."""
    actor = actor or system_actor()
    actor.require("followups.own")
    staff = staff or actor.name
    _may_touch(actor, staff)
    values = validate.collect(
        {
            "kind": lambda: validate.choice(kind, "kind", FOLLOWUP_KINDS),
            "note": lambda: validate.text(note, "note", 2000),
            "due_at": lambda: _aware(due_at, "due_at"),
        }
    )
    with db.write() as conn:
        require_row(conn, customers, customer_id, "customer")
        row = {"customer_id": customer_id, "staff": staff, **values}
        new_id = conn.execute(
            sa.insert(followups).values(**row, **stamp_new(actor))
        ).inserted_primary_key[0]
        audit.record(conn, actor.name, "followups", new_id, "create", None, row)
        return require_row(conn, followups, new_id, "follow-up")


def log_contact(
    db,
    customer_id: int,
    *,
    kind: str = "wechat",
    note: str = "",
    outcome: str = "",
    followup_id: int | None = None,
    expected_version: int | None = None,
    next_due_at: datetime | None = None,
    next_kind: str | None = None,
    next_note: str = "",
    actor: Actor | None = None,
) -> dict:
    """Record a contact that happened now; closes `followup_id` if given, plans the next."""
    actor = actor or system_actor()
    actor.require("followups.own")
    values = validate.collect(
        {
            "kind": lambda: validate.choice(kind, "kind", FOLLOWUP_KINDS),
            "note": lambda: validate.text(note, "note", 2000),
            "outcome": lambda: validate.text(outcome, "outcome", 2000),
        }
    )
    with db.write() as conn:
        require_row(conn, customers, customer_id, "customer")
        done = (
            _close(conn, followup_id, expected_version, values, actor)
            if followup_id
            else _insert_done(conn, customer_id, values, actor)
        )
        if next_due_at is not None:
            _insert_next(conn, customer_id, next_due_at, next_kind or kind, next_note, actor)
        return done


def _close(conn, followup_id: int, expected_version, values: dict, actor: Actor) -> dict:
    """Mark a planned follow-up done with what happened."""
    current = require_row(conn, followups, followup_id, "follow-up")
    _may_touch(actor, current["staff"])
    version = current["version"] if expected_version is None else expected_version
    return versioned_update(
        conn, followups, followup_id, version, {**values, "done_at": now_utc()}, actor, "follow-up"
    )


def _insert_done(conn, customer_id: int, values: dict, actor: Actor) -> dict:
    """A contact nobody planned, recorded as done now."""
    now = now_utc()
    row = {"customer_id": customer_id, "staff": actor.name, "due_at": now, "done_at": now, **values}
    new_id = conn.execute(
        sa.insert(followups).values(**row, **stamp_new(actor))
    ).inserted_primary_key[0]
    audit.record(conn, actor.name, "followups", new_id, "create", None, row)
    return require_row(conn, followups, new_id, "follow-up")


def _insert_next(conn, customer_id: int, due_at, kind: str, note: str, actor: Actor) -> None:
    """The next planned contact, scheduled while logging this one."""
    row = {
        "customer_id": customer_id,
        "staff": actor.name,
        "kind": validate.choice(kind, "next_kind", FOLLOWUP_KINDS),
        "due_at": _aware(due_at, "next_due_at"),
        "note": validate.text(note, "next_note", 2000),
    }
    new_id = conn.execute(
        sa.insert(followups).values(**row, **stamp_new(actor))
    ).inserted_primary_key[0]
    audit.record(conn, actor.name, "followups", new_id, "create", None, row)


def _aware(value, field: str) -> datetime:
    """A datetime with a zone (a naive one would be ambiguous across zones)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError.one("error.required", field, value)
    return value


def due(
    db, *, staff: str | None = None, until: datetime | None = None, actor: Actor | None = None
) -> list[dict]:
    """Open follow-ups due by `until` (default now), oldest first; staff see only their own."""
    actor = actor or system_actor()
    actor.require("followups.own")
    staff = staff if actor.can("followups.all") else actor.name
    f, c = followups.c, customers.c
    q = (
        sa.select(
            f.id,
            f.customer_id,
            c.code,
            c.name,
            c.mobile,
            f.staff,
            f.kind,
            f.due_at,
            f.note,
            f.version,
        )
        .join(customers, customers.c.id == f.customer_id)
        .where(f.done_at.is_(None), f.due_at <= (until or now_utc()), c.deleted_at.is_(None))
        .order_by(f.due_at)
    )
    if staff:
        q = q.where(f.staff == staff)
    with db.read() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]
