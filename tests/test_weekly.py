"""The manager's weekly sheet on the demo data: every figure checked against pandas."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import sqlalchemy as sa
from weeklysheet import export, pandas_refunds, sheet_rows

from salesops import schema as s
from salesops.weekly import collect
from salesops.weekly.figures import SUMMARY_ROWS
from salesops.weeks import Week, parse_week

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_COUNTED = ("cancelled", "refunded")


# -- an independent computation from the raw tables -------------------------------------


def _frame(conn, query) -> pd.DataFrame:
    """Rows of a Core select as a DataFrame with the select's column names."""
    result = conn.execute(query)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def raw_tables(db) -> dict[str, pd.DataFrame]:
    """The live orders, all order lines, channels and follow-ups, straight from the tables."""
    o, ln, f, c = s.orders, s.order_lines, s.followups, s.customers
    with db.read() as conn:
        return {
            "orders": _frame(
                conn,
                sa.select(
                    o.c.id, o.c.customer_id, o.c.channel_id, o.c.status, o.c.ordered_at
                ).where(o.c.deleted_at.is_(None)),
            ),
            "lines": _frame(
                conn, sa.select(ln.c.order_id, ln.c.amount, ln.c.unit_cost, ln.c.quantity)
            ),
            "channels": _frame(conn, sa.select(s.channels.c.id, s.channels.c.name)),
            "followups": _frame(
                conn,
                sa.select(f.c.staff, f.c.due_at, f.c.done_at)
                .join(c, c.c.id == f.c.customer_id)
                .where(c.c.deleted_at.is_(None)),
            ),
        }


def local_monday(label: str) -> datetime:
    """Monday 00:00 in Shanghai of ISO week `label` (YYYY-Www), as an aware datetime."""
    year, number = int(label[:4]), int(label[6:])
    return datetime.combine(date.fromisocalendar(year, number, 1), time(0), SHANGHAI)


def counted_orders(raw) -> pd.DataFrame:
    """Counted orders with their week label (from the Shanghai calendar) and line totals."""
    o = raw["orders"][~raw["orders"]["status"].isin(NOT_COUNTED)].copy()
    o["week"] = [
        "{}-W{:02d}".format(*t.astimezone(SHANGHAI).isocalendar()[:2]) for t in o["ordered_at"]
    ]
    lines = raw["lines"].copy()
    lines["costed"] = [
        a if c is not None and c == c else None
        for a, c in zip(lines["amount"], lines["unit_cost"], strict=True)
    ]
    lines["cost"] = [
        c * q if c is not None and c == c else None
        for c, q in zip(lines["unit_cost"], lines["quantity"], strict=True)
    ]
    per_order = {
        oid: (
            sum(g["amount"], Decimal(0)),
            sum((v for v in g["costed"] if v is not None), Decimal(0)),
            sum((v for v in g["cost"] if v is not None), Decimal(0)),
            any(v is not None for v in g["cost"]),
        )
        for oid, g in lines.groupby("order_id")
    }
    empty = (Decimal(0), Decimal(0), Decimal(0), False)
    o["revenue"], o["costed"], o["cost"], o["has_cost"] = (
        zip(*(per_order.get(i, empty) for i in o["id"]), strict=True)
        if len(o)
        else ([], [], [], [])
    )
    return o


def expected_week(o: pd.DataFrame, label: str) -> dict:
    """The weekly numbers of week `label` from counted orders, by the definitions in
    README.md ("Weekly sheet")."""
    start = local_monday(label)
    week = o[o["week"] == label]
    before = set(o[o["ordered_at"] < start]["customer_id"])
    buyers = set(week["customer_id"])
    revenue = sum(week["revenue"], Decimal(0))
    costed = sum(week["costed"], Decimal(0))
    cost = sum(week["cost"], Decimal(0))
    return {
        "week": label,
        "orders": len(week),
        "revenue": revenue,
        "customers": len(buyers),
        "new_customers": len(buyers - before),
        "repeat_customers": len(buyers & before),
        "aov": float(revenue / len(week)) if len(week) else 0.0,
        "gross_margin": float((costed - cost) / costed) if week["has_cost"].any() else None,
    }


def expected_followups(raw, label: str) -> tuple[int, int]:
    """(done in the week, overdue at its end) over every staff member."""
    start = local_monday(label)
    end = start + timedelta(days=7)
    f = raw["followups"]
    done = sum(1 for d in f["done_at"] if d is not None and d == d and start <= d < end)
    overdue = sum(
        1
        for due, d in zip(f["due_at"], f["done_at"], strict=True)
        if due is not None and due == due and due < end and (d is None or d != d or d >= end)
    )
    return done, overdue


def assert_money(cell, expected) -> None:
    """A money cell holds the exact amount (to the cent) as a number."""
    assert isinstance(cell, int | float), cell
    assert Decimal(str(cell)).quantize(Decimal("0.01")) == Decimal(expected).quantize(
        Decimal("0.01")
    )


def assert_weekly_row(got: dict, exp: dict) -> None:
    """One Weekly row against the pandas numbers."""
    assert got["week"] == exp["week"]
    for key in ("orders", "customers", "new_customers", "repeat_customers"):
        assert got[key] == exp[key], (exp["week"], key)
    assert_money(got["revenue"], exp["revenue"])
    assert got["aov"] == pytest.approx(exp["aov"], rel=1e-9, abs=1e-9)
    if exp["gross_margin"] is None:
        assert got["gross_margin"] is None
    else:
        assert got["gross_margin"] == pytest.approx(exp["gross_margin"], rel=1e-9)


# -- the demo data, every figure on Summary, Weekly and Channels ----------------------------


def test_summary_weekly_and_channels_match_pandas_on_the_demo_data(demo_db, tmp_path):
    values, formulas, _ = export(demo_db, tmp_path, "2026-W47", weeks=12)
    raw = raw_tables(demo_db)
    counted = counted_orders(raw)
    labels = [str(Week(2026, 47).shift(i)) for i in range(-11, 1)]

    weekly = sheet_rows(values["Weekly"])
    assert [r["week"] for r in weekly] == labels
    assert list(weekly[0]) == [
        "week",
        "orders",
        "revenue",
        "customers",
        "new_customers",
        "repeat_customers",
        "aov",
        "gross_margin",
    ]
    for got, label in zip(weekly, labels, strict=True):
        assert_weekly_row(got, expected_week(counted, label))
    assert formulas["Weekly"]["G2"].value.startswith("=")  # AOV is a formula, value cached

    this, last = expected_week(counted, "2026-W47"), expected_week(counted, "2026-W46")
    assert this["orders"] > 50 and this["new_customers"] > 0 and this["repeat_customers"] > 0
    for e in (this, last):
        e["repeat_rate"] = e["repeat_customers"] / e["customers"]
    (this["followups_done"], this["followups_overdue"]) = expected_followups(raw, "2026-W47")
    (last["followups_done"], last["followups_overdue"]) = expected_followups(raw, "2026-W46")
    this["refunds"], this["refunded"] = pandas_refunds(demo_db, "2026-W47")
    last["refunds"], last["refunded"] = pandas_refunds(demo_db, "2026-W46")
    assert this["refunds"] > 0
    summary = {r["metric 指标"]: r for r in sheet_rows(values["Summary"])}
    for key, label in SUMMARY_ROWS:
        row = list(summary[label].values())
        a, b = this[key], last[key]
        assert row[1] == pytest.approx(float(a), rel=1e-9), key
        assert row[2] == pytest.approx(float(b), rel=1e-9), key
        assert row[3] == pytest.approx(float(a) - float(b), rel=1e-9, abs=1e-9), key
        if b:
            assert row[4] == pytest.approx((float(a) - float(b)) / float(b), rel=1e-9), key
        else:
            assert row[4] in (None, ""), key

    _assert_channels(values["Channels"], counted, raw["channels"])


def _assert_channels(ws, counted: pd.DataFrame, channels: pd.DataFrame) -> None:
    """Every Channels row against a per-channel pandas computation."""
    names = dict(zip(channels["id"], channels["name"], strict=True))
    this_start = local_monday("2026-W47")
    before = set(counted[counted["ordered_at"] < this_start]["customer_id"])
    rows = sheet_rows(ws)
    total_row = rows.pop()
    assert total_row["channel 渠道"] == "Total 合计"
    week_total = sum(counted[counted["week"] == "2026-W47"]["revenue"], Decimal(0))
    active = counted[counted["week"].isin(["2026-W47", "2026-W46"])]
    assert {r["channel 渠道"] for r in rows} == {names[c] for c in set(active["channel_id"])}
    for r in rows:
        cid = next(k for k, v in names.items() if v == r["channel 渠道"])
        mine = counted[counted["channel_id"] == cid]
        week = mine[mine["week"] == "2026-W47"]
        prev = sum(mine[mine["week"] == "2026-W46"]["revenue"], Decimal(0))
        revenue = sum(week["revenue"], Decimal(0))
        costed, cost = sum(week["costed"], Decimal(0)), sum(week["cost"], Decimal(0))
        buyers = set(week["customer_id"])
        assert r["orders 订单数"] == len(week)
        assert_money(r["revenue 销售额"], revenue)
        assert r["share 占比"] == pytest.approx(float(revenue / week_total), rel=1e-9)
        assert r["customers 客户数"] == len(buyers)
        assert r["new customers 新客户"] == len(buyers - before)
        assert r["AOV 客单价"] == pytest.approx(float(revenue / len(week)) if len(week) else 0)
        if week["has_cost"].any():
            assert r["gross margin 毛利率"] == pytest.approx(float((costed - cost) / costed))
        assert_money(r["last week revenue 上周销售额"], prev)
        assert_money(r["change 变化"], revenue - prev)
        if prev:
            assert r["change % 变化率"] == pytest.approx(float((revenue - prev) / prev))
    assert_money(total_row["revenue 销售额"], week_total)


def test_products_new_customers_communities_and_staff_match_pandas_on_the_demo_data(demo_db):
    """The sheets whose SQL looks up buyers' earlier orders by index, against pandas."""
    figures = collect.collect(demo_db, parse_week("2026-W47"), 2)
    start = local_monday("2026-W47")
    end = start + timedelta(days=7)
    o, ln, m, c, f = s.orders, s.order_lines, s.community_members, s.customers, s.followups
    with demo_db.read() as conn:
        orders_ = _frame(
            conn,
            sa.select(
                o.c.id,
                o.c.customer_id,
                o.c.status,
                o.c.ordered_at,
                o.c.created_at,
                o.c.created_by,
                o.c.deleted_at,
            ),
        )
        lines = _frame(conn, sa.select(ln.c.order_id, ln.c.product_id, ln.c.quantity, ln.c.amount))
        members = _frame(
            conn,
            sa.select(m.c.community_id, m.c.customer_id, m.c.joined_at, c.c.deleted_at).join(
                c, c.c.id == m.c.customer_id
            ),
        )
        names = dict(conn.execute(sa.select(s.communities.c.id, s.communities.c.name)).all())
        skus = dict(conn.execute(sa.select(s.products.c.id, s.products.c.sku)).all())
        follow = _frame(
            conn,
            sa.select(f.c.staff, f.c.due_at, f.c.done_at)
            .join(c, c.c.id == f.c.customer_id)
            .where(c.c.deleted_at.is_(None)),
        )
    live = orders_[orders_["deleted_at"].isna()]
    counted = live[~live["status"].isin(NOT_COUNTED)]
    in_week = counted[(counted["ordered_at"] >= start) & (counted["ordered_at"] < end)]
    sold = lines.merge(counted, left_on="order_id", right_on="id")
    week_lines = sold[(sold["ordered_at"] >= start) & (sold["ordered_at"] < end)]
    earlier = set(
        zip(
            *(sold[sold["ordered_at"] < start][k] for k in ("customer_id", "product_id")),
            strict=True,
        )
    )

    products = figures.products.set_index("sku")
    assert len(products) == week_lines["product_id"].nunique() > 5
    assert products["repeat_buyers"].sum() > 0
    for pid, g in week_lines.groupby("product_id"):
        got = products.loc[skus[pid]]
        buyers = set(g["customer_id"])
        assert got["units"] == g["quantity"].sum()
        assert got["revenue"] == sum(g["amount"], Decimal(0))
        assert got["buyers"] == len(buyers)
        assert got["repeat_buyers"] == sum((b, pid) in earlier for b in buyers)

    week_revenue = week_lines.groupby("customer_id")["amount"].sum()
    ever = set(counted[counted["ordered_at"] < end]["customer_id"])
    week_buyers = set(in_week["customer_id"])
    kept = members[members["deleted_at"].isna() & (members["joined_at"] < end)]
    communities = figures.communities.set_index("name")
    assert len(communities) == kept["community_id"].nunique()
    for cid, g in kept.groupby("community_id"):
        got = communities.loc[names[cid]]
        ids = list(g["customer_id"])
        assert got["members"] == len(ids)
        assert got["bought_this_week"] == sum(i in week_buyers for i in ids)
        assert got["bought_ever"] == sum(i in ever for i in ids)
        assert got["revenue"] == sum((week_revenue.get(i, Decimal(0)) for i in ids), Decimal(0))
    assert communities["bought_this_week"].sum() > 0

    before = set(counted[counted["ordered_at"] < start]["customer_id"])
    firsts = in_week[~in_week["customer_id"].isin(before)].sort_values(["ordered_at", "id"])
    firsts = firsts.drop_duplicates("customer_id")
    amounts = lines.groupby("order_id")["amount"].sum()
    with demo_db.read() as conn:
        codes = dict(conn.execute(sa.select(c.c.id, c.c.code)).all())
        numbers = dict(conn.execute(sa.select(o.c.id, o.c.order_no)).all())
    expected = {codes[r.customer_id]: (numbers[r.id], amounts[r.id]) for r in firsts.itertuples()}
    got = {r.code: (r.first_order_no, r.first_amount) for r in figures.new_customers.itertuples()}
    assert got == expected and len(got) > 5

    entered = live[(live["created_at"] >= start) & (live["created_at"] < end)]
    staff = figures.staff.set_index("staff")
    for who, row in staff.iterrows():
        mine = follow[follow["staff"] == who]
        done = sum(1 for d in mine["done_at"] if d == d and d is not None and start <= d < end)
        overdue = sum(
            1
            for due, d in zip(mine["due_at"], mine["done_at"], strict=True)
            if due == due and due is not None and due < end and (d is None or d != d or d >= end)
        )
        assert row["orders_entered"] == (entered["created_by"] == who).sum()
        assert (row["followups_done"], row["followups_overdue"]) == (done, overdue)
    assert staff["orders_entered"].sum() == len(entered) > 0
    assert staff["followups_done"].sum() > 0 and staff["followups_overdue"].sum() > 0


def test_top_customers_referrals_and_the_reseller_tree_match_pandas_on_the_demo_data(demo_db):
    """The Customers top 20 and the Referrals & agents sheet, against pandas."""
    figures = collect.collect(demo_db, parse_week("2026-W47"), 2)
    start = local_monday("2026-W47")
    end = start + timedelta(days=7)
    o, ln, c = s.orders, s.order_lines, s.customers
    with demo_db.read() as conn:
        orders_ = _frame(
            conn, sa.select(o.c.id, o.c.customer_id, o.c.status, o.c.ordered_at, o.c.deleted_at)
        )
        lines = _frame(conn, sa.select(ln.c.order_id, ln.c.amount))
        people = _frame(
            conn,
            sa.select(
                c.c.id, c.c.code, c.c.referrer_id, c.c.is_agent, c.c.parent_agent_id, c.c.deleted_at
            ),
        ).set_index("id")
    counted = orders_[orders_["deleted_at"].isna() & ~orders_["status"].isin(NOT_COUNTED)]
    week = counted[(counted["ordered_at"] >= start) & (counted["ordered_at"] < end)]
    amounts = lines.groupby("order_id")["amount"].sum()
    week = week.assign(revenue=[amounts.get(i, Decimal(0)) for i in week["id"]])
    per_buyer = week.groupby("customer_id").agg(orders=("id", "count"), revenue=("revenue", "sum"))
    code = people["code"].to_dict()

    top = figures.top_customers
    assert len(top) == 20
    expected = {code[i]: (r.orders, r.revenue) for i, r in per_buyer.iterrows()}
    assert all(expected[r.code] == (r.orders, r.revenue) for r in top.itertuples())
    assert list(top["revenue"]) == sorted(top["revenue"], reverse=True)
    assert top["revenue"].iloc[-1] >= max(
        v for k, (_, v) in expected.items() if k not in set(top["code"])
    )

    live = people[people["deleted_at"].isna()]
    referred = live[live["referrer_id"].notna()].groupby("referrer_id").size()
    referred_of = people["referrer_id"].to_dict()
    by_referrer: dict = {}
    for buyer, r in per_buyer.iterrows():
        ref = referred_of[buyer]
        if ref == ref and ref is not None:
            buyers, revenue = by_referrer.get(int(ref), (0, Decimal(0)))
            by_referrer[int(ref)] = (buyers + 1, revenue + r.revenue)
    ranked = {
        code[int(ref)]: (n, *by_referrer.get(int(ref), (0, Decimal(0))))
        for ref, n in referred.items()
    }
    got = figures.referrers
    assert len(got) == 20 and got["referred_revenue"].sum() > 0
    assert all(
        ranked[r.code] == (r.referred, r.buyers, r.referred_revenue) for r in got.itertuples()
    )
    keys = [(r.referred_revenue, r.referred) for r in got.itertuples()]
    assert keys == sorted(keys, reverse=True)
    left_out = [(v[2], v[0]) for k, v in ranked.items() if k not in set(got["code"])]
    assert keys[-1] >= max(left_out)
    totals = figures.referral_totals
    referred_week = week[
        [
            referred_of[i] == referred_of[i] and referred_of[i] is not None
            for i in week["customer_id"]
        ]
    ]
    assert totals["revenue"] == week["revenue"].sum()
    assert totals["referred_revenue"] == referred_week["revenue"].sum() > 0
    assert totals["referred_buyers"] == referred_week["customer_id"].nunique()

    agents = live[live["is_agent"].astype(bool)]
    parent_of = {
        i: p if p == p and p is not None else None for i, p in agents["parent_agent_id"].items()
    }
    children: dict = {}
    for i, p in parent_of.items():
        children.setdefault(p, []).append(i)
    tree, todo = {}, [(i, 1, code[i], None) for i in children.get(None, [])]
    while todo:  # walk down from the seller's own recruits; orphans of deleted agents drop out
        i, tier, path, parent = todo.pop()
        sales = per_buyer.loc[i] if i in per_buyer.index else None
        tree[code[i]] = (
            parent,
            tier,
            path,
            len(children.get(i, [])),
            (int(sales.orders), sales.revenue) if sales is not None else (0, Decimal(0)),
        )
        todo += [(k, tier + 1, f"{path}/{code[k]}", code[i]) for k in children.get(i, [])]
    sheet = figures.agents
    assert len(sheet) == len(tree) > 50 and sheet["deep"].any() and sheet["orders"].sum() > 0
    assert list(sheet["path"]) == sorted(sheet["path"])
    for r in sheet.itertuples():
        parent = r.parent_code if isinstance(r.parent_code, str) else None
        got = (parent, r.tier, r.path, r.recruits, (r.orders, r.revenue))
        assert got == tree[r.code]
        assert r.deep == (r.tier >= 3)
