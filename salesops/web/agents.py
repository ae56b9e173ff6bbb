"""What the order form and the Agents page may call about resellers: a part of PageData
(salesops.web.pagedata). Every method goes through salesops.agents, acting for the person
at the page; the services refuse what their role does not allow, and the statements and
checks are read by those who settle with agents only (managers and admins)."""

from __future__ import annotations

from collections.abc import Mapping


class AgentsData:
    """Agent levels, prices, commission rules, statements and checks (a mixin of PageData:
    needs `db` and `actor`)."""

    # -- the order form ---------------------------------------------------------------------

    def agents(self) -> list[dict]:
        """The live agents an order may be sold through: id, code, name, level."""
        from ..agents.sales import agent_list

        return agent_list(self.db)

    def buyer_terms(self, customer_id: int) -> dict:
        """A buyer's default seller (their agent), level and prices (salesops.agents.sales)."""
        from ..agents.sales import buyer_terms

        return buyer_terms(self.db, int(customer_id))

    # -- levels and prices ------------------------------------------------------------------

    def agent_levels(self) -> list[dict]:
        """The levels: id, name, discount_pct, rank, version, agents."""
        from ..agents.levels import levels

        return levels(self.db)

    def add_agent_level(self, name: str, discount_pct=None) -> dict:
        """Add a level (agents.edit)."""
        from ..agents.levels import create_level

        return create_level(self.db, {"name": name, "discount_pct": discount_pct}, self.actor)

    def update_agent_level(self, level_id: int, changes: Mapping, version: int) -> dict:
        """Rename a level or change its discount (agents.edit)."""
        from ..agents.levels import update_level

        return update_level(self.db, level_id, changes, version, self.actor)

    def agent_price_table(self) -> tuple[list[dict], list[dict]]:
        """(levels, rows): each product's retail and level prices (salesops.agents.levels)."""
        from ..agents.levels import price_table

        return price_table(self.db)

    def set_agent_price(self, level, sku, price) -> dict:
        """A level's own price for a product; blank clears it (agents.edit)."""
        from ..agents.levels import set_price

        return set_price(self.db, level, sku, price, self.actor)

    def set_agent_level(self, code: str, level) -> dict:
        """Put an agent at a level (agents.edit)."""
        from ..agents.levels import set_agent_level

        return set_agent_level(self.db, code, level, self.actor)

    def import_agent_prices(self, name: str, content: bytes, dry_run: bool = True) -> dict:
        """Check or import an uploaded price table (salesops.importer.agent_prices):
        {"ok", "written", "lines"} (the report's lines, problems first)."""
        import tempfile
        from pathlib import Path

        from ..importer.agent_prices import import_prices

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(name).name or "prices.csv")
            path.write_bytes(content)
            found = import_prices(self.db, path, actor=self.actor, dry_run=dry_run)
        return {"ok": found.ok, "written": found.written, "lines": found.lines()}

    # -- commission ---------------------------------------------------------------------------

    def commission_rules(self) -> list[dict]:
        """The active rules with their level names."""
        from ..agents.commission import rules

        return rules(self.db)

    def set_commission_rule(self, data: Mapping) -> dict:
        """Set a rule; forbidden ones are refused citing why (agents.edit)."""
        from ..agents.commission import set_rule

        return set_rule(self.db, data, self.actor)

    def remove_commission_rule(self, rule_id: int) -> None:
        """Stop a rule (agents.edit)."""
        from ..agents.commission import remove_rule

        remove_rule(self.db, rule_id, self.actor)

    def agent_statements(self, month: str) -> list[dict]:
        """The month's statements as dicts (agents.settle), each with `unpaid`, the agent's
        closed statements not yet paid."""
        from ..agents.statements import statements, unpaid

        self.actor.require("agents.settle")
        owed = unpaid(self.db)
        return [
            {**st.as_dict(), "unpaid": owed.get(st.agent_id)} for st in statements(self.db, month)
        ]

    def close_agent_month(self, month: str) -> int:
        """Close a month; returns how many statements were stored (agents.settle)."""
        from ..agents.statements import close_month

        return len(close_month(self.db, month, self.actor))

    def pay_agent_statement(self, statement_id: int, version: int) -> dict:
        """Mark a closed statement paid (agents.settle)."""
        from ..agents.statements import mark_paid

        return mark_paid(self.db, statement_id, version, self.actor)

    def agent_workbook(self, month: str) -> tuple[str, bytes]:
        """(file name, bytes) of the month's statements as Excel (agents.settle)."""
        from ..agents.workbook import statement_workbook

        self.actor.require("agents.settle")
        return statement_workbook(self.db, month)

    def agent_checks(self) -> list[dict]:
        """The compliance flags over the last 90 days (agents.settle)."""
        from ..agents.checks import compliance

        self.actor.require("agents.settle")
        return compliance(self.db)
