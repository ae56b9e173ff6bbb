"""The analyst API on a hand-made shop, each answer worked out by hand (SQLite and PostgreSQL)."""

import pandas as pd
import pytest
from analysis_shop import PRICE, buy, person

from salesops import analysis, orders

TEA, HONEY, GIFT = PRICE["TEA-01"], PRICE["HONEY-02"], PRICE["GIFT-03"]


def test_repeat_summary_counts_business_days_and_only_counted_orders(db, basics):
    a, b = person(db, basics, "A"), person(db, basics, "B")
    c = person(db, basics, "C")
    buy(db, a, "2024-03-01 10:00", {"TEA-01": 1})
    buy(db, a, "2024-03-01 20:00", {"HONEY-02": 1})  # same day: one transaction
    buy(db, a, "2024-03-02 00:30", {"GIFT-03": 1})  # still 1 March in UTC, 2 March here
    buy(db, a, "2024-03-15 12:00", {"TEA-01": 2})
    buy(db, a, "2024-03-20 12:00", {"TEA-01": 5}, status="cancelled")
    buy(db, a, "2024-04-10 09:00", {"HONEY-02": 2})  # holdout
    buy(db, b, "2024-03-29 09:00", {"TEA-01": 1})
    gone = buy(db, b, "2024-03-30 09:00", {"TEA-01": 1})
    orders.delete_order(db, gone["id"], 1)
    buy(db, c, "2024-04-05 09:00", {"TEA-01": 1})  # first buys after calibration: left out

    got = analysis.repeat_summary(db, "2024-03-31", observation_end="2024-04-30")

    assert list(got.index) == ["A", "B"]
    assert got.loc["A", "frequency"] == 2
    assert got.loc["A", "recency"] == pytest.approx(14 / 7)
    assert got.loc["A", "T"] == pytest.approx(30 / 7)
    assert got.loc["A", "monetary_value"] == pytest.approx((GIFT + 2 * TEA) / 2)
    assert got.loc["A", "frequency_holdout"] == 1
    assert got.loc["A", "monetary_value_holdout"] == pytest.approx(2 * HONEY)
    assert got.loc["B"].tolist() == pytest.approx([0, 0, 2 / 7, 0, 0, 0])


def test_weekly_channels_by_week_and_channel(db, basics):
    a = person(db, basics, "A")
    b = person(db, basics, "B", channel="micro_store")
    buy(db, a, "2024-03-04 10:00", {"TEA-01": 1})  # Monday of week 10
    buy(db, a, "2024-03-10 23:00", {"HONEY-02": 1, "GIFT-03": 1})  # Sunday, same week
    buy(db, b, "2024-03-11 00:10", {"TEA-01": 2})  # Monday of week 11 (Sunday in UTC)
    buy(db, a, "2024-03-12 10:00", {"TEA-01": 1}, channel="micro_store")

    got = analysis.weekly_channels(db, "2024-03-04", "2024-03-17").set_index(["week", "channel"])

    w10 = got.loc[(pd.Timestamp("2024-03-04"), "wechat_moments")]
    assert w10["revenue"] == pytest.approx(TEA + HONEY + GIFT)
    assert (w10["orders"], w10["customers"], w10["returning"]) == (2, 1, 1)
    assert w10["aov"] == pytest.approx((TEA + HONEY + GIFT) / 2)
    assert w10["gross_margin"] == pytest.approx((TEA + HONEY - 51.20 - 30.10) / (TEA + HONEY))
    w11 = got.loc[(pd.Timestamp("2024-03-11"), "micro_store")]
    assert (w11["orders"], w11["customers"], w11["returning"]) == (2, 2, 1)
    assert w11["repeat_rate"] == pytest.approx(0.5)
    assert len(got) == 2


def test_channel_funnel_from_contacts_to_second_purchase(db, basics):
    ids = [person(db, basics, f"W{i}") for i in range(3)]
    m = person(db, basics, "M", channel="micro_store")
    buy(db, ids[1], "2024-03-01 10:00", {"TEA-01": 1})
    buy(db, ids[2], "2024-03-01 10:00", {"TEA-01": 1})
    buy(db, ids[2], "2024-03-05 10:00", {"TEA-01": 1})
    buy(db, m, "2024-03-01 10:00", {"TEA-01": 1})
    buy(db, m, "2024-03-01 18:00", {"TEA-01": 1})  # same day: still one purchase day

    got = analysis.channel_funnel(db)

    assert got.loc[
        "wechat_moments", ["contacts", "first_purchase", "second_purchase"]
    ].tolist() == [3, 2, 1]
    assert got.loc["wechat_moments", "first_rate"] == pytest.approx(2 / 3)
    assert got.loc["wechat_moments", "second_rate"] == pytest.approx(1 / 2)
    assert got.loc["micro_store", ["contacts", "first_purchase", "second_purchase"]].tolist() == [
        1,
        1,
        0,
    ]


def test_repeat_rate_and_purchase_intervals_per_product(db, basics):
    a, b = person(db, basics, "A"), person(db, basics, "B")
    for day in ("2024-03-01", "2024-03-11", "2024-03-31"):
        buy(db, a, f"{day} 10:00", {"TEA-01": 1})
    buy(db, a, "2024-03-31 12:00", {"HONEY-02": 1})
    buy(db, b, "2024-03-05 10:00", {"TEA-01": 1})

    intervals = analysis.purchase_intervals(db)
    rate = analysis.repeat_rate(db)

    tea = intervals.loc["TEA-01"]
    assert (tea["buyers"], tea["repeat_buyers"], tea["intervals"]) == (2, 1, 2)
    assert (tea["median_days"], tea["mean_days"]) == (15, 15)
    assert intervals.loc["HONEY-02", "repeat_buyers"] == 0
    assert rate.loc["wechat_moments"].tolist() == [2, 1, 0.5]


def test_rfm_scores_and_segments(db, basics):
    # Five buyers, each better than the last on every measure except E (recent, one buy).
    plan = {
        "A": ["2024-01-01"],
        "B": ["2024-01-10", "2024-01-20"],
        "C": ["2024-02-01", "2024-02-10", "2024-03-20"],
        "D": ["2024-02-01", "2024-02-10", "2024-02-20", "2024-03-25"],
        "E": ["2024-03-30"],
    }
    for code, days in plan.items():
        cid = person(db, basics, code)
        for day in days:
            buy(db, cid, f"{day} 10:00", {"TEA-01": 1})

    got = analysis.rfm_scores(db, "2024-03-31")

    assert got["recency_days"].to_dict() == {"A": 90, "B": 71, "C": 11, "D": 6, "E": 1}
    assert got["R"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    # frequency 1,2,3,4,1: A and E tie at rank 1.5 of 5 -> ceil(5 x 0.3) = 2
    assert got["F"].to_dict() == {"A": 2, "B": 3, "C": 4, "D": 5, "E": 2}
    assert got["M"].to_dict() == got["F"].to_dict()  # one tea per purchase day
    assert got["segment"].to_dict() == {
        "A": "hibernating",
        "B": "at risk",
        "C": "loyal",
        "D": "champions",
        "E": "promising",
    }
    summary = analysis.segment_summary(got)
    assert summary.loc["champions", "revenue"] == pytest.approx(4 * TEA)
    assert summary["customers"].sum() == 5


def test_cohorts_by_first_channel_with_retention(db, basics):
    a, b = person(db, basics, "A"), person(db, basics, "B")
    c = person(db, basics, "C")
    buy(db, a, "2024-01-05 10:00", {"TEA-01": 1})
    buy(db, a, "2024-03-05 10:00", {"TEA-01": 1})
    buy(db, b, "2024-01-31 23:30", {"HONEY-02": 1}, channel="micro_store")  # Jan here
    buy(db, c, "2024-02-10 10:00", {"TEA-01": 1})
    buy(db, c, "2024-03-10 10:00", {"TEA-01": 1})

    overall = analysis.retention_matrix(analysis.cohorts(db))
    by_channel = analysis.cohorts(db, by="channel").set_index(["group", "cohort", "period"])

    assert overall.loc["2024-01"].tolist()[:3] == [
        1.0,
        pytest.approx(float("nan"), nan_ok=True),
        0.5,
    ]
    assert overall.loc["2024-02"].tolist()[:2] == [1.0, 1.0]
    assert by_channel.loc[("wechat_moments", "2024-01", 2), "active"] == 1
    assert by_channel.loc[("micro_store", "2024-01", 0), "customers"] == 1
    products = analysis.cohorts(db, by="product")
    assert set(products["group"]) == {"明前龙井 250g", "土蜂蜜 500g"}
    with pytest.raises(ValueError, match="by"):
        analysis.cohorts(db, by="region")


def test_referrals_top_referrers_and_viral_coefficient(db, basics):
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from salesops.schema import communities, community_members

    a = person(db, basics, "A")
    b = person(db, basics, "B", referrer_id=a)
    c = person(db, basics, "C", referrer_id=b)
    person(db, basics, "D", referrer_id=a)
    owner, e = person(db, basics, "O"), person(db, basics, "E")
    buy(db, b, "2024-03-01 10:00", {"TEA-01": 1})
    buy(db, c, "2024-03-02 10:00", {"HONEY-02": 1})
    now = datetime(2024, 1, 1, tzinfo=UTC)
    with db.write() as conn:
        gid = conn.execute(
            sa.insert(communities).values(name="茶友群", owner_id=owner, created_at=now)
        ).inserted_primary_key[0]
        conn.execute(
            sa.insert(community_members),
            [{"community_id": gid, "customer_id": m, "joined_at": now} for m in (owner, a, e)],
        )

    top = analysis.top_referrers(db)
    viral = analysis.viral_coefficient(db)
    monthly = analysis.referral_revenue(db)

    assert top.loc["A", ["referred", "referred_buyers", "depth"]].tolist() == [2, 1, 2]
    assert top.loc["A", "referred_revenue"] == pytest.approx(TEA)
    assert top.loc["B", "referred_revenue"] == pytest.approx(HONEY)
    assert list(top.index) == ["A", "B"]
    assert viral.loc["O", ["members", "referred", "referred_buyers"]].tolist() == [2, 2, 1]
    assert viral.loc["O", "viral_coefficient"] == pytest.approx(0.5)
    assert monthly.loc["2024-03", "referred_share"] == pytest.approx(1.0)
    assert analysis.referral_graph(db).number_of_edges() == 3


def test_agent_tree_tiers_stock_loading_and_pyramid_flags(db, basics):
    t1 = person(db, basics, "T1", is_agent=True)
    t2 = person(db, basics, "T2", is_agent=True, parent_agent_id=t1)
    t3 = person(db, basics, "T3", is_agent=True, parent_agent_id=t2)
    t4 = person(db, basics, "T4", is_agent=True, parent_agent_id=t3)
    retail = person(db, basics, "R", parent_agent_id=t1)
    buy(db, t2, "2024-03-01 10:00", {"TEA-01": 1})
    buy(db, t3, "2024-03-01 10:00", {"TEA-01": 10})  # stocks up: 1280 vs 68.50 below
    buy(db, t4, "2024-03-02 10:00", {"HONEY-02": 1})
    buy(db, retail, "2024-03-03 10:00", {"GIFT-03": 1})

    tree = analysis.agent_tree(db)

    assert list(tree.index) == ["T1", "T2", "T3", "T4"]
    assert tree["tier"].tolist() == [1, 2, 3, 4]
    assert tree["downline"].tolist() == [4, 2, 1, 0]
    assert tree["parent"].tolist()[1:] == ["T1", "T2", "T3"]
    assert tree.loc["T1", "downline_sales"] == pytest.approx(TEA + 10 * TEA + HONEY + GIFT)
    assert tree.loc["T2", "downline_sales"] == pytest.approx(10 * TEA + HONEY)
    assert tree["stock_loading"].tolist() == [False, False, True, False]
    assert tree["pyramid_risk"].tolist() == [False, False, True, True]
    assert analysis.tier_summary(tree).loc[3, "stock_loading"] == 1


def test_community_conversion_and_review_effect_on_referrals(db, basics):
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from salesops.schema import communities, community_members, reviews

    owner, a = person(db, basics, "O"), person(db, basics, "A")
    b, c = person(db, basics, "B"), person(db, basics, "C", referrer_id=a)
    joined = datetime(2024, 3, 1, tzinfo=UTC)
    with db.write() as conn:
        gid = conn.execute(
            sa.insert(communities).values(name="茶友群", owner_id=owner, created_at=joined)
        ).inserted_primary_key[0]
        conn.execute(
            sa.insert(community_members),
            [{"community_id": gid, "customer_id": m, "joined_at": joined} for m in (a, b)],
        )
    buy(db, b, "2024-02-20 10:00", {"TEA-01": 1})  # before joining: not the community's
    first = buy(db, a, "2024-03-05 10:00", {"TEA-01": 1})
    buy(db, c, "2024-03-01 10:00", {"GIFT-03": 1})  # 9 days before the review
    buy(db, c, "2024-03-12 10:00", {"HONEY-02": 1})  # 2 days after
    buy(db, c, "2024-05-01 10:00", {"TEA-01": 1})  # outside the 30-day window
    with db.write() as conn:
        conn.execute(
            sa.insert(reviews).values(
                customer_id=a, order_id=first["id"], posted_at=datetime(2024, 3, 10, 4, tzinfo=UTC)
            )
        )

    summary = analysis.community_summary(db)
    effect = analysis.review_effect(db, window_days=30)

    row = summary.loc["茶友群"]
    assert (row["owner"], row["members"], row["buyers"]) == ("O", 2, 1)
    assert row["conversion"] == pytest.approx(0.5)
    assert row["revenue_per_member"] == pytest.approx(TEA / 2)
    one = effect.iloc[0]
    assert (one["reviewer"], one["referrals"], one["orders_before"], one["orders_after"]) == (
        "A",
        1,
        1,
        1,
    )
    assert (one["revenue_before"], one["revenue_after"]) == pytest.approx((GIFT, HONEY))
    total = analysis.review_effect_summary(effect)
    assert total.loc[0, "revenue_change"] == pytest.approx(HONEY - GIFT)


def test_product_pairs_and_next_products_with_support_confidence_lift(db, basics):
    a, b = person(db, basics, "A"), person(db, basics, "B")
    buy(db, a, "2024-03-01 10:00", {"TEA-01": 1, "HONEY-02": 1})
    buy(db, a, "2024-03-08 10:00", {"TEA-01": 1})
    buy(db, b, "2024-03-01 10:00", {"HONEY-02": 1, "GIFT-03": 1})
    buy(db, b, "2024-03-09 10:00", {"TEA-01": 1, "HONEY-02": 2})

    pairs = analysis.product_pairs(db).set_index(["antecedent", "consequent"])
    nexts = analysis.next_products(db).set_index(["antecedent", "consequent"])

    # 4 baskets: TEA in 3, HONEY in 3, GIFT in 1; TEA+HONEY together in 2.
    th = pairs.loc[("TEA-01", "HONEY-02")]
    assert th["baskets"] == 2
    assert th[["support", "confidence", "lift"]].tolist() == pytest.approx([2 / 4, 2 / 3, 8 / 9])
    assert pairs.loc[("GIFT-03", "HONEY-02"), ["confidence", "lift"]].tolist() == pytest.approx(
        [1, 4 / 3]
    )
    assert len(pairs) == 4  # TEA+HONEY and HONEY+GIFT, both directions
    # 2 baskets with a next day: A {TEA, HONEY} -> {TEA}; B {HONEY, GIFT} -> {TEA, HONEY}.
    gh = nexts.loc[("GIFT-03", "HONEY-02")]
    assert gh[["support", "confidence", "lift"]].tolist() == pytest.approx([1 / 2, 1, 2])
    assert nexts.loc[
        ("HONEY-02", "TEA-01"), ["baskets", "confidence", "lift"]
    ].tolist() == pytest.approx([2, 1, 1])
    assert ("TEA-01", "TEA-01") not in nexts.index


def test_profit_drivers_split_the_change_exactly(db, basics):
    a, b = person(db, basics, "A"), person(db, basics, "B")
    buy(db, a, "2024-03-05 10:00", {"TEA-01": 1})  # last week: 1 customer, 1 order
    buy(db, a, "2024-03-12 10:00", {"TEA-01": 2})  # this week: 2 customers, 3 orders
    buy(db, a, "2024-03-13 10:00", {"HONEY-02": 1})
    buy(db, b, "2024-03-14 10:00", {"TEA-01": 1})

    got = analysis.profit_drivers(db, "2024-03-14").loc["wechat_moments"]

    m0 = (TEA - 51.20) / TEA
    revenue1, cost1 = 3 * TEA + HONEY, 3 * 51.20 + 30.10
    m1 = (revenue1 - cost1) / revenue1
    f1, a1 = 3 / 2, revenue1 / 3
    assert got["customers_effect"] == pytest.approx((2 - 1) * 1 * TEA * m0)
    assert got["orders_per_customer_effect"] == pytest.approx(2 * (f1 - 1) * TEA * m0)
    assert got["aov_effect"] == pytest.approx(2 * f1 * (a1 - TEA) * m0)
    assert got["margin_effect"] == pytest.approx(2 * f1 * a1 * (m1 - m0))
    assert got["change"] == pytest.approx(revenue1 - cost1 - (TEA - 51.20))
    assert got["driver"] == "customers"
