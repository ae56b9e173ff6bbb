"""On the order form: whose sale it is ("sold through agent X" or the shop) and the prices
the buyer pays by default (an agent buyer's level prices)."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops.messages import add

from .common import choose, hook, label, styled

add(
    {
        "en": {
            "sale.through": "Sold through",
            "sale.shop": "the shop (direct)",
            "sale.level": "Agent prices: {level}",
        },
        "zh_CN": {
            "sale.through": "销售方",
            "sale.shop": "店铺直销",
            "sale.level": "代理价：{level}",
        },
    }
)


class AgentSale(ipw.VBox):
    """Pick the agent an order is sold through (default: the buyer's own agent, if any)
    and hold the buyer's default prices.

    Data functions: `agents()` -> [{id, code, name}], `buyer_terms(customer_id)` ->
    {"agent_id": their agent or None, "level": level name or None, "prices": {product id:
    price}}. `value` is the chosen agent id (None: the shop); `prices` the buyer's prices.
    """

    customer_id = traitlets.Int(None, allow_none=True)
    value = traitlets.Int(None, allow_none=True)
    prices = traitlets.Dict()

    def __init__(self, agents, buyer_terms, **kwargs):
        self._terms = buyer_terms
        options = [(label("sale.shop"), None)]
        options += [(f"{a['code']} {a['name']}", a["id"]) for a in agents()]
        self.dropdown = styled(
            ipw.Dropdown(options=options, index=0, description=label("sale.through")),
            "order",
            "agent",
            width="300px",
        )
        self.level = hook(ipw.HTML(""), "order", "agent-level")
        self.dropdown.observe(self._on_pick, names="value")
        self.observe(self._on_customer, names="customer_id")
        super().__init__([ipw.HBox([self.dropdown, self.level])], **kwargs)

    def _on_pick(self, change):
        """The agent picked by hand."""
        self.value = change["new"]

    def _on_customer(self, change):
        """A new buyer: their agent as the seller, their level's prices as the default."""
        terms = self._terms(change["new"]) if change["new"] is not None else {}
        choose(self.dropdown, terms.get("agent_id"))
        self.value = self.dropdown.value
        level = terms.get("level")
        self.level.value = label("sale.level", level=level) if level else ""
        self.prices = {int(k): str(v) for k, v in (terms.get("prices") or {}).items()}

    def reset(self) -> None:
        """Back to the shop, no buyer."""
        choose(self.dropdown, None)
        self.value = None
        self.level.value = ""
        self.prices = {}
