"""Monthly commission statements per agent, closing a month, and marking statements paid.

A month is a calendar month in the business zone. An order counts when it was sold through
an agent (`orders.agent_id`), is paid, shipped or completed (not new, cancelled, refunded
or deleted) and was ordered in the month. Each counted order is a line of its seller's
statement (`own`: the rule on own sales) and, when its seller is an agent recruited
directly by another agent, a line of that recruiter's (`override`: one level, never more).
The commission of each line comes from salesops.agents.commission.

While a month is open its statements are worked out from the orders whenever asked (the
same orders give the same figures). Closing a month (managers, in order, once it is over)
stores every statement and line: a closed month never changes again. What changes after
that lands in the first open month: an order of a closed month refunded or cancelled
later is an `adjustment` line taking back what was stored for it; an order of a closed
month paid only later is a line of the first open month. Managers mark a closed statement
paid (who and when, audited); unpaid = the closed statements not yet paid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

import sqlalchemy as sa

from .. import audit, config
from ..actors import Actor, system_actor
from ..errors import ConflictError, NotFoundError, ValidationError
from ..messages import add
from ..schema import (
    agent_months,
    agent_statement_lines,
    agent_statements,
    customers,
    now_utc,
    order_lines,
    orders,
)
from .commission import commission, rule_book

ZERO = Decimal("0.00")
COUNTED = ("paid", "shipped", "completed")
add(
    {
        "en": {
            "agents.month": "{field}: {value!r} is not a month (accepted: YYYY-MM)",
            "agents.month_open": "{field}: {value} is not over yet; a month closes after its "
            "last day",
            "agents.month_closed": "{field}: {value} is already closed",
            "agents.month_order": "{field}: close {accepted} first (months close in order)",
            "agents.not_closed": "{field}: a statement is paid once its month is closed",
            "agents.paid_already": "{field}: statement {value} was paid by {who} at {when}",
        },
        "zh_CN": {
            "agents.month": "{field}：{value!r} 不是月份（格式 YYYY-MM）",
            "agents.month_open": "{field}：{value} 还没结束；月份在最后一天之后才能结算",
            "agents.month_closed": "{field}：{value} 已结算",
            "agents.month_order": "{field}：请先结算 {accepted}（按月份顺序结算）",
            "agents.not_closed": "{field}：月份结算后才能标记已付",
            "agents.paid_already": "{field}：对账单 {value} 已由 {who} 于 {when} 标记已付",
        },
    }
)


@dataclass
class Statement:
    """One agent's statement for one month: its lines and totals."""

    agent_id: int
    code: str
    name: str
    month: str
    lines: list[dict] = field(default_factory=list)
    id: int | None = None
    paid_at: datetime | None = None
    paid_by: str | None = None
    version: int = 1
    closed: bool = False

    def _sum(self, key: str, kinds) -> Decimal:
        return sum((ln[key] for ln in self.lines if ln["kind"] in kinds), ZERO)

    @property
    def sales(self) -> Decimal:
        """The agent's own sales to end customers in the month."""
        return self._sum("sales", ("own",))

    @property
    def commission(self) -> Decimal:
        """Commission on own sales and the override on direct recruits' sales."""
        return self._sum("commission", ("own", "override"))

    @property
    def adjustments(self) -> Decimal:
        """What earlier closed months' orders, refunded or cancelled since, take back."""
        return self._sum("commission", ("adjustment",))

    @property
    def total(self) -> Decimal:
        """Commission plus adjustments: what the shop owes for the month."""
        return self.commission + self.adjustments

    def as_dict(self) -> dict:
        """The statement as plain values (money as Decimal)."""
        keys = ("id", "agent_id", "code", "name", "month", "paid_at", "paid_by", "version")
        out = {k: getattr(self, k) for k in keys}
        out.update(
            closed=self.closed,
            sales=self.sales,
            commission=self.commission,
            adjustments=self.adjustments,
            total=self.total,
            lines=list(self.lines),
        )
        return out


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of a month 'YYYY-MM' in the business zone."""
    try:
        year, number = (int(x) for x in str(month).strip().split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        raise ValidationError.one("agents.month", "month", month) from None
    after = date(year + number // 12, number % 12 + 1, 1)
    zone = config.business_zone()
    start = datetime.combine(first, time.min, zone).astimezone(UTC)
    return start, datetime.combine(after, time.min, zone).astimezone(UTC)


def _local(when: datetime) -> str:
    """A UTC time as people read it, in the business zone."""
    return f"{when.astimezone(config.business_zone()):%Y-%m-%d %H:%M}"


def _next(month: str) -> str:
    """The month after 'YYYY-MM'."""
    year, number = (int(x) for x in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def _last_closed(conn) -> str | None:
    return conn.execute(sa.select(sa.func.max(agent_months.c.month))).scalar()


def _people(conn) -> dict[int, dict]:
    """Every agent (and ex-agent with orders) by id: code, name, level, parent."""
    c = customers.c
    rows = conn.execute(
        sa.select(c.id, c.code, c.name, c.is_agent, c.agent_level_id, c.parent_agent_id)
    ).mappings()
    return {r["id"]: dict(r) for r in rows}


def order_units() -> sa.Subquery:
    """Each order's units: order_id, quantity (the sum of its lines)."""
    ln = order_lines.c
    return (
        sa.select(ln.order_id, sa.func.sum(ln.quantity).label("quantity"))
        .group_by(ln.order_id)
        .subquery()
    )


def _orders(conn, start: datetime | None, end: datetime) -> list[dict]:
    """Orders sold through an agent, ordered in [start, end), with their units."""
    o, units = orders.c, order_units()
    query = (
        sa.select(
            o.id,
            o.order_no,
            o.customer_id,
            o.agent_id,
            o.status,
            o.deleted_at,
            o.ordered_at,
            o.goods_amount,
            units.c.quantity,
        )  # fmt: skip
        .select_from(orders.join(units, units.c.order_id == o.id))
        .where(o.agent_id.is_not(None), o.ordered_at < end)
        .order_by(o.ordered_at, o.id)
    )
    if start is not None:
        query = query.where(o.ordered_at >= start)
    return [dict(r) for r in conn.execute(query).mappings()]


def _counts(order: dict) -> bool:
    return order["status"] in COUNTED and order["deleted_at"] is None


def _earned(order: dict, people: dict, book: dict) -> list[tuple[int, str, Decimal]]:
    """(earner, kind, commission) of a counted order: its seller's own line and, when the
    seller is an agent recruited directly by an agent, that recruiter's override line."""
    seller = people[order["agent_id"]]
    out = [
        (
            seller["id"],
            "own",
            commission(book, seller["agent_level_id"], "own_sales", order["goods_amount"],
                       order["quantity"]),
        )
    ]  # fmt: skip
    up = people.get(seller["parent_agent_id"])
    if up is not None and up["is_agent"]:
        earned = commission(
            book, up["agent_level_id"], "downline_sales", order["goods_amount"], order["quantity"]
        )
        out.append((up["id"], "override", earned))
    return out


def _line(order: dict, kind: str, earned: Decimal, sign: int = 1) -> dict:
    return {
        "order_id": order["id"],
        "order_no": order["order_no"],
        "ordered_at": order["ordered_at"],
        "buyer_id": order["customer_id"],
        "seller_id": order["agent_id"],
        "kind": kind,
        "sales": order["goods_amount"] * sign,
        "quantity": order["quantity"] * sign,
        "commission": earned,
    }


def _stored(conn) -> dict[tuple[int, int], dict]:
    """What closed statements hold per (agent, order): sales and commission, summed."""
    s, ln = agent_statements.c, agent_statement_lines.c
    rows = conn.execute(
        sa.select(s.agent_id, ln.order_id, ln.sales, ln.commission).join(
            agent_statements, s.id == ln.statement_id
        )
    )
    held: dict[tuple[int, int], dict] = defaultdict(lambda: {"sales": ZERO, "commission": ZERO})
    for agent_id, order_id, sales, earned in rows:
        held[(agent_id, order_id)]["sales"] += sales
        held[(agent_id, order_id)]["commission"] += earned
    return held


def _compute(conn, month: str) -> dict[int, list[dict]]:
    """The lines of an open month per agent, with what lands in it from closed months."""
    start, end = month_bounds(month)
    last = _last_closed(conn)
    first_open = last is not None and _next(last) == month
    people, book = _people(conn), rule_book(conn)
    held = _stored(conn) if first_open else {}
    lines: dict[int, list[dict]] = defaultdict(list)
    for order in _orders(conn, None if first_open else start, end):
        earned = _earned(order, people, book) if _counts(order) else []
        if order["ordered_at"] >= start or not first_open:
            for who, kind, amount in earned:
                lines[who].append(_line(order, kind, amount))
            continue
        for who, kind, amount in earned:  # an order of a closed month counted only now
            if (who, order["id"]) not in held:
                lines[who].append(_line(order, kind, amount))
        if not earned:  # refunded or cancelled since: take back what was stored
            for (who, order_id), was in held.items():
                if order_id == order["id"] and (was["sales"] or was["commission"]):
                    line = _line(order, "adjustment", -was["commission"])
                    lines[who].append({**line, "sales": -was["sales"]})
    return lines


def statements(db, month: str) -> list[Statement]:
    """Every agent's statement for `month` with any line, by agent code: stored when the
    month is closed, worked out from the orders while it is open."""
    month_bounds(month)
    with db.read() as conn:
        people = _people(conn)
        if conn.execute(
            sa.select(agent_months.c.month).where(agent_months.c.month == month)
        ).first():
            return _load(conn, month, people)
        lines = _compute(conn, month)
    out = [
        Statement(aid, people[aid]["code"], people[aid]["name"], month, ln)
        for aid, ln in lines.items()
    ]
    return sorted(out, key=lambda s: s.code)


def _load(conn, month: str, people: dict) -> list[Statement]:
    """The stored statements of a closed month with their lines."""
    s, ln, o = agent_statements.c, agent_statement_lines.c, orders.c
    heads = conn.execute(sa.select(agent_statements).where(s.month == month)).mappings().all()
    rows = conn.execute(
        sa.select(
            ln.statement_id,
            ln.order_id,
            ln.kind,
            ln.sales,
            ln.quantity,
            ln.commission,
            o.order_no,
            o.ordered_at,
            o.customer_id.label("buyer_id"),
            o.agent_id.label("seller_id"),
        )  # fmt: skip
        .join(orders, o.id == ln.order_id)
        .join(agent_statements, s.id == ln.statement_id)
        .where(s.month == month)
        .order_by(ln.id)
    ).mappings()
    by_statement = defaultdict(list)
    for r in rows:
        by_statement[r["statement_id"]].append({k: v for k, v in r.items() if k != "statement_id"})
    out = []
    for h in heads:
        who = people[h["agent_id"]]
        out.append(
            Statement(
                h["agent_id"],
                who["code"],
                who["name"],
                month,
                by_statement[h["id"]],
                id=h["id"],
                paid_at=h["paid_at"],
                paid_by=h["paid_by"],
                version=h["version"],
                closed=True,
            )  # fmt: skip
        )
    return sorted(out, key=lambda st: st.code)


def open_months(db) -> dict:
    """{"last_closed": 'YYYY-MM' or None, "next": the month to close next or None}."""
    with db.read() as conn:
        last = _last_closed(conn)
    return {"last_closed": last, "next": _next(last) if last else None}


def close_month(db, month: str, actor: Actor | None = None) -> list[Statement]:
    """Store `month`'s statements for good (managers and admins, `agents.settle`): only
    once the month is over and the month before it, if any was ever closed, is closed."""
    actor = actor or system_actor()
    actor.require("agents.settle")
    start, end = month_bounds(month)
    month = f"{start.astimezone(config.business_zone()):%Y-%m}"
    if end > now_utc():
        raise ValidationError.one("agents.month_open", "month", month)
    with db.write() as conn:
        if conn.execute(sa.select(agent_months).where(agent_months.c.month == month)).first():
            raise ValidationError.one("agents.month_closed", "month", month)
        last = _last_closed(conn)
        if last is not None and _next(last) != month:
            raise ValidationError.one("agents.month_order", "month", month, accepted=_next(last))
        people, lines = _people(conn), _compute(conn, month)
        conn.execute(
            sa.insert(agent_months).values(month=month, closed_at=now_utc(), closed_by=actor.name)
        )
        made = []
        for aid, mine in sorted(lines.items()):
            st = Statement(aid, people[aid]["code"], people[aid]["name"], month, mine, closed=True)
            st.id = _store(conn, st, actor)
            made.append(st)
        return made


def _store(conn, st: Statement, actor: Actor) -> int:
    """Write one statement and its lines; audited."""
    head = {k: getattr(st, k) for k in ("sales", "commission", "adjustments", "total")}
    sid = conn.execute(
        sa.insert(agent_statements).values(agent_id=st.agent_id, month=st.month, **head)
    ).inserted_primary_key[0]
    keys = ("order_id", "kind", "sales", "quantity", "commission")
    if st.lines:
        conn.execute(
            sa.insert(agent_statement_lines),
            [{"statement_id": sid, **{k: ln[k] for k in keys}} for ln in st.lines],
        )
    audit.record(conn, actor.name, "agent_statements", sid, "create", None,
                 {"agent": st.code, "month": st.month, **head})  # fmt: skip
    return sid


def mark_paid(db, statement_id: int, version: int, actor: Actor | None = None) -> dict:
    """Record that a closed statement was paid: who and when (audited); once only."""
    actor = actor or system_actor()
    actor.require("agents.settle")
    s = agent_statements.c
    with db.write() as conn:
        row = (
            conn.execute(sa.select(agent_statements).where(s.id == statement_id)).mappings().first()
        )
        if row is None:
            raise NotFoundError(f"statement {statement_id} not found")
        if row["paid_at"] is not None:
            raise ValidationError.one(
                "agents.paid_already", "statement", statement_id,
                who=row["paid_by"], when=_local(row["paid_at"]),
            )  # fmt: skip
        if row["version"] != version:
            raise ConflictError("statement", statement_id, row["paid_by"] or "?", row["paid_at"])
        when = now_utc()
        conn.execute(
            sa.update(agent_statements)
            .where(s.id == statement_id, s.version == version)
            .values(paid_at=when, paid_by=actor.name, version=version + 1)
        )
        audit.record(conn, actor.name, "agent_statements", statement_id, "paid",
                     {"paid_at": None}, {"paid_at": when, "paid_by": actor.name})  # fmt: skip
        return {**dict(row), "paid_at": when, "paid_by": actor.name, "version": version + 1}


def unpaid(db) -> dict[int, Decimal]:
    """{agent id: total of their closed statements not yet paid}."""
    s = agent_statements.c
    with db.read() as conn:
        rows = conn.execute(
            sa.select(s.agent_id, sa.func.sum(s.total))
            .where(s.paid_at.is_(None))
            .group_by(s.agent_id)
        ).all()
    return {aid: Decimal(total) for aid, total in rows}


def statement_version(db, statement_id: int) -> int:
    """The stored version of a statement (for marking it paid from the command line)."""
    with db.read() as conn:
        found = conn.execute(
            sa.select(agent_statements.c.version).where(agent_statements.c.id == statement_id)
        ).scalar()
    if found is None:
        raise NotFoundError(f"statement {statement_id} not found")
    return found
