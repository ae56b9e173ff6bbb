"""The reseller (agent, 代理) tree: tiers, sales, stock loading and pyramid-selling risk."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from . import _common as c

PYRAMID_TIER = 3  # tiers this deep and deeper are flagged (金字塔拉人头 risk)
LOADING_RATIO = 3.0  # buying more than this many times what the downline buys


def agent_graph(db) -> nx.DiGraph:
    """Directed graph parent agent -> customer over the active customers."""
    people = c.customers(db)
    graph = nx.DiGraph()
    graph.add_nodes_from(people["customer_id"])
    links = people.dropna(subset=["parent_agent_id"])
    graph.add_edges_from(
        (int(p), int(ch))
        for p, ch in zip(links["parent_agent_id"], links["customer_id"], strict=True)
        if int(p) in graph
    )
    return graph


def _tiers(graph: nx.DiGraph) -> dict[int, int]:
    """Depth of each customer in the tree; a customer with no parent agent is tier 1."""
    tiers = {}
    for node in nx.topological_sort(graph):
        parents = list(graph.predecessors(node))
        tiers[node] = tiers[parents[0]] + 1 if parents else 1
    return tiers


def _downline_sums(graph: nx.DiGraph, own: dict[int, float]) -> dict[int, tuple[int, float]]:
    """For each customer: (people below them, revenue of everyone below them)."""
    below: dict[int, tuple[int, float]] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        kids = list(graph.successors(node))
        below[node] = (
            sum(1 + below[k][0] for k in kids),
            sum(own.get(k, 0.0) + below[k][1] for k in kids),
        )
    return below


def agent_tree(db, start=None, end=None, loading_ratio: float = LOADING_RATIO) -> pd.DataFrame:
    """One row per agent (index: code): name, parent, tier, direct, downline, own_purchases,
    downline_sales, stock_loading, pyramid_risk.

    own_purchases = the agent's counted orders in start..end; downline_sales = those of
    everyone below them; stock_loading = has a downline and buys more than `loading_ratio`
    times what it buys; pyramid_risk = tier >= 3 (the top agent is tier 1).
    """
    people = c.customers(db).set_index("customer_id")
    own = c.orders(db, start, end).groupby("customer_id")["revenue"].sum().to_dict()
    graph = agent_graph(db)
    tiers, below = _tiers(graph), _downline_sums(graph, own)
    agents = people[people["is_agent"]]
    out = pd.DataFrame(
        {
            "name": agents["name"],
            "parent": agents["parent_agent_id"].map(people["code"]),
            "tier": [tiers[i] for i in agents.index],
            "direct": [graph.out_degree(i) for i in agents.index],
            "downline": [below[i][0] for i in agents.index],
            "own_purchases": [own.get(i, 0.0) for i in agents.index],
            "downline_sales": [below[i][1] for i in agents.index],
        },
        index=agents.index,
    ).set_index(pd.Index(agents["code"], name="code"))
    out["stock_loading"] = (out["downline"] > 0) & (
        out["own_purchases"] > loading_ratio * out["downline_sales"]
    )
    out["pyramid_risk"] = out["tier"] >= PYRAMID_TIER
    return out.sort_values(["tier", "downline_sales"], ascending=[True, False])


def tier_summary(tree: pd.DataFrame) -> pd.DataFrame:
    """Per tier: agents, own purchases, downline sales, stock-loading and pyramid-risk counts."""
    return tree.groupby("tier").agg(
        agents=("name", "size"),
        own_purchases=("own_purchases", "sum"),
        downline_sales=("downline_sales", "sum"),
        stock_loading=("stock_loading", "sum"),
        pyramid_risk=("pyramid_risk", "sum"),
    )
