"""The data functions the staff pages take: one `PageData` per page kernel.

Components never see an engine or SQL (STYLE.md): a page builds `PageData.from_env()` and
hands its bound methods to the widgets (`CustomerPicker(data.search)`). Every method goes
through a service (rules, versions, audit) or a named query (queries/*.sql), and every
write acts for `page_actor()`, asked afresh on each call so a change of role applies to
the next action without reloading the page.

Reads return plain dicts and lists (no pandas on the page's path: it costs a second of
import time on every page load, BENCHMARKS.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

from .. import config
from ..actors import Actor
from .aftersales import AfterSalesData
from .agents import AgentsData
from .community import CommunityData
from .groupbuy import GroupBuyData
from .privacy import PrivacyData
from .shipping import ShippingData
from .shop import ShopData

DEFAULT_ROLE = "staff"
SEARCH_LIMIT = 20


def page_actor(db=None) -> Actor:
    """Who the page acts for, asked afresh before every action: SALESOPS_USER (set by the
    server for this kernel) with their role.

    Signed in with an account (SALESOPS_AUTH=accounts, set by the server), the role is
    looked up in the users table each time, so a role change applies to the next action
    and a disabled account is refused at once (salesops.accounts.AccountRefused), even on
    a page that was already open. With the shared token, the role is the server's
    SALESOPS_ROLE (default `staff`, the least a signed-in person may do).
    """
    if os.environ.get("SALESOPS_AUTH") == "accounts":
        from ..accounts import actor_for
        from ..db import connect

        return actor_for(db or connect(), config.current_user())
    return Actor(config.current_user(), os.environ.get("SALESOPS_ROLE") or DEFAULT_ROLE)


def _with_courier_names(rows: list[dict]) -> list[dict]:
    """Order rows with `courier_name`, the courier as people read it (顺丰速运)."""
    from ..shipping.rules import courier_name

    return [{**r, "courier_name": courier_name(r.get("courier"))} for r in rows]


# What unit costs are, or reveal (a margin and a price give the cost): only for those who
# may see costs (products.costs, managers and admins), as salesops.products does.
COST_KEYS = frozenset(
    ("unit_cost", "goods_cost", "costed_goods", "costed_revenue", "cost", "gross_profit")
    + ("gross_margin", "margin")
)


def without_costs(row: dict) -> dict:
    """`row` (and its `lines`) without COST_KEYS."""
    kept = {k: v for k, v in row.items() if k not in COST_KEYS}
    if isinstance(row.get("lines"), list):
        kept["lines"] = [without_costs(line) for line in row["lines"]]
    return kept


def business_day(day=None) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of a business day (default today) in the business zone."""
    zone = config.business_zone()
    day = day or datetime.now(zone).date()
    start = datetime.combine(day, time.min, zone).astimezone(UTC)
    return start, start + timedelta(days=1)


class PageData(
    ShopData, ShippingData, PrivacyData, AgentsData, GroupBuyData, AfterSalesData, CommunityData
):
    """Search, customers, orders, follow-ups and today's numbers for one page kernel; the
    catalogue, channels, settings and accounts come from ShopData (salesops.web.shop), the
    address book and shipping from ShippingData (salesops.web.shipping), erasure and masked
    mobiles from PrivacyData (salesops.web.privacy), resellers from AgentsData
    (salesops.web.agents), group-buy lists from GroupBuyData (salesops.web.groupbuy);
    refunds, stock and the work queue from AfterSalesData (salesops.web.aftersales).

    Every read that carries customers' mobiles passes through `_contacts_shown` (from
    PrivacyData): masked for staff, whole for managers and admins (customers.contact);
    tests/test_masking.py fails when a method is added that is neither checked nor listed
    as giving none."""

    def __init__(self, db, actor=None):
        self.db = db
        # A function, so every action asks who is acting now (default: page_actor on db).
        self._actor = actor or (lambda: page_actor(db))

    @classmethod
    def from_env(cls) -> PageData:
        """The page kernel's data: the database in SALESOPS_DB_URL (set by the server), with
        the shop settings (business zone, money format) loaded for this kernel."""
        from ..db import connect
        from ..settings import load

        db = connect()
        load(db)
        return cls(db)

    @property
    def actor(self) -> Actor:
        """The person acting right now."""
        return self._actor()

    # -- reading -------------------------------------------------------------------------

    def _all(self, name: str, **params) -> list[dict]:
        """Rows of named query `name`."""
        from ..queries import fetch_all

        return fetch_all(self.db, name, **params)

    def search(self, text: str, limit: int = SEARCH_LIMIT, after: int | None = None) -> list[dict]:
        """Customers matching what was typed (name, mobile in any format, WeChat ID, code),
        best match first: dicts of id, code, name, mobile, wechat_id, region, is_agent;
        `after` (the id of the last row shown) gives the next page (salesops.search)."""
        from ..search import search_customers

        return self._contacts_shown(search_customers(self.db, text, limit=limit, after=after))

    def first_steps(self) -> list[dict]:
        """A new shop's checklist: [{key, done}] for products, channels, staff and data
        (salesops.first_steps); the landing page shows it to admins until all are done."""
        from ..first_steps import first_steps

        return first_steps(self.db)

    def customers_to_complete(self, text: str = "", limit: int = SEARCH_LIMIT) -> list[dict]:
        """Customers whose name is an import's placeholder (to_complete), those whose name,
        code or mobile starts with `text` (all for ''), by code: dicts as `search` gives."""
        rows = self._all("customers_to_complete", prefix=text.strip(), limit=limit)
        return self._contacts_shown(rows)

    def channels(self) -> list[dict]:
        """The channels to choose from: id, code, name, name_en."""
        return self._all("active_channels")

    def products(self) -> list[dict]:
        """The products on sale: id, sku, name, category, price, and unit_cost for those
        who may see costs (products.costs)."""
        rows = self._all("active_products")
        if not self.actor.can("products.costs"):
            rows = [{k: v for k, v in r.items() if k != "unit_cost"} for r in rows]
        return rows

    def customer(self, customer_id: int) -> dict | None:
        """One customer's profile (channel, referrer, parent agent by name, version)."""
        rows = self._all("customer_profile", customer_id=customer_id)
        return self._contacts_shown(rows[0]) if rows and rows[0]["deleted_at"] is None else None

    def customer_orders(self, customer_id: int) -> list[dict]:
        """The customer's orders, newest first, with their courier's name."""
        return _with_courier_names(self._all("customer_orders", customer_id=customer_id))

    def _costs_shown(self, row: dict) -> dict:
        """`row` as this person may see it: without costs and margins for staff."""
        return row if self.actor.can("products.costs") else without_costs(row)

    def customer_totals(self, customer_id: int) -> dict:
        """Lifetime orders, revenue, AOV, first/last order and (those who may see costs)
        margin of a customer."""
        return self._costs_shown(self._all("customer_totals", customer_id=customer_id)[0])

    def customer_referrals(self, customer_id: int) -> list[dict]:
        """Customers this one brought in, with what they bought."""
        return self._all("customer_referrals", customer_id=customer_id)

    def customer_followups(self, customer_id: int) -> list[dict]:
        """Follow-ups planned and done with this customer, newest first."""
        return self._contacts_shown(self._all("customer_followups", customer_id=customer_id))

    def customer_360(self, customer_id: int) -> dict | None:
        """Everything the 360 view shows, read in one transaction (one consistent snapshot):
        profile, totals, orders, follow-ups, referrals; None for no such live customer."""
        from ..queries import fetch_all

        with self.db.snapshot() as conn:
            profile = fetch_all(conn, "customer_profile", customer_id=customer_id)
            if not profile or profile[0]["deleted_at"] is not None:
                return None
            parts = {
                part: fetch_all(conn, f"customer_{part}", customer_id=customer_id)
                for part in ("orders", "followups", "referrals")
            }
            totals = fetch_all(conn, "customer_totals", customer_id=customer_id)[0]
        parts["orders"] = _with_courier_names(parts["orders"])
        view = {"profile": profile[0], **parts, "totals": self._costs_shown(totals)}
        return self._contacts_shown(view)

    def order(self, order_id: int) -> dict:
        """One order with its lines and status history, its ship-to as one line
        (`ship_to`) and its courier as people read it (`courier_name`)."""
        from ..address_book import one_line
        from ..orders import get_order
        from ..shipping.rules import courier_name

        order = self._costs_shown(get_order(self.db, order_id))
        return self._contacts_shown(
            {
                **order,
                "ship_to": one_line(order, "ship_"),
                "courier_name": courier_name(order["courier"]),
            }
        )

    # -- the services' rules, as the forms show them (a page never imports a service) ----

    def allowed_next(self, status: str) -> tuple[str, ...]:
        """The statuses an order in `status` may move to."""
        from ..order_rules import allowed_next

        return allowed_next(status)

    def order_transitions(self) -> dict[str, tuple[str, ...]]:
        """Every order status and the statuses it may move to (salesops.orders)."""
        from ..order_rules import TRANSITIONS

        return dict(TRANSITIONS)

    def statuses_needing_reason(self) -> tuple[str, ...]:
        """The statuses an order moves to only with a reason (cancelled, refunded)."""
        from ..order_rules import NEEDS_REASON

        return tuple(NEEDS_REASON)

    def price_lines(self, lines: Sequence[Mapping], discount="0", shipping="0") -> dict:
        """The order total of `lines` as the service will price them (the live form
        total): lines with amounts, goods_amount, discount, shipping, total;
        ValidationError for bad numbers."""
        from ..order_rules import price_lines

        return price_lines(lines, discount, shipping)

    def followup_kinds(self) -> tuple[str, ...]:
        """The kinds of contact a follow-up may be (call, wechat, ...)."""
        from ..followups import FOLLOWUP_KINDS

        return tuple(FOLLOWUP_KINDS)

    def record_kinds(self) -> tuple[str, ...]:
        """The kinds of record (tables) the audit log records, as the change log offers them."""
        from ..audit import RECORD_KINDS

        return tuple(RECORD_KINDS)

    def access_actions(self) -> tuple[str, ...]:
        """The audit actions that record a look at personal data (show_mobile, export...),
        which the change log offers as a filter of their own."""
        from ..audit import ACCESS_ACTIONS

        return tuple(ACCESS_ACTIONS)

    def followups_due(self, until: datetime | None = None, everyone: bool = True) -> list[dict]:
        """Open follow-ups due by `until` (default: end of today) that this person may see;
        with `everyone` False, only their own (staff only ever see their own)."""
        from ..followups import due

        actor = self.actor
        staff = None if everyone else actor.name
        rows = due(self.db, staff=staff, until=until or business_day()[1], actor=actor)
        return self._contacts_shown(rows)

    def find_orders(self, text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
        """Orders whose number is what was typed or ends with it ("123" finds SO00000123),
        or whose tracking number it is (spaces and case aside: "sf 1234..." finds SF1234...)."""
        import unicodedata

        term = unicodedata.normalize("NFKC", text or "").strip().upper()
        tracking = "".join(term.split())
        if not term:
            return []
        rows = self._all("find_orders", number=term, tracking=tracking, limit=limit)
        return self._contacts_shown(rows)

    def today(self) -> dict:
        """Today's numbers for the landing page: orders, revenue, follow-ups due."""
        from ..weeks import periods_param

        start, end = business_day()
        kpis = self._all("weekly_kpis", weeks=periods_param([("today", start, end)]))[0]
        return {
            "orders": kpis["orders"],
            "revenue": kpis["revenue"],
            "followups_due": len(self.followups_due(end)),
        }

    def weekly_figures(self, week: str | None = None, weeks: int = 12):
        """The weekly sheet's figures for ISO week `week` (YYYY-Www; default: the last
        complete week) and the `weeks` weeks ending with it; managers only (weekly.view)."""
        from ..weekly.collect import collect
        from ..weeks import parse_week

        self.actor.require("weekly.view")
        return collect(self.db, parse_week(week) if week else None, weeks)

    def weekly_workbook(self, figures) -> tuple[str, bytes]:
        """The workbook of `figures` as (file name, bytes): the file `salesops export
        weekly` writes, for the page's download; managers only (weekly.view)."""
        from ..weekly.export import workbook_bytes

        self.actor.require("weekly.view")
        return workbook_bytes(figures)

    def audit_changes(self, **filters):
        """A page of the audit log, newest first, filtered by table/row_id, person and
        first_day/last_day, `after` the previous page (salesops.audit.changes); managers
        and admins only (audit.view)."""
        from ..audit import changes

        return changes(self.db, self.actor, **filters)

    def audit_people(self) -> list[str]:
        """Everyone the audit log names (audit.view)."""
        from ..audit import people

        return people(self.db, self.actor)

    def customer_history(self, customer_id: int, after=None):
        """A page of the changes to a customer, its orders and follow-ups (audit.view)."""
        from ..audit import customer_history

        return customer_history(self.db, self.actor, customer_id, after=after)

    def order_history(self, order_id: int, after=None):
        """A page of the changes to one order (audit.view)."""
        return self.audit_changes(table="orders", row_id=order_id, after=after)

    # -- writing (each in one transaction with its audit rows, by the service) ----------

    def create_customer(self, data: Mapping) -> dict:
        """Add a customer; returns the stored row with its code."""
        from ..customers import create_customer

        return self._contacts_shown(create_customer(self.db, data, actor=self.actor))

    def update_customer(self, customer_id: int, changes: Mapping, version: int) -> dict:
        """Save edits made to the copy read at `version` (ConflictError if it moved on)."""
        from ..customers import update_customer

        return self._contacts_shown(
            update_customer(self.db, customer_id, changes, version, actor=self.actor)
        )

    def create_order(self, customer_id: int, lines: Sequence[Mapping], **options) -> dict:
        """Record an order (channel, discount, shipping, note as keywords); its number back."""
        from ..orders import create_order

        made = create_order(self.db, customer_id, lines, actor=self.actor, **options)
        return self._contacts_shown(self._costs_shown(made))

    def change_status(
        self, order_id: int, to_status: str, version: int, reason: str = "", **shipping
    ):
        """Move an order along an allowed transition (cancel/refund need a reason; shipped
        needs `courier=` and `tracking_no=`)."""
        from ..orders import change_status

        changed = change_status(
            self.db, order_id, to_status, version, reason=reason, actor=self.actor, **shipping
        )
        return self._contacts_shown(self._costs_shown(changed))

    def correct_shipment(self, order_id: int, courier, tracking_no, version: int) -> dict:
        """Correct the courier and tracking number of an order that went out."""
        from ..shipping.rules import correct_shipment

        corrected = correct_shipment(self.db, order_id, courier, tracking_no, version, self.actor)
        return self._contacts_shown(self._costs_shown(corrected))

    def courier_choices(self) -> list[tuple[str, str]]:
        """(name, code) of every courier, self pickup and local delivery, for a dropdown."""
        from ..shipping.rules import courier_choices

        return courier_choices()

    def couriers_without_number(self) -> tuple[str, ...]:
        """The courier codes that need no tracking number (self pickup, local delivery)."""
        from ..couriers import couriers, needs_number

        return tuple(c.code for c in couriers() if not needs_number(c))

    def log_contact(self, customer_id: int, **details) -> dict:
        """Record a contact that happened now (closing a planned one, planning the next)."""
        from ..followups import log_contact

        return log_contact(self.db, customer_id, actor=self.actor, **details)

    def schedule_followup(self, customer_id: int, due_at: datetime, **details) -> dict:
        """Plan a contact with a customer."""
        from ..followups import schedule

        return schedule(self.db, customer_id, due_at, actor=self.actor, **details)

    # -- importing and duplicates ----------------------------------------------------------

    def import_preview(self, kind: str, path):
        """The header mapping and first rows of an import file (salesops.importer)."""
        from ..importer import preview_file

        return preview_file(path, kind)

    def import_file(self, kind: str, path, dry_run: bool = True, **options):
        """Check (`dry_run`) or write an orders or customers file; an ImportReport. Staff may
        only check (import.dry_run); writing needs import.write, refused in the importer."""
        from ..importer import import_customers, import_orders

        run = {"orders": import_orders, "customers": import_customers}[kind]
        return run(self.db, path, actor=self.actor, dry_run=dry_run, **options)

    def duplicates(self) -> list[dict]:
        """Candidate pairs of the same person: dicts of a, b (customers) and evidence."""
        from ..duplicates import find_duplicates

        return self._contacts_shown([vars(c) for c in find_duplicates(self.db)])

    def merge_customers(self, keep_id: int, other_id: int, evidence: str = "") -> dict:
        """Merge customer `other_id` into `keep_id` (audited); the merge with its id."""
        from ..merge import merge_customers

        return merge_customers(self.db, keep_id, other_id, actor=self.actor, evidence=evidence)

    def unmerge(self, merge_id: int) -> dict:
        """Undo merge `merge_id` exactly (audited)."""
        from ..merge import unmerge

        return unmerge(self.db, merge_id, actor=self.actor)
