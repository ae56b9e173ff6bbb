"""A deterministic, realistic demo data set, streamed in chunks so it scales to millions.

`generate(db)` fills an empty database with customers (Chinese names, mobiles, WeChat IDs,
regions, referrals, a four-tier reseller tree), communities and their members, follow-ups,
products, 18 months of orders with lines, status history and order-shares (晒单). One
`random.Random(seed)` drives everything, so a seed gives the same rows on SQLite and
PostgreSQL. Rows go in with bulk inserts (COPY on PostgreSQL), bypassing the per-row
services for speed; ids are assigned here so children can point at parents without a
round trip, and PostgreSQL sequences are moved past them at the end.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .. import config
from .. import schema as s
from ..bulk import BulkWriter
from ..db import Database
from . import vocab as V
from .agents import add_agent_terms
from .orders import DAY, OrderMaker, _ts, _weighted

DEFAULT_SEED = 20151122
# The anchor tests and benchmarks pin the demo to, so their expected figures hold (a Sunday:
# the week ending on it is complete). Without one, the demo ends yesterday.
REFERENCE_ANCHOR = date(2026, 11, 22)
DEFAULT_CUSTOMERS = 2_000
DEFAULT_ORDERS = 15_000
ZONE = ZoneInfo("Asia/Shanghai")  # fixed, not config, so every machine makes the same rows
# Parents before children, so each flush satisfies the foreign keys.
STREAMED = [
    s.customers,
    s.communities,
    s.community_members,
    s.orders,
    s.order_lines,
    s.order_status_history,
    s.reviews,
    s.followups,
]


@dataclass
class DemoSummary:
    """What `generate` did: whether it loaded anything, and the row counts afterwards."""

    created: bool
    message: str
    counts: dict[str, int] = field(default_factory=dict)


def default_anchor(now: datetime | None = None) -> date:
    """Yesterday in the business zone: the demo's last day when none is given, so a shop
    made today has history up to today (and today's own orders are the ones people add)."""
    return (now or datetime.now(UTC)).astimezone(config.business_zone()).date() - timedelta(1)


def generate(
    db: Database,
    *,
    customers: int = DEFAULT_CUSTOMERS,
    orders: int = DEFAULT_ORDERS,
    seed: int = DEFAULT_SEED,
    anchor: date | None = None,
    months: int = 18,
    progress: bool = False,
) -> DemoSummary:
    """Fill an empty database with demo data ending on `anchor` (default: yesterday, see
    default_anchor); the same seed and anchor give the same rows. Does nothing (and says
    so) if customers exist."""
    anchor = anchor or default_anchor()
    with db.write() as conn:
        existing = conn.execute(sa.select(sa.func.count()).select_from(s.customers)).scalar()
        if existing:
            return DemoSummary(
                False,
                f"database already has {existing} customers: demo data not loaded",
                _counts(conn),
            )
        _Demo(conn, rng=random.Random(seed), anchor=anchor, months=months, progress=progress).run(
            customers, orders
        )
        return DemoSummary(
            True, f"demo data loaded (seed {seed}, ending {anchor.isoformat()})", _counts(conn)
        )


def _counts(conn: sa.Connection) -> dict[str, int]:
    """Row counts of every table the demo fills."""
    tables = [s.channels, s.staff_users, s.products, *STREAMED]
    return {
        t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in tables
    }


class _Demo(OrderMaker):
    """One generation run: reference data, then customers, then orders, in time order."""

    def __init__(self, conn, *, rng: random.Random, anchor: date, months: int, progress: bool):
        self.conn, self.rng, self.progress = conn, rng, progress
        # refunds (migration 0015) only when the database has them: the migration tests
        # also fill databases kept at older revisions
        self.refunds_on = sa.inspect(conn).has_table("order_refunds")
        self.out = BulkWriter(conn, STREAMED + ([s.order_refunds] if self.refunds_on else []))
        self.end = int(datetime.combine(anchor + timedelta(days=1), time(), ZONE).timestamp()) - 1
        self.first_day = anchor - timedelta(days=round(months * 30.44))
        self.start = int(datetime.combine(self.first_day, time(), ZONE).timestamp())
        self.channels: dict[str, int] = {}
        self.products: list[dict] = []
        # Agents' sales draw from their own generator (seeded from the main one's state
        # without advancing it), so every other demo row is what it was before they existed.
        self.seller_rng = random.Random(rng.getstate()[1][0])
        # A database at a revision before the agents' tables (a migration test) gets none.
        self.with_agents = sa.inspect(conn).has_table("agent_levels")

    def run(self, n_customers: int, n_orders: int) -> None:
        """Generate everything, flush, and leave counters and sequences after the last row."""
        self._reference_data()
        self._customers(max(n_customers, 8))
        self._communities_and_followups()
        self._orders(n_orders)
        self.out.flush()
        if self.with_agents:
            add_agent_terms(self.conn, self.agents, self.products, _ts(self.start - 60 * DAY))
        self._counters()

    def _bar(self, total: int, desc: str):
        """A tqdm bar when progress was asked for, else a no-op stand-in."""
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="row", disable=not self.progress)

    def _next_id(self, table: sa.Table) -> int:
        """The first free id of `table`."""
        return (self.conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1

    # -- reference data: staff, channels, products (added only when missing) --------------

    def _reference_data(self) -> None:
        """Staff users, channels and products, each inserted only if absent."""
        c, at = self.conn, _ts(self.start - 60 * DAY)
        self._insert_missing(
            s.staff_users.c.username,
            [
                dict(username=u, display_name=d, role=r, password_hash=None, created_at=at)
                for u, d, r in V.STAFF
            ],
        )
        self._insert_missing(
            s.channels.c.code, [dict(code=k, name=n, name_en=e) for k, n, e, _ in V.CHANNELS]
        )
        self.channels = dict(c.execute(sa.select(s.channels.c.code, s.channels.c.id)).all())
        self.channel_ids = [self.channels[k] for k, *_ in V.CHANNELS]
        self._insert_missing(
            s.products.c.sku,
            [
                dict(
                    sku=k,
                    name=n,
                    category=g,
                    price=Decimal(p),
                    unit_cost=None if u is None else Decimal(u),
                    created_at=at,
                )
                for k, n, g, p, u in V.PRODUCTS
            ],
        )
        skus = [p[0] for p in V.PRODUCTS]
        self._catalogue_extras(_ts(self.end))  # the stock counted on the last day
        p = s.products.c  # only what orders need: the demo also fills older revisions
        q = (
            sa.select(p.id, p.sku, p.name, p.price, p.unit_cost)
            .where(p.sku.in_(skus))
            .order_by(p.sku)
        )
        self.products = [dict(r._mapping) for r in c.execute(q)]
        self.popularity = [self.rng.paretovariate(1.5) for _ in self.products]

    def _catalogue_extras(self, at: datetime) -> None:
        """Aliases, reorder levels and a stock count at `at` for the demo's own products
        (those still without aliases), when the database has them (migration 0008): the
        migration tests also fill databases kept at older revisions."""
        from ..product_names import parse_aliases, term_key

        if not sa.inspect(self.conn).has_table("product_aliases"):
            return
        c, p = self.conn, s.products.c
        ids = dict(c.execute(sa.select(p.sku, p.id).where(p.sku.in_(V.PRODUCT_EXTRAS))).all())
        done = set(c.execute(sa.select(s.product_aliases.c.product_id)).scalars())
        aliases, counts = [], []
        for sku, (names, level, stock) in V.PRODUCT_EXTRAS.items():
            if sku not in ids or ids[sku] in done:
                continue
            pid = ids[sku]
            aliases += [
                dict(product_id=pid, alias=a, alias_key=term_key(a)) for a in parse_aliases(names)
            ]
            c.execute(
                sa.update(s.products)
                .where(p.id == pid)
                .values(reorder_level=level, stock_on_hand=stock)
            )
            if stock is not None:
                counts.append(
                    dict(
                        product_id=pid,
                        kind="counted",
                        quantity=stock,
                        counted=stock,
                        on_hand=stock,
                        reason="demo: first count",
                        at=at,
                        actor="li.lei",
                    )
                )
        for table, rows in ((s.product_aliases, aliases), (s.stock_movements, counts)):
            if rows:
                c.execute(table.insert(), rows)

    def _insert_missing(self, key: sa.Column, rows: list[dict]) -> None:
        """Insert the rows whose `key` value is not in the table yet."""
        have = set(self.conn.execute(sa.select(key)).scalars())
        rows = [r for r in rows if r[key.name] not in have]
        if rows:
            self.conn.execute(key.table.insert(), rows)

    # -- customers --------------------------------------------------------------------------

    def _customers(self, n: int) -> None:
        """Customers in joining order, so referrers and parent agents always come earlier."""
        rng, first = self.rng, self._next_id(s.customers)
        self.ids = range(first, first + n)
        self.joined, self.weights, self.is_agent = array("q"), array("d"), array("b")
        self.home, self.seller = array("i"), array("q")  # seller: the agent selling to them
        self.agents: list[tuple[int, int]] = []  # (id, tier)
        self.mobile_offset = rng.randrange(10**8)
        codes = [k for k, *_ in V.CHANNELS]
        shares = [w for *_, w in V.CHANNELS]
        with self._bar(n, "customers") as bar:
            for i, cid in enumerate(self.ids):
                self._customer(cid, i, n, _weighted(rng, codes, shares))
                bar.update()

    def _join_time(self, i: int, n: int) -> int:
        """Join times rise with the index: 15% before the window, then a growing business."""
        u = (i + self.rng.random()) / n
        pre = self.start - 180 * DAY
        if u < 0.15:
            return int(pre + (self.start - pre) * u / 0.15)
        return int(self.start + (self.end - DAY - self.start) * ((u - 0.15) / 0.85) ** 0.7)

    def _customer(self, cid: int, i: int, n: int, channel: str) -> None:
        """One customer row, and what the order phase needs to remember about it."""
        rng = self.rng
        joined = self._join_time(i, n)
        agent = i < 4 or rng.random() < 0.04
        staff = rng.choice(V.SALES_STAFF)
        family, pinyin, _ = _weighted(rng, V.FAMILY_NAMES, [w for *_, w in V.FAMILY_NAMES])
        name = family + "".join(rng.choices(V.GIVEN_CHARS, k=rng.choice((1, 2, 2))))
        wechat = None if rng.random() < 0.08 else self._wechat_id(cid, pinyin)
        province, cities, _ = _weighted(rng, V.REGIONS, [w for *_, w in V.REGIONS])
        at = _ts(joined)
        row = dict(
            id=cid,
            code=f"C{cid:06d}",
            name=name,
            mobile=self._mobile(cid),
            wechat_id=wechat,
            wechat_key=wechat and wechat.lower(),
            region=f"{province} {rng.choice(cities)}",
            channel_id=self.channels[channel],
            referrer_id=self._referrer(cid, i),
            is_agent=agent,
            parent_agent_id=self._parent_agent(cid, i, agent),
            tags=",".join(rng.sample(V.TAGS, rng.choice((0, 0, 1, 2)))),
            notes="",
            version=1,
            created_at=at,
            created_by=staff,
            updated_at=at,
            updated_by=staff,
            deleted_at=None,
        )
        self.out.add(s.customers, row)
        self.seller.append(0 if agent else self._their_agent(row["referrer_id"]))
        self.joined.append(joined)
        self.weights.append(
            0.0 if rng.random() < 0.22 else min(rng.paretovariate(1.3), 40.0) * (4 if agent else 1)
        )
        self.is_agent.append(agent)
        self.home.append(self.channels[channel])

    def _their_agent(self, referrer: int | None) -> int:
        """The agent who sells to a retail customer (0: none): most customers an agent
        referred, and a few others."""
        by_agent = referrer is not None and self.is_agent[referrer - self.ids[0]]
        if by_agent and self.seller_rng.random() < 0.8:
            return referrer
        if self.agents and self.seller_rng.random() < 0.06:
            return self.seller_rng.choice(self.agents)[0]
        return 0

    def _mobile(self, cid: int) -> str:
        """A valid mainland mobile, unique because its last 8 digits are a bijection of id."""
        tail = (cid * 7_654_321 + self.mobile_offset) % 10**8
        return f"{self.rng.choice(V.MOBILE_PREFIXES)}{tail:08d}"

    def _wechat_id(self, cid: int, pinyin: str) -> str:
        """nickname + pinyin + a number unique to the customer (6-20 characters)."""
        number = (cid * 7919 + self.mobile_offset) % 10**7
        wid = f"{self.rng.choice(V.WECHAT_WORDS)}{pinyin}{number}"
        return wid if len(wid) <= 20 else f"{pinyin}{number}"

    def _referrer(self, cid: int, i: int) -> int | None:
        """About one customer in five was referred by someone who joined before them."""
        if i == 0 or self.rng.random() >= 0.2:
            return None
        return self.ids[0] + int(i * self.rng.random() ** 0.5)

    def _parent_agent(self, cid: int, i: int, agent: bool) -> int | None:
        """Agents hang under an earlier agent of tier 1-3; the first four form a chain."""
        if not agent:
            return None
        if i < 4:
            parent, tier = (self.agents[-1][0], i + 1) if i else (None, 1)
        elif self.rng.random() < 0.3:
            parent, tier = None, 1
        else:
            # Recent agents recruit; a full window of tier-4 agents starts a new tier-1 branch.
            uppers = [a for a in self.agents[-200:] if a[1] < 4] or [(None, 0)]
            parent, ptier = self.rng.choice(uppers)
            tier = ptier + 1
        self.agents.append((cid, tier))
        return parent

    # -- communities, members, follow-ups -----------------------------------------------------

    def _communities_and_followups(self) -> None:
        """Communities owned by early customers; members and follow-ups for everyone."""
        rng, first = self.rng, self._next_id(s.communities)
        made = []
        for k, (name, channel) in enumerate(V.COMMUNITIES):
            owner = self.ids[min(k * 3, len(self.ids) - 1)]
            at = min(self.joined[owner - self.ids[0]] + rng.randrange(1, 30) * DAY, self.end)
            made.append((first + k, at))
            self.out.add(
                s.communities,
                dict(
                    id=first + k,
                    name=name,
                    owner_id=owner,
                    channel_id=self.channels[channel],
                    created_at=_ts(at),
                ),
            )
        self.followup_id = self._next_id(s.followups)
        for i, cid in enumerate(self.ids):
            # Prospects who never buy are the ones communities most often hold.
            if rng.random() < (0.45 if self.weights[i] == 0 else 0.25):
                for com, at in rng.sample(made, rng.choice((1, 1, 2))):
                    joined = max(at, self.joined[i]) + rng.randrange(DAY * 20)
                    self.out.add(
                        s.community_members,
                        dict(
                            community_id=com, customer_id=cid, joined_at=_ts(min(joined, self.end))
                        ),
                    )
            if rng.random() < 0.2:
                self._followups(cid, i)

    def _followups(self, cid: int, i: int) -> None:
        """One to three follow-ups: done in the past, overdue, or due in the next weeks."""
        rng = self.rng
        for _ in range(rng.choice((1, 1, 2, 3))):
            due = rng.randrange(self.joined[i] + DAY, self.end + 21 * DAY)
            created = min(max(due - rng.randrange(DAY, 7 * DAY), self.joined[i]), self.end)
            done = None
            if due < self.end and rng.random() < 0.8:
                done = max(created, due + rng.randrange(-DAY, DAY))
                done = done if done <= self.end else None
            kind = rng.choice(list(V.FOLLOWUP_NOTES))
            staff = rng.choice(V.SALES_STAFF)
            self.out.add(
                s.followups,
                dict(
                    id=self.followup_id,
                    customer_id=cid,
                    staff=staff,
                    kind=kind,
                    due_at=_ts(due),
                    done_at=done and _ts(done),
                    note=rng.choice(V.FOLLOWUP_NOTES[kind]),
                    outcome=rng.choice(V.OUTCOMES) if done else "",
                    version=1,
                    created_at=_ts(created),
                    created_by=staff,
                    updated_at=_ts(max(created, done or created)),
                    updated_by=staff,
                ),
            )
            self.followup_id += 1

    # -- counters and sequences -----------------------------------------------------------------

    def _counters(self) -> None:
        """Point the code counters past our rows, and PostgreSQL's id sequences past our ids."""
        c = s.counters.c
        for name, last in (("customer_code", self.ids[-1]), ("order_no", self.order_id - 1)):
            value = self.conn.execute(sa.select(c.value).where(c.name == name)).scalar()
            if value is None:
                self.conn.execute(s.counters.insert(), {"name": name, "value": last})
            elif value < last:
                self.conn.execute(s.counters.update().where(c.name == name).values(value=last))
        if self.conn.dialect.name == "postgresql":
            for table in self.out.tables:
                # Constant table names from schema.py, not input; memberships take their
                # ids from the sequence (and had none before migration 0017).
                if "id" in table.c and table is not s.community_members:
                    self.conn.execute(
                        sa.text(
                            f"select setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce(max(id), 1), max(id) is not null) from {table.name}"
                        )
                    )
