"""The daily work queue on the landing page: what staff should do today.

- **Orders to ship**: paid, not shipped, oldest first (salesops.shipping.waiting, the same
  query as the Shipping page).
- **Follow-ups** due by the end of today, overdue ones (due before now) marked; staff see
  their own (salesops.followups.due).
- **Low stock**: counted products at or under their reorder level (salesops.stock).
- **Customers worth contacting this week**: repeat buyers whose probability of still being
  active (the BG/NBD model of salesops.analysis, fitted on every buyer's purchase days up to
  today) has fallen over the last four weeks while their past value is high (in the top
  quarter of repeat buyers' spend), most value at risk first: (1 - P(alive)) x past value.
  Fitting takes seconds on a large shop, so it is computed once a day and kept in
  `worklist_cache` (`refresh`, `salesops worklist refresh`, e.g. from cron at 6:00); the
  first page to ask on a day without one computes it. A shop with fewer than
  MIN_REPEAT_BUYERS repeat buyers has no list (the model needs them).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from . import config, stock
from .actors import Actor, system_actor
from .followups import due
from .schema import customers, now_utc, worklist_cache
from .shipping.waiting import waiting_orders

MIN_REPEAT_BUYERS = 10
WEEKS_BACK = 4
CONTACTS = 20
SHOWN = 50  # rows of each list on the page


def business_today() -> date:
    """Today in the business zone."""
    return now_utc().astimezone(config.business_zone()).date()


def _day_end(day: date) -> datetime:
    """The end of business day `day`, in UTC."""
    zone = config.business_zone()
    return datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(UTC)


def worklist(db, actor: Actor | None = None, limit: int = SHOWN) -> dict:
    """Today's queue for `actor`: {"to_ship", "followups", "low_stock", "contacts"}, each
    {"count", "rows" (the first `limit`)}; and "contacts_day" (the day they were computed)."""
    actor = actor or system_actor()
    now = now_utc()
    ship = waiting_orders(db)
    follow = [
        {**f, "overdue": f["due_at"] < now}
        for f in due(db, until=_day_end(business_today()), actor=actor)
    ]
    low = stock.low_stock(db)
    kept = contacts(db)
    out = {
        key: {"count": len(rows), "rows": rows[:limit]}
        for key, rows in (
            ("to_ship", ship),
            ("followups", follow),
            ("low_stock", low),
            ("contacts", kept["rows"]),
        )
    }
    out["followups"]["overdue"] = sum(1 for f in follow if f["overdue"])
    out["contacts_day"] = kept["day"]
    return out


def contacts(db, day: date | None = None) -> dict:
    """The customers worth contacting, as kept for `day` (default today); computed and kept
    now when that day has none yet. {"day", "computed_at", "rows"}."""
    day = day or business_today()
    with db.read() as conn:
        found = conn.execute(
            sa.select(worklist_cache.c.computed_at, worklist_cache.c.payload).where(
                worklist_cache.c.name == "contacts", worklist_cache.c.day == day
            )
        ).first()
    if found is None:
        return refresh(db, day)
    rows = _with_people(db, json.loads(found.payload))
    return {"day": day, "computed_at": found.computed_at, "rows": rows}


def refresh(db, day: date | None = None) -> dict:
    """Compute the customers worth contacting for `day` (default today) and keep them."""
    day = day or business_today()
    rows = worth_contacting(db, day)
    at = now_utc()
    with db.write() as conn:
        conn.execute(
            sa.delete(worklist_cache).where(
                worklist_cache.c.name == "contacts", worklist_cache.c.day == day
            )
        )
        try:
            with conn.begin_nested():
                conn.execute(
                    sa.insert(worklist_cache).values(
                        name="contacts", day=day, computed_at=at, payload=json.dumps(rows)
                    )
                )
        except sa.exc.IntegrityError:  # another page kept the same day's list meanwhile
            pass
    return {"day": day, "computed_at": at, "rows": _with_people(db, rows)}


def worth_contacting(db, day: date, n: int = CONTACTS) -> list[dict]:
    """Repeat buyers whose P(alive) fell over WEEKS_BACK weeks, with a high past value,
    most value at risk first (see the module docstring): code, p_alive, p_alive_before,
    past_value (a string, yuan), last_day."""
    import pandas as pd

    from . import analysis

    now = analysis.repeat_summary(db, day)
    if int((now["frequency"] > 0).sum()) < MIN_REPEAT_BUYERS:
        return []
    model = analysis.fit_bgnbd(now["frequency"], now["recency"], now["T"])
    before = analysis.repeat_summary(db, day - timedelta(weeks=WEEKS_BACK))
    out = analysis.customer_outlook(now, model, WEEKS_BACK)
    earlier = model.p_alive(before["frequency"], before["recency"], before["T"])
    out["p_alive_before"] = pd.Series(earlier, index=before.index).reindex(out.index)
    days = analysis.purchase_days(db, None, day).groupby("customer_code")
    out["past_value"] = days["revenue"].sum().reindex(out.index)
    out["last_day"] = days["day"].max().reindex(out.index)
    repeaters = out[out["frequency"] > 0]
    high = repeaters["past_value"].quantile(0.75)
    chosen = repeaters[
        (repeaters["p_alive"] < repeaters["p_alive_before"]) & (repeaters["past_value"] >= high)
    ].copy()
    chosen["at_risk"] = (1 - chosen["p_alive"]) * chosen["past_value"]
    chosen = chosen.sort_values(["at_risk"], ascending=False).head(n)
    return _scores(chosen)


def _scores(chosen) -> list[dict]:
    """The chosen rows as kept: customer code and scores only (names and mobiles are read
    when shown, so the cache holds no personal data an erasure would have to find)."""
    return [
        {
            "code": str(code),
            "p_alive": round(float(r["p_alive"]), 3),
            "p_alive_before": round(float(r["p_alive_before"]), 3),
            "past_value": str(Decimal(str(r["past_value"])).quantize(Decimal("0.01"))),
            "last_day": r["last_day"].date().isoformat(),
        }
        for code, r in chosen.iterrows()
    ]


def _with_people(db, rows: list[dict]) -> list[dict]:
    """Kept rows with each live customer's id, name and mobile (others left out)."""
    c = customers.c
    with db.read() as conn:
        people = {
            r.code: r
            for r in conn.execute(
                sa.select(c.id, c.code, c.name, c.mobile).where(
                    c.code.in_([r["code"] for r in rows]), c.deleted_at.is_(None)
                )
            )
        }
    return [
        {**r, "customer_id": p.id, "name": p.name, "mobile": p.mobile or ""}
        for r in rows
        if (p := people.get(r["code"])) is not None
    ]
