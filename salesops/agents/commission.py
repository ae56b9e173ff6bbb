"""Commission rules: what the shop pays an agent, and what it must never pay.

A rule pays either on the agent's **own** sales to end customers (orders sold through
them, `basis` own_sales, depth 0) or, at most one level down, on the sales of the agents
they brought in directly (`downline_sales`, depth 1; the shop may set it to zero). It is a
rate (a percentage of the order's goods after discount, shipping excluded) or a fixed
amount per unit sold. A rule may be for one level or for every level; a level's own rule
wins. One active rule per level and basis: a new one replaces the old (audited).

Refused, with the reason: pay for recruiting people (拉人头), for entry fees (入门费), for a
recruit's first stock purchase, on an agent's own purchases, or on sales two or more levels
down (团队计酬). Article 2 of the 2005 Regulations on Prohibition of Pyramid Selling
(禁止传销条例) names exactly these as pyramid selling; a shop that paid them would be
running one.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

from .. import audit, validate
from ..actors import Actor, system_actor
from ..errors import ValidationError
from ..messages import add
from ..records import stamp_new
from ..schema import RULE_KINDS, agent_levels, commission_rules, now_utc
from .levels import level_id

CENT = Decimal("0.01")
# What people may ask a rule to pay on, and why each forbidden one is refused.
FORBIDDEN = {
    "recruitment": "agents.why.recruitment",
    "entry_fee": "agents.why.entry_fee",
    "first_purchase": "agents.why.first_purchase",
    "own_purchases": "agents.why.own_purchases",
}
BASES = ("own_sales", "downline_sales", *FORBIDDEN)
LAW = (
    "禁止传销条例 (Regulations on Prohibition of Pyramid Selling, 2005), art. 2 and 7: "
    "pay for recruiting people, entry fees, or pay computed on recruits' recruits' sales "
    "is pyramid selling"
)
LAW_ZH = (
    "《禁止传销条例》（2005）第二条、第七条：按发展人员数量计酬、收取入门费、"
    "以下线的下线的销售业绩计酬均属传销"
)
add(
    {
        "en": {
            "agents.refused": "{field}: refused, {why}. {law}. Nothing was saved.",
            "agents.why.recruitment": "a rule may not pay for recruiting people (拉人头)",
            "agents.why.entry_fee": "a rule may not pay on entry fees (入门费)",
            "agents.why.first_purchase": "a rule may not pay on a recruit's first stock purchase",
            "agents.why.own_purchases": "a rule may not pay on an agent's own purchases (囤货)",
            "agents.why.depth": "an override may only be on the sales of directly recruited "
            "agents (depth 1), not {value} levels down",
            "agents.rate": "{field}: {value!r} is not a rate (accepted: a percentage 0-100, "
            "e.g. 10 or 10%)",
            "agents.basis": "{field}: {value!r} is not a basis (accepted: own_sales, "
            "downline_sales)",
        },
        "zh_CN": {
            "agents.refused": "{field}：不允许，{why}。{law}。未保存任何内容。",
            "agents.why.recruitment": "佣金不得按发展人员计算（拉人头）",
            "agents.why.entry_fee": "佣金不得按入门费计算",
            "agents.why.first_purchase": "佣金不得按下线的首次进货计算",
            "agents.why.own_purchases": "佣金不得按代理自己的进货计算（囤货）",
            "agents.why.depth": "管理奖只能按直接发展的代理（第 1 层）的销售计算，"
            "不能按第 {value} 层",
            "agents.rate": "{field}：{value!r} 不是有效比例（0-100 的百分数，如 10 或 10%）",
            "agents.basis": "{field}：{value!r} 不是有效计佣依据（own_sales 或 downline_sales）",
        },
    }
)


def _law() -> str:
    """The regulation a refusal cites, in the page language."""
    from .. import config

    return LAW_ZH if config.language().startswith("zh") else LAW


def _refuse(field: str, why: str, value=None) -> ValidationError:
    """The refusal of a forbidden rule, citing the regulation."""
    from ..messages import t

    reason = t(why, value=value)
    return ValidationError.one("agents.refused", field, value, why=reason, law=_law())


def _rate(value) -> Decimal:
    """A percentage (10, '10%', '7.5') as a fraction 0.1000."""
    try:
        pct = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError.one("agents.rate", "value", value) from None
    if not pct.is_finite() or not 0 <= pct <= 100 or pct != pct.quantize(CENT):
        raise ValidationError.one("agents.rate", "value", value)
    return (pct / 100).quantize(Decimal("0.0001"))


def clean_rule(data: Mapping) -> dict:
    """A rule checked: basis (own_sales or downline_sales), depth (0 for own sales, 1 for
    an override), kind (rate or per_unit) and value; forbidden ones refused with why."""
    basis = str(data.get("basis") or "").strip()
    if basis in FORBIDDEN:
        raise _refuse("basis", FORBIDDEN[basis], basis)
    if basis not in BASES:
        raise ValidationError.one("agents.basis", "basis", basis)
    depth = data.get("depth")
    depth = (1 if basis == "downline_sales" else 0) if depth in (None, "") else int(depth)
    if basis == "downline_sales" and depth != 1:
        raise _refuse("depth", "agents.why.depth", depth)
    if basis == "own_sales" and depth != 0:
        raise _refuse("depth", "agents.why.depth", depth)
    kind = validate.choice(str(data.get("kind") or "rate"), "kind", RULE_KINDS)
    raw = data.get("value")
    value = _rate(raw) if kind == "rate" else validate.money(raw, "value")
    return {"basis": basis, "depth": depth, "kind": kind, "value": value}


def set_rule(db, data: Mapping, actor: Actor | None = None) -> dict:
    """Add a rule (`basis`, `kind`, `value`, optional `level` by name or id, `depth`),
    replacing the active one for the same level and basis. Managers and admins."""
    actor = actor or system_actor()
    actor.require("agents.edit")
    values = clean_rule(data)
    with db.write() as conn:
        level = data.get("level")
        values["level_id"] = None if level in (None, "") else level_id(conn, level)
        _retire(conn, values["level_id"], values["basis"], actor)
        rule_id = conn.execute(
            sa.insert(commission_rules).values(**values, active=True, **stamp_new(actor))
        ).inserted_primary_key[0]
        audit.record(conn, actor.name, "commission_rules", rule_id, "create", None, values)
        return {**values, "id": rule_id}


def _retire(conn, level: int | None, basis: str, actor: Actor) -> None:
    """End the active rule for this level and basis, if any (audited)."""
    r = commission_rules.c
    same_level = r.level_id.is_(None) if level is None else r.level_id == level
    where = (r.active.is_(True)) & same_level & (r.basis == basis)
    for (rule_id,) in conn.execute(sa.select(r.id).where(where)).all():
        conn.execute(
            sa.update(commission_rules)
            .where(r.id == rule_id)
            .values(active=False, updated_at=now_utc(), updated_by=actor.name)
        )
        audit.record(
            conn,
            actor.name,
            "commission_rules",
            rule_id,
            "update",
            {"active": True},
            {"active": False},
        )


def remove_rule(db, rule_id: int, actor: Actor | None = None) -> None:
    """Stop paying by a rule (it stays, inactive, for the record)."""
    actor = actor or system_actor()
    actor.require("agents.edit")
    with db.write() as conn:
        r = commission_rules.c
        row = conn.execute(sa.select(r.level_id, r.basis).where(r.id == rule_id)).first()
        if row is not None:
            _retire(conn, row.level_id, row.basis, actor)


def rules(db) -> list[dict]:
    """The active rules with their level's name (None: every level)."""
    r = commission_rules.c
    query = (
        sa.select(commission_rules, agent_levels.c.name.label("level"))
        .select_from(commission_rules.outerjoin(agent_levels, agent_levels.c.id == r.level_id))
        .where(r.active.is_(True))
        .order_by(agent_levels.c.rank.nulls_first(), r.basis)
    )
    with db.read() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def rule_book(conn) -> dict[tuple[int | None, str], dict]:
    """The active rules by (level id or None, basis)."""
    r = commission_rules.c
    rows = conn.execute(sa.select(commission_rules).where(r.active.is_(True))).mappings()
    return {(row["level_id"], row["basis"]): dict(row) for row in rows}


def commission(book: Mapping, level: int | None, basis: str, sales, quantity: int) -> Decimal:
    """What a sale of `sales` yuan and `quantity` units earns an agent at `level` under
    `basis`: their level's rule, else the every-level rule, else nothing."""
    rule = book.get((level, basis)) if level is not None else None
    rule = rule or book.get((None, basis))
    if rule is None:
        return Decimal("0.00")
    if rule["kind"] == "rate":
        return (Decimal(sales) * rule["value"]).quantize(CENT, ROUND_HALF_UP)
    return (rule["value"] * quantity).quantize(CENT, ROUND_HALF_UP)
