"""The order half of the demo data: 18 months of orders, lines, status history, 晒单.

A mixin of salesops.demo's generator (it shares the generator's random stream, writer and
customer arrays): orders are made day by day in time order, so order numbers follow time,
and each goes to a customer who had joined by then, chosen by a heavy-tailed propensity.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from .. import schema as s
from . import vocab as V

CENT = Decimal("0.01")
DAY = 86_400
# Orders per hour of the Shanghai day, 8:00-23:59: busiest in the evening, after work.
HOUR_WEIGHTS = dict(
    zip(range(8, 24), [1, 2, 3, 3, 4, 3, 3, 3, 3, 4, 5, 7, 9, 10, 8, 3], strict=True)
)


def _ts(seconds: int) -> datetime:
    """An aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(seconds, UTC)


def _weighted(rng: random.Random, items: list, weights: list):
    """One item chosen with the given weights."""
    return rng.choices(items, weights)[0]


class OrderMaker:
    """Order generation for salesops.demo.generator._Demo.

    Uses the generator's rng, out (a BulkWriter), start/end/first_day, channel_ids,
    products/popularity, and the per-customer arrays ids, joined, weights, home, is_agent.
    """

    def _orders(self, n: int) -> None:
        """Orders day by day (so order numbers follow time), each to an already-joined buyer."""
        self.cum = array("d", accumulate(self.weights))
        self.order_id = self._next_id(s.orders)
        self.line_id, self.history_id = (
            self._next_id(s.order_lines),
            self._next_id(s.order_status_history),
        )
        self.review_id = self._next_id(s.reviews)
        if self.refunds_on:  # its own random stream: the rest of the demo stays as it was
            self.refund_id, self.refund_rng = self._next_id(s.order_refunds), random.Random(7)
        days = (self.end - self.start + 1) // DAY
        weights = [self._day_weight(d, days) for d in range(days)]
        total, running, placed = sum(weights), 0.0, 0
        with self._bar(n, "orders") as bar:
            for d, w in enumerate(weights):
                running += w
                count = round(n * running / total) - placed
                for t in sorted(self._order_time(d) for _ in range(count)):
                    self._order(t)
                placed += count
                bar.update(count)

    def _day_weight(self, d: int, days: int) -> float:
        """A growing business, busier weekends, shopping festivals (618, 双11, 双12)."""
        day = self.first_day + timedelta(days=d)
        festival = {(6, 18): 3.0, (11, 11): 4.0, (12, 12): 2.0}.get((day.month, day.day), 1.0)
        weekend = 1.2 if day.weekday() >= 5 else 1.0
        return (0.5 + d / days) * festival * weekend * self.rng.uniform(0.8, 1.2)

    def _order_time(self, d: int) -> int:
        """A moment of business day `d`, in Shanghai business hours, as epoch seconds."""
        hour = _weighted(self.rng, list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values()))
        return self.start + d * DAY + hour * 3600 + self.rng.randrange(3600)

    def _buyer(self, t: int) -> int | None:
        """A customer who had joined by `t`, chosen by purchase propensity (heavy-tailed)."""
        k = bisect_right(self.joined, t)
        if k == 0 or self.cum[k - 1] == 0:
            return None
        return bisect_right(self.cum, self.rng.random() * self.cum[k - 1], 0, k - 1)

    def _order(self, t: int) -> None:
        """One order with its lines, status history and perhaps an order-share."""
        rng, i = self.rng, self._buyer(t)
        if i is None:
            return
        oid, staff = self.order_id, rng.choice(V.SALES_STAFF)
        channel = self.home[i] if rng.random() < 0.75 else rng.choice(self.channel_ids)
        goods = self._lines(oid, bool(self.is_agent[i]))
        shipping = Decimal(0) if goods >= 99 else Decimal(rng.choice(("8.00", "10.00", "12.00")))
        path = self._status_path(t)
        self.out.add(
            s.orders,
            dict(
                id=oid,
                order_no=f"SO{oid:08d}",
                customer_id=self.ids[i],
                channel_id=channel,
                status=path[-1][1],
                ordered_at=_ts(t),
                goods_amount=goods,
                discount=Decimal("0.00"),
                shipping=shipping,
                total=goods + shipping,
                note="",
                version=1,
                created_at=_ts(t),
                created_by=staff,
                updated_at=_ts(path[-1][2]),
                updated_by=staff,
                deleted_at=None,
                **({"agent_id": self._sold_through(i)} if self.with_agents else {}),
            ),
        )
        for old, new, at, reason in path:
            self.out.add(
                s.order_status_history,
                dict(
                    id=self.history_id,
                    order_id=oid,
                    from_status=old,
                    to_status=new,
                    changed_at=_ts(at),
                    changed_by=staff,
                    reason=reason,
                ),
            )
            self.history_id += 1
        if path[-1][1] == "completed" and rng.random() < 0.12:
            self._review(oid, self.ids[i], path[-1][2])
        if self.refunds_on:
            self._refund(oid, path, goods + shipping)
        self.order_id += 1

    def _sold_through(self, i: int) -> int | None:
        """The agent an order of customer `i` is sold through: their agent, most times."""
        seller = self.seller[i]
        return seller if seller and self.seller_rng.random() < 0.85 else None

    def _refund(self, oid: int, path: list[tuple], total: Decimal) -> None:
        """The refund of an order refunded in full, and now and then a part refund (破损补偿,
        money only) a few days after a parcel went out."""
        rng, (_old, last, when, reason) = self.refund_rng, path[-1]
        if last == "refunded":
            amount = total
        elif last in ("shipped", "completed") and rng.random() < 0.03:
            sent = next(at for _o, new, at, _r in path if new == "shipped")
            when, reason = sent + rng.randrange(DAY, 6 * DAY), "破损补偿"
            amount = (total * Decimal(rng.choice(("0.10", "0.20", "0.30")))).quantize(CENT)
            if when > self.end:
                return
        else:
            return
        self.out.add(
            s.order_refunds,
            dict(
                id=self.refund_id,
                order_id=oid,
                amount=amount,
                reason=reason,
                restocked=False,
                refunded_at=_ts(when),
                refunded_by="li.lei",
            ),
        )
        self.refund_id += 1

    def _lines(self, oid: int, agent: bool) -> Decimal:
        """One to four lines priced from the catalogue at sale time; returns goods_amount."""
        rng, goods = self.rng, Decimal("0.00")
        count = _weighted(rng, [1, 2, 3, 4], [55, 28, 12, 5])
        picked: list[dict] = []
        while len(picked) < count:
            p = _weighted(rng, self.products, self.popularity)
            if p not in picked:
                picked.append(p)
        for no, p in enumerate(picked, 1):
            qty = rng.choice((5, 10, 10, 20)) if agent else _weighted(rng, [1, 2, 3], [70, 20, 10])
            gross = p["price"] * qty
            rate = (
                rng.choice(("0.10", "0.15", "0.20"))
                if agent
                else (rng.choice(("0.05", "0.10")) if rng.random() < 0.15 else "0")
            )
            discount = (gross * Decimal(rate)).quantize(CENT)
            self.out.add(
                s.order_lines,
                dict(
                    id=self.line_id,
                    order_id=oid,
                    line_no=no,
                    product_id=p["id"],
                    sku=p["sku"],
                    product_name=p["name"],
                    quantity=qty,
                    unit_price=p["price"],
                    unit_cost=p["unit_cost"],
                    discount=discount,
                    amount=gross - discount,
                ),
            )
            self.line_id += 1
            goods += gross - discount
        return goods

    def _status_path(self, t: int) -> list[tuple]:
        """Transitions (from, to, at, reason) up to the anchor: new->paid->shipped->completed;
        a few are cancelled (from new or paid) or refunded (from paid, shipped or completed)."""
        rng, path = self.rng, [(None, "new", t, "")]
        steps = [
            ("paid", 60, 1800),
            ("shipped", 4 * 3600, 2 * DAY),
            ("completed", 3 * DAY, 8 * DAY),
        ]
        u = rng.random()
        cancel = "new" if u < 0.05 else "paid" if u < 0.065 else None
        refund = rng.choice(("paid", "shipped", "completed")) if 0.065 <= u < 0.09 else None
        for status, low, high in [(None, 0, 0), *steps]:
            last = path[-1]
            if last[1] in (cancel, refund):
                at = last[2] + rng.randrange(3600, 5 * DAY)
                reason, to = ("客户取消", "cancelled") if cancel else ("质量问题退款", "refunded")
                if at <= self.end:
                    path.append((last[1], to, at, reason))
                return path
            if status is None:
                continue
            at = last[2] + rng.randrange(low, high)
            if at > self.end:
                return path
            path.append((last[1], status, at, ""))
        return path

    def _review(self, oid: int, cid: int, completed: int) -> None:
        """A 晒单 posted a few days after the order completed (if before the anchor)."""
        at = completed + self.rng.randrange(3600, 4 * DAY)
        if at > self.end:
            return
        rating, text = self.rng.choice(V.REVIEWS)
        self.out.add(
            s.reviews,
            dict(
                id=self.review_id,
                customer_id=cid,
                order_id=oid,
                posted_at=_ts(at),
                platform=self.rng.choice(V.REVIEW_PLATFORMS),
                rating=rating,
                content=text,
            ),
        )
        self.review_id += 1
