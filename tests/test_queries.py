"""Named queries: every file loads, every query runs on the demo data, numbers are right."""

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import sqlalchemy as sa

from salesops import queries
from salesops import schema as s
from salesops.demo import REFERENCE_ANCHOR
from salesops.weeks import week_of, weeks_param

SHANGHAI = ZoneInfo("Asia/Shanghai")


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """UTC bounds of the ISO week starting `monday` in Shanghai."""
    start = datetime.combine(monday, datetime.min.time(), SHANGHAI).astimezone(UTC)
    return start, start + timedelta(days=7)


LAST_WEEK = week_bounds(REFERENCE_ANCHOR - timedelta(days=REFERENCE_ANCHOR.weekday()))
# A sample value for every parameter name used in queries/*.sql.
SAMPLES = {
    "prefix": "王",
    "prefix_end": "玌",
    "after_key": "",
    "after_id": 0,
    "fragment": "138",
    "limit": 20,
    "customer_id": 1,
    "order_id": 1,
    "number": "SO00000001",
    "tracking": "SF1234567890123",
    "channel_id": None,
    "community_id": 1,
    "start": LAST_WEEK[0],
    "end": LAST_WEEK[1],
    "until": LAST_WEEK[1],
    "staff": "wang.fang",
    "prev_start": LAST_WEEK[0] - timedelta(days=7),
    "weeks": weeks_param([week_of(REFERENCE_ANCHOR)]),
    "table_name": "customers",
    "row_id": 1,
    "actor": "wang.fang",
    "action": "show_mobile",
    "since": LAST_WEEK[0],
    "before_at": LAST_WEEK[1],
    "before_id": 10**9,
    "pattern": "%面膜%",
    "key_pattern": "%面膜%",
    "include_archived": True,
    "include_left": 1,
    "product_id": 1,
}


def test_every_query_file_loads_with_unique_names():
    listed = queries.list_queries()
    files = {p.name for p in queries.QUERIES_DIR.glob("*.sql")}
    assert set(listed["file"]) == files
    assert listed["name"].is_unique
    for name in [
        "search_customers_by_name",
        "search_customers_by_mobile_fragment",
        "customer_profile",
        "customer_orders",
        "customer_referrals",
        "customer_totals",
        "agent_tree",
        "orders_of_week",
        "order_lines_of_order",
        "weekly_kpis",
        "followups_due",
    ]:
        assert name in set(listed["name"])


def test_every_query_documents_exactly_the_parameters_it_uses():
    for q in queries.load().values():
        assert q.doc, f"{q.name} has no docstring"
        documented = set(queries.PARAM.findall(q.doc))
        assert documented == set(q.params), f"{q.name}: doc names {documented}, SQL {q.params}"


def test_every_query_runs_on_the_demo_data(demo_db):
    for q in queries.load().values():
        unknown = set(q.params) - set(SAMPLES)
        assert not unknown, f"add a sample value for {unknown} (query {q.name}) to SAMPLES"
        df = queries.fetch_df(demo_db, q.name, **{p: SAMPLES[p] for p in q.params})
        assert len(df.columns) > 0
        for col, kind in q.columns.items():
            values = df[col].dropna()
            if kind == "money":
                assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in values)


def test_a_call_with_missing_or_unknown_parameters_names_them(demo_db):
    with pytest.raises(queries.QueryError, match="missing: limit; unknown: lmit"):
        queries.fetch_df(
            demo_db, "search_customers_by_mobile_fragment", fragment="138", after_id=0, lmit=3
        )
    with pytest.raises(queries.QueryError, match="did you mean search_customers_by_name"):
        queries.fetch_df(demo_db, "search_customers_by_nme", prefix="王", limit=3)


def test_a_new_sql_file_is_a_new_query_and_duplicates_are_refused(tmp_path):
    (tmp_path / "a.sql").write_text(
        "-- name: count_things\n-- How many :kind things.\n"
        "-- money: total\nselect :kind as kind, 1.5 as total;\n"
    )
    q = queries.get_query("count_things", tmp_path)
    assert (q.params, q.doc, q.columns) == (("kind",), "How many :kind things.", {"total": "money"})
    assert q.sql_for("sqlite") == "select :kind as kind, 1.5 as total"
    (tmp_path / "b.sql").write_text("-- name: count_things\nselect 2;\n")
    with pytest.raises(queries.QueryError, match="count_things.*defined twice.*a.sql and b.sql"):
        queries.load(tmp_path)


def test_a_dialect_block_replaces_the_portable_sql_on_that_database(tmp_path):
    (tmp_path / "a.sql").write_text(
        "-- name: today\n-- The date.\nselect date('now');\n\n"
        "-- name: today\n-- dialect: postgresql\nselect current_date;\n"
    )
    q = queries.get_query("today", tmp_path)
    assert q.sql_for("postgresql") == "select current_date"
    assert q.sql_for("sqlite") == "select date('now')"
    (tmp_path / "a.sql").write_text("-- name: today\n-- dialect: postgresql\nselect 1;\n")
    with pytest.raises(queries.QueryError, match="portable version or one per database"):
        queries.load(tmp_path)


def test_a_fragment_is_put_in_per_database_and_an_unknown_one_is_named(tmp_path):
    (tmp_path / "a.sql").write_text(
        "-- fragment: today\n-- The date.\nselect date('now')\n\n"
        "-- fragment: today\n-- dialect: postgresql\nselect current_date\n\n"
        "-- fragment: cut\n-- nothing here, a trim on PostgreSQL\n\n"
        "-- fragment: cut\n-- dialect: postgresql\n::text\n"
    )
    (tmp_path / "b.sql").write_text(
        "-- name: when_and_who\n-- Today and :who.\nselect ({{today}}) as d, :who{{cut}} as w;\n"
    )
    q = queries.get_query("when_and_who", tmp_path)
    assert q.sql_for("sqlite") == "select (select date('now')) as d, :who as w"
    assert q.sql_for("postgresql") == "select (select current_date) as d, :who::text as w"
    assert q.params == ("who",)
    (tmp_path / "b.sql").write_text("-- name: later\n-- Soon.\nselect {{tomorrow}};\n")
    with pytest.raises(queries.QueryError, match="'later' uses fragment 'tomorrow', defined"):
        queries.load(tmp_path)


def test_the_weekly_numbers_and_the_searches_are_each_written_once():
    """What differs between the databases is a fragment, so a fix to a query lands once."""
    sql = "".join(p.read_text() for p in queries.QUERIES_DIR.glob("*.sql"))
    for name in [
        "weekly_kpis",
        "search_customers_by_code",
        "search_customers_by_wechat",
        "search_customers_by_name",
        "search_customers_by_mobile_start",
    ]:
        assert sql.count(f"-- name: {name}\n") == 1, name
        q = queries.get_query(name)
        assert q.sql_for("sqlite") != q.sql_for("postgresql")
        assert "{{" not in q.sql_for("sqlite") + q.sql_for("postgresql")
    search = queries.get_query("search_customers_by_name")
    assert search.sql_for("postgresql").count('collate "C"') == 4
    assert "collate" not in search.sql_for("sqlite")


def _independent_kpis(db, start: datetime, end: datetime) -> dict:
    """The weekly numbers computed in pandas from the raw tables, not from the query."""
    with db.read() as conn:
        orders = pd.DataFrame(
            conn.execute(
                sa.select(
                    s.orders.c.id, s.orders.c.customer_id, s.orders.c.ordered_at, s.orders.c.status
                ).where(s.orders.c.deleted_at.is_(None))
            )
            .mappings()
            .all()
        )
        lines = pd.DataFrame(
            conn.execute(
                sa.select(
                    s.order_lines.c.order_id,
                    s.order_lines.c.amount,
                    s.order_lines.c.unit_cost,
                    s.order_lines.c.quantity,
                )
            )
            .mappings()
            .all()
        )
    orders = orders[~orders["status"].isin(["cancelled", "refunded"])].copy()
    first_at = orders.groupby("customer_id")["ordered_at"].min()
    week = orders[(orders["ordered_at"] >= start) & (orders["ordered_at"] < end)]
    wl = lines[lines["order_id"].isin(week["id"])]
    costed = wl[wl["unit_cost"].notna()]
    revenue = sum(wl["amount"], Decimal("0.00"))
    costed_revenue = sum(costed["amount"], Decimal("0.00"))
    profit = costed_revenue - sum(
        (c * q for c, q in zip(costed["unit_cost"], costed["quantity"], strict=True)),
        Decimal("0.00"),
    )
    buyers = set(week["customer_id"])
    repeat = {c for c in buyers if first_at[c] < start}  # bought before the week
    return {
        "orders": len(week),
        "revenue": revenue,
        "customers": len(buyers),
        "new_customers": sum(1 for c in buyers if first_at[c] >= start),
        "repeat_customers": len(repeat),
        "aov": (revenue / len(week)).quantize(Decimal("0.01"), ROUND_HALF_UP),
        "costed_revenue": costed_revenue,
        "gross_profit": profit,
        "gross_margin": float(profit / costed_revenue),
    }


@pytest.mark.parametrize("weeks_back", [0, 1, 26])
def test_weekly_kpis_match_an_independent_pandas_computation(demo_db, weeks_back):
    start, end = week_bounds(
        REFERENCE_ANCHOR - timedelta(days=REFERENCE_ANCHOR.weekday() + 7 * weeks_back)
    )
    monday = REFERENCE_ANCHOR - timedelta(days=REFERENCE_ANCHOR.weekday() + 7 * weeks_back)
    got = queries.fetch_one(demo_db, "weekly_kpis", weeks=weeks_param([week_of(monday)]))
    assert got.pop("week") == str(week_of(monday))
    assert got.pop("starts_at") == start
    got.pop("cost")
    expected = _independent_kpis(demo_db, start, end)
    assert got["orders"] > 50 and got["repeat_customers"] > 0 and got["new_customers"] > 0
    assert got["gross_margin"] == pytest.approx(expected.pop("gross_margin"), rel=1e-9)
    assert {k: got[k] for k in expected} == expected


def test_customer_totals_agree_with_the_customers_orders(demo_db):
    buyer = queries.fetch_df(demo_db, "orders_of_week", start=LAST_WEEK[0], end=LAST_WEEK[1])[
        "customer_id"
    ].iloc[0]
    totals = queries.fetch_one(demo_db, "customer_totals", customer_id=int(buyer))
    orders = queries.fetch_df(demo_db, "customer_orders", customer_id=int(buyer))
    counted = orders[~orders["status"].isin(["cancelled", "refunded"])]
    assert totals["orders"] == len(counted)
    assert totals["revenue"] == sum(counted["goods_amount"], Decimal("0.00"))
    assert totals["last_order_at"] == counted["ordered_at"].max().to_pydatetime()
    assert queries.fetch_value(demo_db, "customer_totals", customer_id=int(buyer)) == len(counted)


def test_followups_due_filters_by_staff_and_date(demo_db):
    everyone = queries.fetch_df(demo_db, "followups_due", staff=None, until=LAST_WEEK[1])
    mine = queries.fetch_df(demo_db, "followups_due", staff="wang.fang", until=LAST_WEEK[1])
    assert 0 < len(mine) < len(everyone)
    assert set(mine["staff"]) == {"wang.fang"}
    assert (everyone["due_at"] <= pd.Timestamp(LAST_WEEK[1])).all()


def test_execute_writes_inside_the_callers_transaction(demo_db_url, tmp_path, monkeypatch):
    from salesops.db import Database

    (tmp_path / "w.sql").write_text(
        "-- name: rename_product\n-- Rename :sku to :name.\n"
        "update products set name = :name where sku = :sku;\n"
    )
    monkeypatch.setattr(queries, "QUERIES_DIR", tmp_path)  # as a deployment could point it
    db = Database(demo_db_url)
    with pytest.raises(RuntimeError), db.write() as conn:
        assert queries.execute(conn, "rename_product", sku="MZ-001", name="x") == 1
        raise RuntimeError("roll back")
    assert queries.execute(db, "rename_product", sku="MZ-001", name="面膜") == 1
    with db.read() as conn:
        assert (
            conn.execute(sa.select(s.products.c.name).where(s.products.c.sku == "MZ-001")).scalar()
            == "面膜"
        )
    db.dispose()
