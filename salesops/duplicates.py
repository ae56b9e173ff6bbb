"""Customers who are probably the same person, with the evidence, for a person to merge.

Imports from several shops leave the same buyer twice. `find_duplicates(db)` lists
candidate pairs of active customers with every piece of evidence found:

- the same mobile once normalised, or the same WeChat ID ignoring case (possible on
  stored values that predate normalisation), or a customer's mobile / WeChat ID that is
  kept as a merged-away identifier of another customer;
- the same name with mobiles that differ in exactly one digit (a typo);
- the same name and region with the same referrer.

Nothing is merged automatically: salesops.merge does that when a person says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from . import validate
from .errors import ValidationError
from .messages import add, t
from .schema import customer_identifiers, customers

add(
    {
        "en": {
            "dup.same_mobile": "same mobile {value}",
            "dup.same_wechat": "same WeChat ID {value}",
            "dup.merged_identifier": "{value} was merged into {code} earlier",
            "dup.one_digit": "same name, mobiles {a} and {b} differ in one digit",
            "dup.name_region_referrer": "same name, region {region} and referrer {referrer}",
        },
        "zh_CN": {
            "dup.same_mobile": "手机号相同 {value}",
            "dup.same_wechat": "微信号相同 {value}",
            "dup.merged_identifier": "{value} 曾合并到 {code}",
            "dup.one_digit": "姓名相同，手机号 {a} 与 {b} 只差一位",
            "dup.name_region_referrer": "姓名、地区 {region} 和推荐人 {referrer} 都相同",
        },
    }
)
GROUP_LIMIT = 50  # a larger group of equal keys is a data problem, not a duplicate pair


@dataclass
class Candidate:
    """Two customers (as dicts: id, code, name, mobile, wechat_id, region) and why."""

    a: dict
    b: dict
    evidence: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        def who(c):
            return " ".join(str(x) for x in (c["code"], c["name"], c["mobile"] or "") if x)

        return f"{who(self.a)}  ~  {who(self.b)}: {'; '.join(self.evidence)}"


def find_duplicates(db) -> list[Candidate]:
    """Candidate pairs of active customers, lower id first, each with all its evidence."""
    with db.read() as conn:
        people = _active(conn)
        merged = conn.execute(
            sa.select(
                customer_identifiers.c.kind,
                customer_identifiers.c.value,
                customer_identifiers.c.customer_id,
            )
        ).all()
    by_id = {p["id"]: p for p in people}
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)

    def found(group, message):
        ids = sorted({p["id"] for p in group})
        if 1 < len(ids) <= GROUP_LIMIT:
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    if message not in pairs[(a, b)]:
                        pairs[(a, b)].append(message)

    _same_identifiers(people, found)
    _merged_identifiers(people, merged, by_id, pairs)
    _one_digit(people, found)
    groups = defaultdict(list)
    for p in people:
        if p["region"] and p["referrer_id"]:
            groups[(p["name"], p["region"], p["referrer_id"])].append(p)
    for (_name, region, ref), group in groups.items():
        referrer = by_id.get(ref, {}).get("code", ref)
        found(group, t("dup.name_region_referrer", region=region, referrer=referrer))
    return [Candidate(by_id[a], by_id[b], ev) for (a, b), ev in sorted(pairs.items())]


def _active(conn) -> list[dict]:
    c = customers.c
    rows = conn.execute(
        sa.select(c.id, c.code, c.name, c.mobile, c.wechat_id, c.region, c.referrer_id)
        .where(c.deleted_at.is_(None))
        .order_by(c.id)
    ).mappings()
    out = []
    for r in rows:
        p = dict(r)
        try:
            p["mobile_key"] = validate.mobile(p["mobile"]) if p["mobile"] else None
        except ValidationError:
            p["mobile_key"] = p["mobile"]
        p["wechat_key"] = p["wechat_id"].strip().lower() if p["wechat_id"] else None
        out.append(p)
    return out


def _same_identifiers(people, found) -> None:
    for key, message in (("mobile_key", "dup.same_mobile"), ("wechat_key", "dup.same_wechat")):
        groups = defaultdict(list)
        for p in people:
            if p[key]:
                groups[p[key]].append(p)
        for value, group in groups.items():
            found(group, t(message, value=value))


def _merged_identifiers(people, merged, by_id, pairs) -> None:
    """A live customer holding an identifier another customer absorbed in a merge."""
    kept = {(kind, value): cid for kind, value, cid in merged if cid in by_id}
    for p in people:
        for kind, value in (("mobile", p["mobile_key"]), ("wechat", p["wechat_key"])):
            owner = kept.get((kind, value)) if value else None
            if owner is not None and owner != p["id"]:
                message = t("dup.merged_identifier", value=value, code=by_id[owner]["code"])
                pair = tuple(sorted((owner, p["id"])))
                if message not in pairs[pair]:
                    pairs[pair].append(message)


def _one_digit(people, found) -> None:
    """Same name, mobiles of one length differing in exactly one position (bucketed by
    the mobile with one digit blanked out, so large files stay linear)."""
    buckets = defaultdict(list)
    for p in people:
        m = p["mobile_key"]
        if m:
            for i in range(len(m)):
                buckets[(p["name"], i, m[:i] + m[i + 1 :])].append(p)
    for group in buckets.values():
        distinct = {p["mobile_key"] for p in group}
        if len(distinct) > 1:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if a["mobile_key"] != b["mobile_key"]:
                        found([a, b], t("dup.one_digit", a=a["mobile_key"], b=b["mobile_key"]))
