"""Turning a pasted group-buy list into orders: check, let a person fix, then write.

`check_list(db, text, ...)` reads the list against the catalogue, matches its buyers to
customers and says what each entry would become; `import_list(db, text, ...)` does the
same inside one write transaction and, when nothing is left for a person to settle,
writes every new entry as an order, all or nothing, under one `imports` row (kind
`group_buy`). Each written entry is kept in `group_buy_entries` by the list's key and
its number (salesops.groupbuy.store says what identifies a list), so the same list
pasted again creates nothing, and pasted after more people joined adds only the new
entries. An entry written before whose text changed since is left as it is and said so.

What a person settles (`Fix`, per entry number): the customer (an ambiguous buyer, or
one the list did not name), the product and quantity of an item the reader could not be
sure of, leaving an entry out, and "checked" for the other problems (a repeated product,
a second mobile, a cancellation...); list-wide problems need `checked_list`.

Buyers not found become new customers on confirm (named as the list names them, with the
mobile when written, the list's channel as their source), one per person however many
entries they have; every buyer joins the chosen community. Prices are the group prices
posted in the list (else the catalogue's), copied onto the lines; the entry's leftover
text (building, pickup point, wishes) is the order's note. Staff may do this: it is
order entry (`orders.edit`, `customers.edit`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from .. import messages
from ..actors import Actor, system_actor
from ..customers import insert_customer
from ..importer.common import finish_import
from ..orders import write_order
from ..schema import group_buy_entries, imports, now_utc
from . import store
from .buyers import match_buyers
from .catalog import Catalog
from .items import Item
from .problems import Problem, problem
from .reading import Entry, Reading, read_list

NEW = "new"  # Fix.customer: make a new customer of this buyer
BY_FIX = {  # problems a person settles by choosing, not by ticking "checked"
    "customer": {"ambiguous_buyer", "no_buyer"},
    "items": {"unknown_product", "ambiguous_product", "inactive_product", "fraction", "zero"},
}
messages.add(
    {
        "en": {
            "groupbuy.pick_product": "Entry {entry}: choose the product for '{word}'",
            "groupbuy.pick_quantity": "Entry {entry}: give the quantity of {name}",
            "groupbuy.unknown_customer": "Entry {entry}: no customer {code}",
            "groupbuy.changed": "Entry {entry} was written before as order {order_no} and has "
            "changed since; that order was left as it is",
            "groupbuy.summary": "{new} new orders, {present} already written, {skipped} left "
            "out, {problems} to settle; {customers} new customers",
            "groupbuy.written": "written in one transaction (import #{id}): {orders}",
            "groupbuy.not_written": "nothing was written: settle the problems first",
            "groupbuy.dry_run": "dry run: nothing was written",
            "groupbuy.nothing_new": "nothing new: every entry of this list is written already",
        },
        "zh_CN": {
            "groupbuy.pick_product": "第 {entry} 条：请为 '{word}' 选择商品",
            "groupbuy.pick_quantity": "第 {entry} 条：请填写 {name} 的数量",
            "groupbuy.unknown_customer": "第 {entry} 条：没有客户 {code}",
            "groupbuy.changed": "第 {entry} 条已写入为订单 {order_no}，之后又被修改；该订单未改动",
            "groupbuy.summary": "新订单 {new} 个，已写入 {present} 个，不导入 {skipped} 个，"
            "待处理 {problems} 个；新客户 {customers} 个",
            "groupbuy.written": "已在一个事务中写入（导入 #{id}）：{orders}",
            "groupbuy.not_written": "未写入任何数据：请先处理问题",
            "groupbuy.dry_run": "试运行：未写入任何数据",
            "groupbuy.nothing_new": "没有新内容：此接龙的条目都已写入",
        },
    }
)


@dataclass
class Fix:
    """What a person decided for one entry."""

    customer: str | None = None  # a customer code, or NEW
    products: dict[int, str] = field(default_factory=dict)  # item index -> sku; "" drops it
    quantities: dict[int, int] = field(default_factory=dict)  # item index -> quantity
    skip: bool = False
    checked: bool = False  # the other problems were looked at


@dataclass
class Row:
    """One entry as it would be written: `state` new, present, skipped or problem."""

    entry: Entry
    seq: int
    state: str
    items: list[Item]
    customer: dict | None = None  # the matched or chosen customer (code, name, ...)
    problems: list[Problem] = field(default_factory=list)  # what is left to settle
    notices: list[Problem] = field(default_factory=list)
    order_no: str | None = None  # present: the order written before; new: after writing
    candidates: list[dict] = field(default_factory=list)  # an ambiguous buyer's customers
    needs: dict = field(default_factory=dict)  # what a person may settle (see _needs)
    person: str = ""  # a new customer's key within the list (see _people)

    def as_dict(self, lang: str | None = None) -> dict:
        """The row for a page: the entry, buyer -> customer, items with amounts, state."""
        e = self.entry
        return {
            "entry": e.number,
            "seq": self.seq,
            "state": self.state,
            "buyer": e.buyer,
            "mobile": e.mobile,
            "customer": self.customer["code"] if self.customer else None,
            "customer_name": self.customer["name"] if self.customer else None,
            "candidates": self.candidates,
            "items": [_item_dict(i, item) for i, item in enumerate(self.items)],
            "note": e.note,
            "problems": [p.text(lang) for p in self.problems],
            "notices": [p.text(lang) for p in self.notices],
            "order_no": self.order_no,
            "needs": self.needs,
        }


@dataclass
class GroupBuy:
    """A checked (and perhaps written) list."""

    reading: Reading
    rows: list[Row]
    key: str
    community: str | None
    channel: dict
    problems: list[Problem]  # list-wide problems still to settle
    new_customers: list[str] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        """Nothing left for a person to settle."""
        return not self.problems and all(r.state != "problem" for r in self.rows)

    def count(self, state: str) -> int:
        """How many rows are in `state`."""
        return sum(1 for r in self.rows if r.state == state)

    def to_json(self, lang: str | None = None, indent: int | None = None) -> str:
        """What was read, in the shape of issue 18 (`import group-buy --json`)."""
        return self.reading.to_json(lang, indent)

    def as_dict(self, lang: str | None = None) -> dict:
        """The whole check for a page."""
        return {
            "rows": [r.as_dict(lang) for r in self.rows],
            "problems": [p.text(lang) for p in self.problems],
            "ignored_lines": self.reading.ignored_lines,
            "community": self.community,
            "channel": self.channel["name"],
            "ok": self.ok,
            "written": self.written,
            "import_id": self.import_id,
            "summary": self.summary(lang),
        }

    def summary(self, lang: str | None = None) -> str:
        """One line of counts."""
        return messages.t(
            "groupbuy.summary",
            lang,
            new=self.count("new"),
            present=self.count("present"),
            skipped=self.count("skipped"),
            problems=self.count("problem"),
            customers=len(self.new_customers),
        )

    def lines(self, lang: str | None = None) -> list[str]:
        """The report the CLI prints: each entry, the problems, the outcome."""
        out = []
        for row in self.rows:
            who = row.customer["code"] if row.customer else messages.t("groupbuy.new_word", lang)
            goods = "、".join(f"{i.sku or i.name}×{i.quantity or '?'}" for i in row.items)
            out.append(f"{row.entry.number}. {row.entry.buyer} → {who}: {goods} [{row.state}]")
            out += [f"   ! {p.text(lang)}" for p in row.problems]
            out += [f"   - {p.text(lang)}" for p in row.notices]
        out += [f"! {p.text(lang)}" for p in self.problems]
        out.append(self.summary(lang))
        if self.written:
            orders = ", ".join(r.order_no for r in self.rows if r.state == "new")
            out.append(messages.t("groupbuy.written", lang, id=self.import_id, orders=orders))
        elif not self.ok:
            out.append(messages.t("groupbuy.not_written", lang))
        elif not self.count("new"):
            out.append(messages.t("groupbuy.nothing_new", lang))
        elif self.dry_run:
            out.append(messages.t("groupbuy.dry_run", lang))
        return out


messages.add({"en": {"groupbuy.new_word": "new"}, "zh_CN": {"groupbuy.new_word": "新客户"}})


def check_list(db, text: str, **options) -> GroupBuy:
    """What `import_list` would do, without writing (see the module docstring)."""
    return import_list(db, text, dry_run=True, **options)


def import_list(
    db,
    text: str,
    *,
    community: str | None = None,
    channel=None,
    fixes: dict[int, Fix] | None = None,
    checked_list: bool = False,
    dry_run: bool = False,
    source: str = "接龙",
    actor: Actor | None = None,
) -> GroupBuy:
    """Check the list and, unless `dry_run` or something is left to settle, write its new
    entries as orders in one transaction. `fixes` by entry number (a Fix for entry 3
    applies to every entry numbered 3)."""
    actor = actor or system_actor()
    actor.require("orders.edit")
    if not dry_run:
        actor.require("customers.edit")
    with db.read() if dry_run else db.write() as conn:
        job = _check(conn, text, community, channel, fixes or {}, checked_list)
        job.dry_run = dry_run
        if not dry_run and job.ok and job.count("new"):
            _write(conn, job, text, source, actor)
    return job


def _check(conn, text, community, channel, fixes, checked_list) -> GroupBuy:
    """Read, match and settle the list on `conn`."""
    group = store.community(conn, community)
    ch = store.channel(conn, channel, group)
    catalog = Catalog.of(store.catalog(conn))
    find = store.finder(conn)
    reading = match_buyers(read_list(text, catalog), find)
    key = store.list_key(text, reading, group)
    before = store.written_entries(conn, key)
    picked = [f.customer for f in fixes.values() if f.customer and f.customer != NEW]
    asked = [c for e in reading.entries for p in e.problems for c in _candidates(p)]
    known = store.customers_by_code(conn, [e.customer for e in reading.entries] + picked + asked)
    seen: dict[int, int] = {}
    rows = []
    for entry in reading.entries:
        seen[entry.number] = seq = seen.get(entry.number, 0) + 1
        fix = fixes.get(entry.number, Fix())
        rows.append(
            _row(
                entry,
                seq,
                fix,
                before.get((entry.number, seq)),
                text,
                known,
                catalog,
                reading,
                find,
            )
        )
    problems = [] if checked_list else list(reading.problems)
    job = GroupBuy(reading, rows, key, group["name"] if group else None, ch, problems)
    job.new_customers = sorted(_people([r for r in rows if r.state == "new" and not r.customer]))
    return job


def _row(entry, seq, fix, before, text, known, catalog, reading, find) -> Row:
    """One entry with its fix applied and what is left to settle."""
    if before is not None:
        row = Row(
            entry,
            seq,
            "present",
            entry.items,
            known.get(entry.customer),
            order_no=before["order_no"],
        )
        if before["entry_digest"] != store.entry_digest(store.entry_text(text, entry)):
            row.notices.append(problem("changed", entry=entry.number, order_no=before["order_no"]))
        return row
    items, left = _items(entry, fix, catalog, reading)
    customer, who_left, candidates = _customer(entry, fix, known, find)
    row = Row(
        entry, seq, "new", items, customer, candidates=candidates, needs=_needs(entry, catalog)
    )
    if fix.skip:
        row.state = "skipped"
        return row
    for p in entry.problems:
        if p.key in BY_FIX["customer"]:
            row.problems += [p] if who_left else []
        elif p.key in BY_FIX["items"]:
            row.problems += [p] if left else []
        elif p.key == "no_items":
            row.problems += [] if items else [p]
        elif not fix.checked:
            row.problems.append(p)
    if not any(p.key in BY_FIX["items"] for p in row.problems):
        row.problems += left
    if not items and not any(p.key == "no_items" for p in row.problems):
        row.problems.append(problem("no_items", entry=entry.number))
    if who_left and not any(p.key in BY_FIX["customer"] for p in row.problems):
        row.problems.append(who_left)
    row.state = "problem" if row.problems else "new"
    return row


def _needs(entry: Entry, catalog: Catalog) -> dict:
    """What the list leaves a person to settle in an entry, whatever was fixed already:
    the customer, the product of some items (by index), their quantity, and whether
    other problems need a look ("checked")."""
    active = {p.sku for p in catalog.products if p.active}
    keys = {p.key for p in entry.problems}
    return {
        "customer": bool(keys & BY_FIX["customer"]),
        "products": [i for i, item in enumerate(entry.items) if item.sku not in active],
        "quantities": [i for i, item in enumerate(entry.items) if item.quantity is None],
        "check": bool(keys - BY_FIX["customer"] - BY_FIX["items"] - {"no_items"}),
        "problems": bool(entry.problems),
    }


def _items(entry: Entry, fix: Fix, catalog: Catalog, reading: Reading):
    """The entry's items with the person's choices, and the item problems left."""
    by_sku = {p.sku: p for p in catalog.products}
    items, left = [], []
    for i, item in enumerate(entry.items):
        sku = fix.products.get(i, item.sku)
        if sku == "":
            continue
        if sku != item.sku and sku in by_sku:
            p = by_sku[sku]
            price = reading.prices[sku].price if sku in reading.prices else p.price
            item = replace(item, sku=sku, name=p.name, unit_price=price)
        if i in fix.quantities:
            item = replace(item, quantity=fix.quantities[i])
        product = by_sku.get(item.sku)
        if product is None or not product.active:
            left.append(problem("pick_product", entry=entry.number, word=item.written or item.name))
        elif item.quantity is None or item.quantity < 1:
            left.append(problem("pick_quantity", entry=entry.number, name=item.name))
        items.append(item)
    return items, left


def _customer(entry: Entry, fix: Fix, known: dict, find):
    """(customer or None for a new one, the problem left or None, the candidates)."""
    candidates = []
    ambiguous = next((p for p in entry.problems if p.key == "ambiguous_buyer"), None)
    if ambiguous:
        candidates = [known.get(c) or {"code": c, "name": ""} for c in _candidates(ambiguous)]
    if fix.customer == NEW:
        nameless = not entry.buyer.strip() and not entry.mobile
        return None, problem("no_buyer", entry=entry.number) if nameless else None, candidates
    if fix.customer:
        if fix.customer not in known:
            return (
                None,
                problem("unknown_customer", entry=entry.number, code=fix.customer),
                candidates,
            )
        return known[fix.customer], None, candidates
    if ambiguous:
        return None, ambiguous, candidates
    if entry.customer:
        return known.get(entry.customer), None, candidates
    if not entry.buyer.strip() and not entry.mobile:
        return None, problem("no_buyer", entry=entry.number), candidates
    return None, None, candidates


def _candidates(p: Problem) -> list[str]:
    """The customer codes an ambiguous buyer could be."""
    return p.params["codes"].split("、") if p.key == "ambiguous_buyer" else []


def _people(rows: list[Row]) -> set[str]:
    """Tell who the new customers are within one list, setting each row's `person`: its
    mobile; without one, the mobile of an earlier or later entry with the same name, else
    the name as written (case aside). Returns the people."""
    mobiles: dict[str, str] = {}
    for row in rows:
        if row.entry.mobile:
            mobiles.setdefault(row.entry.buyer.strip().casefold(), row.entry.mobile)
    for row in rows:
        name = row.entry.buyer.strip().casefold()
        row.person = row.entry.mobile or mobiles.get(name) or f"name:{name}"
    return {row.person for row in rows}


def _item_dict(index: int, item: Item) -> dict:
    """An item for a page: its index, sku, name, what was written, quantity, price, amount."""
    price = None if item.unit_price is None else f"{item.unit_price:.2f}"
    amount = None if item.amount is None else f"{item.amount:.2f}"
    return {
        "index": index,
        "sku": item.sku,
        "name": item.name,
        "written": item.written,
        "quantity": item.quantity,
        "unit_price": price,
        "amount": amount,
        "candidates": list(item.candidates),
    }


def _write(conn, job: GroupBuy, text: str, source: str, actor: Actor) -> None:
    """Every new row as an order, its buyer made a customer if new, on `conn`."""
    now = now_utc()
    job.import_id = conn.execute(
        sa.insert(imports).values(
            kind="group_buy",
            file_name=source[:255],
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            at=now,
            actor=actor.name,
            summary="",
        )
    ).inserted_primary_key[0]
    group = store.community(conn, job.community)
    made: dict[str, dict] = {}
    joined = 0
    for row in (r for r in job.rows if r.state == "new"):
        if row.customer is None:
            person = row.person
            if person not in made:
                mobile = None if person.startswith("name:") else person
                values = store.new_customer_values(row.entry.buyer, mobile, job.channel["id"])
                made[person] = insert_customer(conn, values, actor)
            row.customer = made[person]
        if group:
            joined += store.join_community(conn, group, row.customer["id"], actor)
        lines = [
            {"sku": i.sku, "quantity": i.quantity, "unit_price": i.unit_price} for i in row.items
        ]
        order = write_order(
            conn,
            row.customer["id"],
            lines,
            channel=job.channel["id"],
            note=row.entry.note,
            actor=actor,
        )
        row.order_no = order["order_no"]
        conn.execute(
            sa.insert(group_buy_entries).values(
                list_key=job.key,
                entry=row.entry.number,
                seq=row.seq,
                entry_digest=store.entry_digest(store.entry_text(text, row.entry)),
                order_id=order["id"],
                import_id=job.import_id,
                created_at=now,
            )
        )
    job.new_customers = [c["code"] for c in made.values()]
    summary = {
        "orders_created": job.count("new"),
        "orders_present": job.count("present"),
        "entries_left_out": job.count("skipped"),
        "customers_created": len(made),
        "community_joined": joined,
        "community": job.community,
        "channel": job.channel["code"],
        "list_key": job.key,
    }
    finish_import(conn, job.import_id, actor.name, summary)
    job.written = True
