"""The compliance checks: tier >= 3, stock-loading, income mostly from the downline and
recruitment bursts, each with its evidence, the rule it approximates and the note that it
is a prompt to look; on both databases from an empty one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agentshop import build
from conftest import LI

from salesops import customers, orders
from salesops.agents import checks, commission


def recent(days_ago: int = 3) -> datetime:
    return datetime.now(UTC) - timedelta(days=days_ago)


def test_a_clean_network_raises_no_flag(db):
    ids = build(db)
    orders.create_order(
        db, ids["甲客"], [{"product_id": ids["tea"], "quantity": 2}], agent=ids["甲"], status="paid"
    )
    assert checks.compliance(db) == []


def test_each_check_flags_with_evidence_rule_and_a_prompt_to_look(db):
    ids = build(db)
    commission.set_rule(db, {"basis": "own_sales", "kind": "rate", "value": "5"}, actor=LI)
    commission.set_rule(db, {"basis": "downline_sales", "kind": "rate", "value": "5"}, actor=LI)
    channel = customers.get_customer(db, ids["甲"])["channel_id"]
    recruits = [
        customers.create_customer(
            db,
            {
                "name": f"新代理{i}",
                "mobile": f"1370000000{i}",
                "is_agent": True,
                "parent_agent_id": ids["乙" if i == 0 else "甲"],
                "channel_id": channel,
            },
        )
        for i in range(6)
    ]
    tea = [{"product_id": ids["tea"], "quantity": 20}]
    orders.create_order(db, ids["甲"], tea, status="paid", ordered_at=recent())  # 20 x 80.00
    orders.create_order(db, ids["乙客"], tea, agent=ids["乙"], status="paid", ordered_at=recent())
    orders.create_order(  # an old purchase, outside the 90 days: not counted
        db, ids["乙"], tea, status="paid", ordered_at=recent(200)
    )
    flags = checks.compliance(db)
    found = {(f["code"], f["check"]): f for f in flags}
    deep = found[(recruits[0]["code"], "deep_tier")]
    assert deep["evidence"] == f"tier 3: C000001 → C000002 → {recruits[0]['code']}"
    loading = found[("C000001", "stock_loading")]
    assert "bought ¥1,600.00, sold ¥0.00 to end customers (no sales" in loading["evidence"]
    income = found[("C000001", "downline_income")]
    assert "override ¥128.00 > own-sales commission ¥0.00" in income["evidence"]
    burst = found[("C000001", "recruitment_burst")]
    assert burst["evidence"].startswith("6 new agents ")  # 乙 and five of the recruits
    assert burst["evidence"].endswith(", ".join(["C000002"] + [r["code"] for r in recruits[1:]]))
    assert ("C000002", "stock_loading") not in found
    for f in flags:
        assert "禁止传销条例" in f["rule"] and "not a legal finding" in f["note"]
    assert {f["check"] for f in flags} == {
        "deep_tier",
        "stock_loading",
        "downline_income",
        "recruitment_burst",
    }
    assert checks.compliance(db, until=recent(30)) == [
        f for f in checks.compliance(db, until=recent(30)) if f["check"] == "deep_tier"
    ]


def test_the_weekly_sheets_referrals_and_agents_page_lists_the_flags(db, tmp_path):
    from salesops.weekly.export import export_weekly
    from salesops.weeks import week_of

    ids = build(db)
    channel = customers.get_customer(db, ids["甲"])["channel_id"]
    deep = customers.create_customer(
        db,
        {"name": "=丙", "mobile": "13700000009", "is_agent": True, "parent_agent_id": ids["乙"]},
    )
    assert channel
    path = export_weekly(db, week_of(datetime.now(UTC)), 2, tmp_path / "w.xlsx")
    import openpyxl

    ws = openpyxl.load_workbook(path)["Referrals & agents"]
    assert ws["Q1"].value == "agent 代理编号"
    assert "not a legal finding" in ws["S1"].value
    rows = [[c.value for c in r][16:21] for r in ws.iter_rows(min_row=2) if r[16].value]
    assert rows == [
        [
            deep["code"],
            "=丙",
            "tier ≥ 3 三级及以上",
            f"tier 3: C000001 → C000002 → {deep['code']}",
            checks.RULES["deep_tier"],
        ]
    ]
    assert ws.cell(2, 18).quotePrefix  # a name like a formula stays text
