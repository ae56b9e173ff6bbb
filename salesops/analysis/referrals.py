"""Referrals (转介绍): who referred whom, the revenue it brings, viral coefficients."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from . import _common as c


def referral_graph(db, start=None, end=None) -> nx.DiGraph:
    """Graph referrer -> referred over active customers; nodes carry code, name, revenue."""
    people = c.customers(db)
    revenue = c.orders(db, start, end).groupby("customer_id")["revenue"].sum()
    graph = nx.DiGraph()
    for row in people.itertuples():
        graph.add_node(
            row.customer_id,
            code=row.code,
            name=row.name,
            revenue=float(revenue.get(row.customer_id, 0.0)),
        )
    links = people.dropna(subset=["referrer_id"])
    graph.add_edges_from(
        (int(r), int(c_))
        for r, c_ in zip(links["referrer_id"], links["customer_id"], strict=True)
        if int(r) in graph
    )
    return graph


def top_referrers(db, start=None, end=None, n: int | None = 20) -> pd.DataFrame:
    """Per referrer (index: code): name, referred, referred_buyers, referred_revenue, depth.

    referred = customers they brought in directly; referred_buyers and referred_revenue
    count those customers' counted orders in start..end; depth = longest referral chain
    below them. Most referred revenue first.
    """
    graph = referral_graph(db, start, end)
    rows = []
    for node in graph:
        children = list(graph.successors(node))
        if not children:
            continue
        revenue = [graph.nodes[ch]["revenue"] for ch in children]
        depth = max(nx.single_source_shortest_path_length(graph, node).values())
        rows.append(
            (
                graph.nodes[node]["code"],
                graph.nodes[node]["name"],
                len(children),
                sum(v > 0 for v in revenue),
                sum(revenue),
                depth,
            )
        )
    cols = ["code", "name", "referred", "referred_buyers", "referred_revenue", "depth"]
    out = pd.DataFrame(rows, columns=cols).set_index("code")
    out = out.sort_values(["referred_revenue", "referred"], ascending=False)
    return out.head(n) if n else out


def referral_revenue(db, start=None, end=None) -> pd.DataFrame:
    """Per business month: revenue, referred_revenue (buyers who were referred), referred_share."""
    orders = c.orders(db, start, end)
    people = c.customers(db).set_index("customer_id")
    orders["referred"] = orders["customer_id"].map(people["referrer_id"]).notna()
    orders["month"] = orders["day"].dt.to_period("M").astype(str)
    out = orders.groupby("month").agg(revenue=("revenue", "sum"))
    out["referred_revenue"] = orders[orders["referred"]].groupby("month")["revenue"].sum()
    out["referred_revenue"] = out["referred_revenue"].fillna(0.0)
    out["referred_share"] = out["referred_revenue"] / out["revenue"]
    return out


def viral_coefficient(db, start=None, end=None) -> pd.DataFrame:
    """Per community owner (index: code): members, referred, referred_buyers, viral_coefficient.

    members = distinct members of the owner's communities (the owner excluded); referred =
    customers a member referred; referred_buyers = those with a counted order in
    start..end; viral_coefficient = referred_buyers / members (new buyers each member
    brings; above 1 the community grows by itself).
    """
    groups = c.fetch(db, "analysis_community_members")
    groups = groups[groups["customer_id"] != groups["owner_id"]].dropna(subset=["owner_id"])
    people = c.customers(db)
    buyers = set(c.orders(db, start, end)["customer_id"])
    referred = people.dropna(subset=["referrer_id"])
    rows = []
    for owner, part in groups.groupby("owner_id"):
        members = set(part["customer_id"])
        brought = referred[referred["referrer_id"].isin(members)]["customer_id"]
        rows.append(
            (
                int(owner),
                part["community_id"].nunique(),
                len(members),
                len(brought),
                sum(b in buyers for b in brought),
            )
        )
    cols = ["owner_id", "communities", "members", "referred", "referred_buyers"]
    out = pd.DataFrame(rows, columns=cols)
    names = people.set_index("customer_id")
    out.insert(0, "name", out["owner_id"].map(names["name"]))
    out.index = pd.Index(out["owner_id"].map(names["code"]), name="code")
    out["viral_coefficient"] = out["referred_buyers"] / out["members"]
    return out.drop(columns="owner_id").sort_values("viral_coefficient", ascending=False)
