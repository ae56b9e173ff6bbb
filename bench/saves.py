"""Benchmark 10: saving an order against a PostgreSQL server that is far away.

    python -m bench.saves                 # 0, 10 and 20 ms one way; 30 saves each
    python -m bench.saves --delays 0 20 --saves 50

A PostgreSQL cluster of its own (tests/pgtemp.py), reached through `LatencyProxy`: a TCP
proxy on loopback that holds every chunk of bytes `delay` ms before passing it on, in
each direction, as a database on another machine would. On a fresh database (`salesops
init`, nothing else) it adds a channel, a customer with a default address and two
products, then times `orders.create_order` with two lines, as the orders page calls it,
and `orders.change_status` to paid. Reported per delay: the median save time, and the
round trips a save costs, counted two ways that must agree: at the proxy (the client
speaking again after the server answered), and (median at the delay - median at 0 ms) /
(2 x delay). A statement SQLAlchemy sends is not a round trip when psycopg's pipeline mode
sends it with others (salesops.order_saves), so statements are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time
from decimal import Decimal

import sqlalchemy as sa

from salesops import channels, customers, migrate, orders, products
from salesops.actors import Actor
from salesops.db import Database
from tests.pgtemp import TempPostgres, free_port

MANAGER = Actor("bench", "manager")


class LatencyProxy:
    """A TCP proxy on 127.0.0.1 that delays each direction by `delay` seconds."""

    def __init__(self, target_port: int, delay: float):
        self.target_port, self.delay, self.port = target_port, delay, free_port()
        self.trips = 0  # round trips seen: the client spoke after the server had
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        started.wait(10)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.port)
        )
        started.set()
        self.loop.run_forever()
        server.close()

    async def _client(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        last = ["down"]  # which way this connection's bytes went last
        await asyncio.gather(
            self._pipe(reader, up_writer, last, "up"), self._pipe(up_reader, writer, last, "down")
        )

    async def _pipe(self, reader, writer, last: list, way: str) -> None:
        """Copy bytes, each chunk delivered `delay` after it arrived (order kept); a chunk
        from the client after the server last spoke starts a round trip (`trips`)."""
        queue: asyncio.Queue = asyncio.Queue()

        async def deliver():
            while (item := await queue.get()) is not None:
                due, data = item
                await asyncio.sleep(max(0.0, due - self.loop.time()))
                writer.write(data)
                await writer.drain()
            writer.close()

        task = asyncio.ensure_future(deliver())
        try:
            while data := await reader.read(65536):
                if way == "up" and last[0] == "down":
                    self.trips += 1
                last[0] = way
                queue.put_nowait((self.loop.time() + self.delay, data))
        finally:
            queue.put_nowait(None)
            await task

    def stop(self) -> None:
        """Cancel the connections' tasks, then stop the loop and its thread."""

        async def cancel_all():
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel_all(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def shop(db: Database) -> tuple[int, list[dict]]:
    """A channel, a customer with a default address and two products; (customer, lines)."""
    channel = channels.add_channel(db, "微信", code="wechat", actor=MANAGER)
    customer = customers.create_customer(
        db, {"name": "张三", "mobile": "13800138000", "channel_id": channel["id"]}, MANAGER
    )
    for sku, price in (("BERRY", "39.00"), ("CHERRY", "99.00")):
        products.create_product(
            db,
            {"sku": sku, "name": sku, "price": Decimal(price), "unit_cost": Decimal("20")},
            actor=MANAGER,
        )
    return customer["id"], _LINES


def measure(url: str, saves: int, proxy: LatencyProxy) -> dict[str, float]:
    """Median seconds and round trips (seen by `proxy`) per create_order and per
    change_status to paid."""
    db = Database(url)
    customer_id, lines = (1, _LINES) if _has_shop(db) else shop(db)
    timings = {"create": [], "paid": []}
    counts = {"create": [], "paid": []}
    for _ in range(saves):
        before, start = proxy.trips, time.perf_counter()
        order = orders.create_order(db, customer_id, lines, actor=MANAGER)
        timings["create"].append(time.perf_counter() - start)
        counts["create"].append(proxy.trips - before)
        before, start = proxy.trips, time.perf_counter()
        orders.change_status(db, order["id"], "paid", 1, actor=MANAGER)
        timings["paid"].append(time.perf_counter() - start)
        counts["paid"].append(proxy.trips - before)
    db.engine.dispose()
    return {
        **{f"{k}_s": statistics.median(v) for k, v in timings.items()},
        **{f"{k}_trips": statistics.median(v) for k, v in counts.items()},
    }


_LINES = [{"sku": "BERRY", "quantity": 2}, {"sku": "CHERRY", "quantity": 1}]


def _has_shop(db: Database) -> bool:
    with db.read() as conn:
        return conn.execute(sa.text("select count(*) from products")).scalar() > 0


def main(argv=None) -> str:
    """Command line: run, print the Markdown table, return it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delays", type=float, nargs="+", default=[0, 10, 20], help="ms one way")
    ap.add_argument("--saves", type=int, default=30)
    args = ap.parse_args(argv)
    pg = TempPostgres().start()
    rows = [
        "| one-way delay | create order (2 lines) | round trips seen | round trips from time |"
        " to paid | round trips seen | round trips from time |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        url = pg.create_database("saves")
        migrate.upgrade(Database(url))
        base = None
        for delay in args.delays:
            proxy = LatencyProxy(int(sa.engine.make_url(url).port), delay / 1000)
            try:
                far = sa.engine.make_url(url).set(port=proxy.port).render_as_string(False)
                got = measure(far, args.saves, proxy)
            finally:
                proxy.stop()
            base = base or got

            def trips(key, got=got, delay=delay, base=base):
                if not delay:
                    return "-"
                return f"{(got[key] - base[key]) / (2 * delay / 1000):.1f}"

            rows.append(
                f"| {delay:g} ms | {got['create_s'] * 1000:.1f} ms | "
                f"{got['create_trips']:.0f} | {trips('create_s')} | "
                f"{got['paid_s'] * 1000:.1f} ms | {got['paid_trips']:.0f} | "
                f"{trips('paid_s')} |"
            )
            print(rows[-1], flush=True)
    finally:
        pg.stop()
    text = "\n".join(rows)
    print(text)
    return text


if __name__ == "__main__":
    main()
