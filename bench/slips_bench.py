"""Benchmark 7: the pick list and packing slips of 500 orders as one PDF (issue 17: "the
packing-slip PDF of 500 orders in under 10 s here"), in A4 and on 100 x 150 mm labels.

    python -m bench.slips_bench [--orders 500] [--runs 3] [--seed 17]

Orders are made up here, seeded, shaped like a social seller's day: mostly one to three
lines, a few long baskets (one of 30 lines), addresses of every length, a note on one
order in four, self-pickup for some, rare characters and an emoji in a few names. Each
run renders in a fresh child process (the font is found and read every time, as for a
person pressing the button), timed around `render_pdf` only (wall clock and the process's
CPU time); imports are not timed.

The floor is the same library writing the same strings with the same embedded font,
one `text()` call per string at fixed places, one page per order: no wrapping, no
tables, no barcodes, no flowing. app / floor is what our layout costs on top of fpdf2.
Prints Markdown (and returns it, for bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 10.0

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚婷雪琳晶欣怡佳宇浩然子轩梓涵雨萱思琪"
RARE = ["𠮷", "龘", "堃", "喆", "😀", "🌸"]
PLACES = [
    ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "苏州市", "工业园区"),
    ("上海市", "上海市", "浦东新区"),
    ("北京市", "北京市", "朝阳区"),
    ("四川省", "成都市", "武侯区"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
    ("广西壮族自治区", "南宁市", "青秀区"),
]
STREETS = ["文三路", "科技园南路", "星湖街", "世纪大道", "建国路", "人民南路", "解放北路"]
PRODUCTS = [
    ("MZ-001", "玻尿酸补水面膜(10片)"),
    ("MZ-006", "口红礼盒(3支)"),
    ("MY-001", "婴儿纸尿裤L码(52片)"),
    ("SP-001", "云南古树普洱茶饼357g"),
    ("SP-006", "赣南脐橙10斤"),
    ("BJ-004", "阿胶糕500g"),
    ("FS-003", "羊毛围巾"),
    ("JJ-004", "真空保温杯500ml"),
    ("KJ-004", "新西兰麦卢卡蜂蜜250g"),
    ("WC-002", "农家土蜂蜜1kg"),
]
NOTES = [
    "送人的礼物，不要放发票和价格单",
    "请下午六点后派送，放小区快递柜",
    "麻烦多包几层气泡膜，上次碎了一瓶",
    "Please call before delivery, thank you",
    "急用！今天能发就今天发，谢谢老板",
]
COURIERS = [("顺丰", "SF{:013d}"), ("中通", "7{:014d}"), ("圆通", "YT{:013d}"), ("", "")]
CHANNELS = ["朋友圈", "微店", "社群", "社交平台"]


def _name(rng: random.Random) -> str:
    """A Chinese name; one in thirty-odd ends in a rare character or an emoji."""
    name = rng.choice(FAMILY) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
    return name + rng.choice(RARE) if rng.random() < 0.03 else name


def _ship_to(rng: random.Random, who: str) -> dict:
    """An address of some length, or (one in twelve) a self-pickup note."""
    if rng.random() < 0.08:
        return {
            "recipient": who,
            "mobile": f"139{rng.randrange(10**8):08d}",
            "pickup": "自提：阳光小区 3 号楼 2 单元门卫室，周六 10 点后",
        }
    province, city, district = rng.choice(PLACES)
    detail = f"{rng.choice(STREETS)} {rng.randrange(1, 999)} 号"
    if rng.random() < 0.3:
        building, door = rng.randrange(1, 30), rng.randrange(1, 3)
        detail += f" {building} 栋 {door} 单元 {rng.randrange(101, 3302)} 室"
    if rng.random() < 0.05:
        detail += "（小区南门进，右手边第二栋，门口有快递柜，放柜子里就行，不用打电话）"
    return {
        "recipient": who,
        "mobile": f"13{rng.randrange(10**9):09d}",
        "province": province,
        "city": city,
        "district": district,
        "detail": detail,
        "postcode": f"{rng.randrange(100000, 860000)}" if rng.random() < 0.5 else "",
    }


def _lines(rng: random.Random, n: int) -> list[dict]:
    """`n` order lines (distinct products; made-up gift SKUs past the catalogue)."""
    if n >= len(PRODUCTS):
        return [
            {"sku": f"SKU-{i:03d}", "name": f"定制礼品 {i} 号", "quantity": i % 3 + 1}
            for i in range(n)
        ]
    return [
        {"sku": sku, "name": name, "quantity": rng.choice((1, 1, 1, 2, 3))}
        for sku, name in rng.sample(PRODUCTS, n)
    ]


def orders(n: int = 500, seed: int = 17) -> list[dict]:
    """`n` packing slips as dicts, seeded: what a day's batch of a busy seller looks like."""
    rng = random.Random(seed)
    start = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        buyer = _name(rng)
        courier, pattern = rng.choice(COURIERS)
        size = 30 if i == n // 2 else rng.choices((1, 2, 3, 5, 8), (50, 25, 15, 7, 3))[0]
        out.append(
            {
                "order_no": f"SO{1000 + i:08d}",
                "ordered_at": start + timedelta(minutes=7 * i),
                "channel": rng.choice(CHANNELS),
                "buyer": buyer,
                "ship_to": _ship_to(rng, buyer if rng.random() < 0.7 else _name(rng)),
                "lines": _lines(rng, size),
                "note": rng.choice(NOTES) if rng.random() < 0.25 else "",
                "courier": courier,
                "tracking_no": pattern.format(rng.randrange(10**12)) if pattern else "",
            }
        )
    return out


def floor(batch: list[dict]) -> bytes:
    """The same strings written one `text()` call each, with the same embedded font."""
    from fpdf import FPDF

    from salesops.slips.fonts import find_font

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    find_font().register(pdf)
    pdf.set_font("cjk", "", 10)
    for o in batch:
        pdf.add_page()
        to = o["ship_to"]
        texts = [
            o["order_no"],
            o["buyer"],
            o["channel"],
            o["note"],
            o["courier"],
            o["tracking_no"],
            *(str(v) for v in to.values()),
        ]
        for ln in o["lines"]:
            texts += [ln["sku"], ln["name"], str(ln["quantity"])]
        for k, text in enumerate(texts):
            pdf.text(10, 10 + 5 * (k % 55), text)
    return bytes(pdf.output())


def app(batch: list[dict], size: str) -> bytes:
    """The renderer: pick list and slips."""
    from salesops import slips

    return slips.render_pdf(batch, size=size, shop="小雨的店")


def child(kind: str, n: int, seed: int) -> dict:
    """One timed render in this process (run by `measure` in a fresh child)."""
    import time

    import salesops.slips  # noqa: F401  imports are not timed

    batch = orders(n, seed)
    started, cpu = time.perf_counter(), time.process_time()
    data = floor(batch) if kind == "floor" else app(batch, kind)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    return {"seconds": seconds, "cpu": cpu, "bytes": len(data), "pages": pages}


def measure(kind: str, n: int, seed: int, runs: int) -> dict:
    """Median of `runs` renders of `kind` (a4, label or floor), each in a fresh process."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.slips_bench",
                "--child",
                kind,
                "--orders",
                str(n),
                "--seed",
                str(seed),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    seconds = [r["seconds"] for r in results]
    cpu = statistics.median(r["cpu"] for r in results)
    return {**results[-1], "seconds": statistics.median(seconds), "cpu": cpu, "all": seconds}


def report(n: int, runs: int, rows: dict) -> str:
    """The Markdown table of one run."""
    out = [
        f"**Pick list and packing slips of {n} orders, median of {runs} runs, each in a "
        "fresh process (seconds)**",
        "",
        "| size | seconds | floor | ratio | CPU s | floor CPU s | pages | PDF KB | goal (< 10 s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    fl = rows["floor"]["seconds"]
    for size in ("a4", "label"):
        r = rows[size]
        ok = "yes" if r["seconds"] < GOAL_S else "**NO**"
        out.append(
            f"| {size} | {r['seconds']:.2f} | {fl:.2f} | {r['seconds'] / fl:.2f} | "
            f"{r['cpu']:.2f} | {rows['floor']['cpu']:.2f} | {r['pages']} | "
            f"{r['bytes'] / 1024:,.0f} | {ok} |"
        )
    out += [
        "",
        "- floor: the same strings, one fpdf2 `text()` call each, one page per "
        "order, the same embedded font (no wrapping, tables, barcodes or flowing).",
        "- seconds: wall clock, what a person waits; CPU s: the render's own processor "
        "time, which other work on this shared machine does not inflate.",
    ]
    return "\n".join(out) + "\n"


def main(argv=None) -> str:
    """Measure A4, label and the floor; print and return the Markdown."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=500)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--child", choices=("a4", "label", "floor"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.orders, args.seed)))
        return ""
    rows = {k: measure(k, args.orders, args.seed, args.runs) for k in ("floor", "a4", "label")}
    text = report(args.orders, args.runs, rows)
    print(text)
    return text


if __name__ == "__main__":
    main()
