"""Order-shares and reviews (晒单): a customer's public post about a purchase.

A review belongs to an order (and so to its buyer): the platform it was posted on
(朋友圈, 微信群, 小红书, 抖音, 大众点评 or other), the day, a rating from 1 to 5 if the
post gives one, and a note and/or a link to the post. Whoever may edit customers records,
corrects and deletes them (`customers.edit`); each change is versioned and in the change
log, and a deleted review is kept (deleted_at) but no longer counted. The analysis
(salesops.analysis.communities.review_effect) counts the live ones.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from . import audit, messages, validate
from .actors import Actor, system_actor
from .communities import day_start, local_day
from .errors import ConflictError, NotFoundError, ValidationError
from .queries import fetch_all
from .schema import REVIEW_PLATFORMS, now_utc, orders, reviews

LINK = re.compile(r"https?://\S+", re.IGNORECASE)
messages.add(
    {
        "en": {
            "review.platform.wechat_moments": "WeChat Moments",
            "review.platform.wechat_group": "WeChat group",
            "review.platform.xiaohongshu": "Xiaohongshu",
            "review.platform.douyin": "Douyin",
            "review.platform.dianping": "Dianping",
            "review.platform.other": "other",
            "review.rating": "{field}: {value!r} is not a rating (accepted: 1 to 5, or blank)",
            "review.link": "{field}: {value!r} is not a link (accepted: http:// or https://...)",
            "review.future": "{field}: {value} is in the future",
        },
        "zh_CN": {
            "review.platform.wechat_moments": "朋友圈",
            "review.platform.wechat_group": "微信群",
            "review.platform.xiaohongshu": "小红书",
            "review.platform.douyin": "抖音",
            "review.platform.dianping": "大众点评",
            "review.platform.other": "其他",
            "review.rating": "{field}：{value!r} 不是评分（1 到 5，或留空）",
            "review.link": "{field}：{value!r} 不是链接（应以 http:// 或 https:// 开头）",
            "review.future": "{field}：{value} 是将来的日期",
        },
    }
)
EDITABLE = ("platform", "posted", "rating", "content", "link")


def platforms() -> list[tuple[str, str]]:
    """(label in the page language, code) for each platform, in the order pages offer them."""
    return [(messages.t(f"review.platform.{code}"), code) for code in REVIEW_PLATFORMS]


def platform_code(value) -> str:
    """A platform by code or by its name in either language (朋友圈, Douyin...)."""
    text = str(value or "").strip()
    for code in REVIEW_PLATFORMS:
        names = {code, *(messages.t(f"review.platform.{code}", lang) for lang in ("en", "zh_CN"))}
        if text.lower() in {n.lower() for n in names}:
            return code
    accepted = ", ".join(label for label, _code in platforms())
    raise ValidationError.one("error.choice", "platform", value, accepted=accepted)


def clean(data: dict, partial: bool = False) -> dict:
    """The review fields of `data`, checked, every bad field reported at once."""
    checks = {
        "platform": lambda: platform_code(data.get("platform") or "wechat_moments"),
        "posted_at": lambda: _posted(data.get("posted")),
        "rating": lambda: _rating(data.get("rating")),
        "content": lambda: validate.text(data.get("content"), "content", 2000),
        "link": lambda: _link(data.get("link")),
    }
    given = {"posted_at": "posted"}
    return validate.collect(
        {k: f for k, f in checks.items() if not partial or given.get(k, k) in data}
    )


def _posted(value):
    """The day it was posted (default today), not in the future."""
    when = day_start(value, "posted") or day_start(local_day(now_utc()), "posted")
    if when > now_utc():
        raise ValidationError.one("review.future", "posted", local_day(when))
    return when


def _rating(value) -> int | None:
    """1 to 5, or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 5 or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError.one("review.rating", "rating", value)
    return number


def _link(value) -> str:
    """A web link (http or https), or ''."""
    text = validate.text(value, "link", 500)
    if text and not LINK.fullmatch(text):
        raise ValidationError.one("review.link", "link", value)
    return text


def record_review(db, order_id: int, data: dict, actor: Actor | None = None) -> dict:
    """Record a 晒单 of order `order_id` by its buyer; returns the stored review."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    values = clean(data)
    with db.write() as conn:
        o = orders.c
        order = conn.execute(
            sa.select(o.id, o.customer_id, o.order_no).where(
                o.id == order_id, o.deleted_at.is_(None)
            )
        ).first()
        if order is None:
            raise NotFoundError(f"order {order_id} not found")
        now = now_utc()
        row = {**values, "order_id": order.id, "customer_id": order.customer_id}
        row.update(version=1, created_by=actor.name, updated_at=now, updated_by=actor.name)
        new_id = conn.execute(sa.insert(reviews).values(row)).inserted_primary_key[0]
        audit.record(conn, actor.name, "reviews", new_id, "create", None, row)
        return _row(conn, new_id)


def update_review(
    db, review_id: int, changes: dict, expected_version: int, actor: Actor | None = None
) -> dict:
    """Correct a review read at `expected_version`."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    values = clean({k: v for k, v in changes.items() if k in EDITABLE}, partial=True)
    with db.write() as conn:
        return _save(conn, review_id, expected_version, values, actor, "update")


def delete_review(db, review_id: int, expected_version: int, actor: Actor | None = None):
    """Delete a review recorded by mistake (kept, no longer shown or counted)."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        _save(conn, review_id, expected_version, {"deleted_at": now_utc()}, actor, "delete")


def _save(conn, review_id, expected_version, values, actor, action) -> dict:
    current = _row(conn, review_id)
    if current["version"] != expected_version:
        who = current["updated_by"] or current["created_by"] or "?"
        raise ConflictError("review", review_id, who, current["updated_at"])
    before, after = audit.changed(current, values)
    if not after:
        return current
    conn.execute(
        sa.update(reviews)
        .where(reviews.c.id == review_id)
        .values(**after, version=expected_version + 1, updated_at=now_utc())
        .values(updated_by=actor.name)
    )
    audit.record(conn, actor.name, "reviews", review_id, action, before, after)
    return {**current, **after, "version": expected_version + 1}


def _row(conn, review_id: int) -> dict:
    row = conn.execute(sa.select(reviews).where(reviews.c.id == review_id)).mappings().first()
    if row is None or row["deleted_at"] is not None:
        raise NotFoundError(f"review {review_id} not found")
    return dict(row)


def customer_reviews(db, customer_id: int) -> list[dict]:
    """A customer's live reviews, newest first, with their order number and platform label."""
    return _labelled(fetch_all(db, "customer_reviews", customer_id=customer_id))


def order_reviews(db, order_id: int) -> list[dict]:
    """An order's live reviews, newest first."""
    return _labelled(fetch_all(db, "order_reviews", order_id=order_id))


def _labelled(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["platform_label"] = messages.t(f"review.platform.{row['platform']}")
        row["posted"] = local_day(row["posted_at"])
        row["rating"] = None if row["rating"] is None else int(row["rating"])
    return rows
