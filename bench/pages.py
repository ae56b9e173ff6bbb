"""Voila page time-to-usable: every app page against an empty notebook on the same server.

    python -m bench.pages --demo                   # every app page, pool 0 and 1 (demo data)
    python -m bench.pages "customers.ipynb=.so-customers-search input" --pool 0
    python -m bench.pages --demo --tabs --search 20   # plus tabs vs pages, search latency

A page is `name` or `name=selector` (usable = the selector is visible; default: Voila has
shown the rendered cells); without pages, every app page in APP_PAGES. The server runs in
token mode (signed in with the token in the URL, as the browser tests do) acting for a
manager, so the manager-only weekly sheet opens. Every view is cold: a fresh browser
context (no cache) and a new kernel (taken from the warm pool with `--pool 1`). Runs
alternate floor / pages so machine noise hits all alike; the first round is a discarded
warm-up of the server's template cache. Prints medians, the ratio to the floor, and where
the time goes, measured in the browser:

  first byte  request sent -> first HTML bytes (Voila reads and converts the notebook)
  kernel      first bytes -> kernel id in the page (kernel process start + handshake)
  execute     kernel id -> last cell's output streamed (our code, including its imports)
  finish      last cell -> rendered cells shown (template footer, labextension scripts)
  widgets     rendered cells shown -> selector visible (widget manager connects, renders)

and memory per open page: the page kernel's RSS once usable, and how much the server's
RSS grew while the page opened (plus the server's RSS before and after all the views).

`--tabs`: the landing page hosting the apps as tabs against separate pages: time to the
first app usable (index, then its customers tab / the customers page), time to another app
(the orders tab / another page) and back, and the kernels' memory either way. The tabs are
opened once every app is built ahead ("apps built ahead after": from the landing page
usable until no tab is left to build).
`--no-ahead`: also the landing page with its apps not built ahead (`_index_no_ahead.ipynb`,
index.ipynb with `Landing.for_page(data, build_ahead=None)`), alternating with the others:
what building ahead costs the landing page's first paint.
`--search N`: N searches on the customers page (names, mobile fragments, WeChat IDs from
the demo data), from the last keystroke to the results shown, against the search function
alone in-process; the picker's debounce is part of the browser figure and shown apart.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser import (
    READY_SELECTOR,
    LiveServer,
    apps_copy,
    close_page,
    launch_chromium,
    offline_context,
)

from .page_timing import (
    PHASES,
    measure,
    medians,
    page_rss_mb,
    parse_page,
    rss_mb,
    usable,
)
from .timing import percentile

FLOOR = "_empty.ipynb"
SEARCH = ".so-customers-search input"
# Every staff page and what makes it usable (its first input, or what it shows first).
APP_PAGES = [
    "index.ipynb=.so-landing-orders",
    f"customers.ipynb={SEARCH}",
    "orders.ipynb=.so-order-save",
    "followups.ipynb=.so-followup-save",
    "weekly_sheet.ipynb=.so-weekly-download-link",
]
# --no-ahead: the landing page (notebooks/apps/index.ipynb) with no app built ahead.
NO_AHEAD = "_index_no_ahead.ipynb"
# The landing page's tabs the --tabs run opens: (catalog key of the title, usable selector).
TABS = [("customers.title", SEARCH), ("orders.title", ".so-order-save")]

# On the customers page: when the last keystroke happened, and when the picker first showed
# the full result for the typed text (its status line set and `expect` options listed).
SEARCH_JS = """(input) => {
  const picker = input.closest('.so-customers-search').parentElement;
  const status = () => picker.querySelector('.so-picker-status').textContent.trim();
  const options = () => picker.querySelectorAll('.so-customers-search-results option').length;
  const s = window.__search = {last: 0, shown: 0, term: null, expect: -1};
  input.addEventListener('input', () => { s.last = performance.now(); s.shown = 0; });
  const check = () => {
    if (s.last && !s.shown && input.value === s.term && status() !== ''
        && options() === s.expect) s.shown = performance.now();
  };
  new MutationObserver(check).observe(picker,
    {childList: true, subtree: true, characterData: true, attributes: true});
}"""


def write_no_ahead(apps: Path) -> None:
    """Write NO_AHEAD beside index.ipynb: the same page, its apps built when their tabs open."""
    wired = "Landing.for_page(data)"
    text = (apps / "index.ipynb").read_text()
    if wired not in text:
        raise SystemExit(f"--no-ahead: index.ipynb no longer calls {wired}")
    (apps / NO_AHEAD).write_text(text.replace(wired, "Landing.for_page(data, build_ahead=None)"))


def import_seconds(modules: str) -> float:
    """Seconds a fresh Python takes to import `modules` (what a page kernel pays)."""
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def report(results, floor: str) -> list[str]:
    """Markdown table lines: median total, phases and memory per page, ratio to the floor."""
    med = {name: medians(samples) for name, samples in results.items()}
    lines = [
        "| page | usable (s) | ratio | " + " | ".join(PHASES) + " | kernel RSS (MB) | server +MB |",
        "|---" * (5 + len(PHASES)) + "|",
    ]
    for name, m in med.items():
        ratio = m["total"] / med[floor]["total"]
        lines.append(
            f"| {name} | {m['total']:.2f} | {ratio:.2f} | "
            + " | ".join(f"{m[p]:.2f}" for p in PHASES)
            + f" | {m['kernel MB']:.0f} | {m['server +MB']:+.1f} |"
        )
    return lines


def tab_title(key: str) -> str:
    """A landing-page tab's title as the page shows it (the server's language)."""
    import widgets.landing  # noqa: F401 -- registers the tab titles in the catalog
    from widgets.common import label

    return label(key)


def tabs_vs_pages(server, browser, pool: int) -> dict[str, dict[str, float]]:
    """One round of each way of reaching two apps, in seconds (and kernel MB)."""
    (first_key, first_sel), (other_key, other_sel) = TABS
    out = {}
    if pool:
        server.wait_for_pool(pool, timeout=120)
    context = offline_context(browser)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(server.url("index.ipynb"), wait_until="commit")
        usable(page, ".so-landing-orders")
        index_ready = time.perf_counter()
        # The landing page builds its apps in the background once the browser has shown
        # the first tab (widgets/landing.py); a person reads the numbers meanwhile, then
        # opens a tab. Every app, not only the two opened: the browser draws each one built.
        for _, selector in TABS:
            page.locator(selector).first.wait_for(state="attached")
        page.locator(".so-landing-loading").first.wait_for(state="detached")
        built_ahead = time.perf_counter() - index_ready
        clicks = {}
        for key, selector, label_ in [
            (first_key, first_sel, "first"),
            (other_key, other_sel, "other"),
            (first_key, first_sel, "back"),
        ]:
            tab = page.locator(
                ".so-landing-tabs > .lm-TabBar .lm-TabBar-tab", has_text=tab_title(key)
            )
            if not tab.count():
                clicks[label_] = float("nan")  # the landing page has no such tab
                continue
            clicked = time.perf_counter()
            tab.click()
            page.locator(selector).locator("visible=true").first.wait_for(state="visible")
            clicks[label_] = time.perf_counter() - clicked
            if label_ == "first":
                first_app = time.perf_counter() - start
        out["tabs"] = {
            "landing": index_ready - start,
            "built ahead": built_ahead,
            "first app": first_app,
            "switch": clicks["first"],
            "another app": clicks["other"],
            "back": clicks["back"],
            "kernels MB": page_rss_mb(page),
        }
        close_page(page)
    finally:
        context.close()
    if pool:
        server.wait_for_pool(pool, timeout=120)
    context = offline_context(browser)
    try:
        first, other = context.new_page(), context.new_page()
        start = time.perf_counter()
        first.goto(server.url("customers.ipynb"), wait_until="commit")
        usable(first, first_sel)
        first_app = time.perf_counter() - start
        if pool:
            server.wait_for_pool(pool, timeout=120)  # a person opens the next app later
        start = time.perf_counter()
        other.goto(server.url("orders.ipynb"), wait_until="commit")
        usable(other, other_sel)
        another = time.perf_counter() - start
        start = time.perf_counter()
        first.bring_to_front()
        first.locator(first_sel).first.wait_for(state="visible")
        back = time.perf_counter() - start
        out["pages"] = {
            "landing": float("nan"),
            "built ahead": float("nan"),
            "first app": first_app,
            "switch": float("nan"),
            "another app": another,
            "back": back,
            "kernels MB": page_rss_mb(first) + page_rss_mb(other),
        }
        close_page(first)
        close_page(other)
    finally:
        context.close()
    return out


def measure_tabs(server, browser, runs: int, pool: int) -> list[str]:
    """`runs` rounds of tabs vs pages after a warm-up round; markdown table lines."""
    rounds = [tabs_vs_pages(server, browser, pool) for _ in range(runs + 1)][1:]
    cols = ["landing", "built ahead", "first app", "switch", "another app", "back", "kernels MB"]
    lines = [
        "| way | landing usable (s) | apps built ahead after (s) | first app usable (s) |"
        " of which the tab switch | another app (s) | back to the first (s) | kernels' RSS (MB) |",
        "|---" * 8 + "|",
    ]
    for way, what in [
        ("tabs", "apps as tabs of index.ipynb (one kernel)"),
        ("pages", "separate pages, customers then orders (two kernels)"),
    ]:
        m = medians([r[way] for r in rounds])
        lines.append(
            f"| {what} | "
            + " | ".join(
                "-" if m[c] != m[c] else (f"{m[c]:.0f}" if c == "kernels MB" else f"{m[c]:.2f}")
                for c in cols
            )
            + " |"
        )
    return lines


def search_terms(db_url: str, count: int) -> list[tuple[str, str]]:
    """(kind, text) searches staff type, from the demo data: names, mobile fragments
    (middle and last four digits), WeChat IDs; spread over the customer list."""
    import sqlalchemy as sa

    from salesops.db import Database
    from salesops.schema import customers

    db = Database(db_url)
    with db.read() as conn:
        rows = conn.execute(
            sa.select(customers.c.name, customers.c.mobile, customers.c.wechat_id)
            .where(customers.c.deleted_at.is_(None))
            .order_by(customers.c.id)
        ).all()
    db.dispose()
    if not rows:
        raise SystemExit("--search needs customers: run with --demo")
    step = max(1, len(rows) // count)
    picks = rows[::step]
    terms: list[tuple[str, str]] = []
    for i, row in enumerate(picks):
        kind = ["name", "mobile", "wechat"][i % 3]
        if kind == "mobile" and row.mobile:
            terms.append(("mobile", row.mobile[3:7] if i % 2 else row.mobile[-4:]))
        elif kind == "wechat" and row.wechat_id:
            terms.append(("wechat", row.wechat_id))
        else:
            terms.append(("name", row.name))
        if len(terms) == count:
            break
    return terms


def measure_search(server, browser, count: int) -> list[str]:
    """Search latency in the browser vs the search function alone; report lines."""
    from salesops.db import Database
    from salesops.web.pagedata import SEARCH_LIMIT, PageData
    from widgets.customer_picker import CustomerPicker

    debounce = inspect.signature(CustomerPicker).parameters["debounce"].default
    terms = search_terms(server.db_url, count)
    db = Database(server.db_url)
    data = PageData(db)
    expected, alone = {}, []
    for _, text in terms:
        expected[text] = len(data.search(text, limit=SEARCH_LIMIT))  # warms the caches
    for _, text in terms:
        start = time.perf_counter()
        data.search(text, limit=SEARCH_LIMIT)
        alone.append(time.perf_counter() - start)
    db.dispose()
    context = offline_context(browser)
    browser_ms: list[tuple[str, float]] = []
    try:
        page = context.new_page()
        page.goto(server.url("customers.ipynb"), wait_until="commit")
        usable(page, SEARCH)
        box = page.locator(SEARCH).first
        box.evaluate(SEARCH_JS)
        for i, (kind, text) in enumerate([terms[0], *terms]):  # the first is a warm-up
            box.fill("")
            page.wait_for_function("""() => document.querySelector(
                '.so-customers-search-results select').options.length === 0""")
            page.evaluate(
                "([t, n]) => Object.assign(window.__search, {term: t, expect: n,"
                " last: 0, shown: 0})",
                [text, expected[text]],
            )
            box.press_sequentially(text, delay=20)  # faster than the debounce: one search
            page.wait_for_function("window.__search.shown > 0")
            ms = page.evaluate("window.__search.shown - window.__search.last")
            if i:
                browser_ms.append((kind, ms))
        close_page(page)
    finally:
        context.close()
    total = [ms for _, ms in browser_ms]
    kinds = sorted({k for k, _ in browser_ms})
    lines = [
        f"{len(total)} searches on the customers page ({', '.join(kinds)}); "
        f"picker debounce {debounce * 1000:.0f} ms\n",
        "| measure | median (ms) | p95 (ms) |",
        "|---|---|---|",
        f"| last keystroke -> results shown (browser) | {statistics.median(total):.0f} |"
        f" {percentile(total, 95):.0f} |",
        f"| the same without the debounce | {statistics.median(total) - debounce * 1000:.0f}"
        f" | {percentile(total, 95) - debounce * 1000:.0f} |",
        f"| search function alone (in-process, same database) |"
        f" {statistics.median(alone) * 1000:.1f} | {percentile(alone, 95) * 1000:.1f} |",
    ]
    for kind in kinds:
        values = [ms for k, ms in browser_ms if k == kind]
        lines.append(
            f"| browser, {kind} only ({len(values)}) | {statistics.median(values):.0f}"
            f" | {percentile(values, 95):.0f} |"
        )
    return lines


def load_average() -> str:
    """The machine's 1/5/15-minute load average (2 cores here), for the record."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv=None) -> dict:
    """Run the benchmark, print the result tables; returns them as {title: lines}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", default=APP_PAGES)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--demo", action="store_true", help="serve a demo database")
    ap.add_argument(
        "--pool",
        type=int,
        nargs="+",
        default=[0, 1],
        help="kernel pool sizes to measure (0: every kernel starts cold)",
    )
    ap.add_argument(
        "--tabs",
        action="store_true",
        help="also measure apps as tabs of the landing page vs separate pages",
    )
    ap.add_argument(
        "--no-ahead",
        action="store_true",
        help=f"also the landing page without building its apps ahead ({NO_AHEAD})",
    )
    ap.add_argument(
        "--search",
        type=int,
        default=0,
        metavar="N",
        help="also time N searches on the customers page (needs --demo)",
    )
    ap.add_argument(
        "--imports",
        default="ipywidgets, salesops.web.pagedata, widgets.pages",
        help="modules whose fresh import time to report",
    )
    args = ap.parse_args(argv)
    pages = [(FLOOR, READY_SELECTOR), *map(parse_page, args.pages)]
    if args.no_ahead:
        pages.append((NO_AHEAD, ".so-landing-orders"))
    tables: dict[str, list[str]] = {}

    def emit(title: str, lines: list[str]) -> None:
        tables[title] = lines
        print(f"{title}\n\n" + "\n".join(lines) + "\n", flush=True)

    print(f"load average before: {load_average()}\n")
    for n, pool in enumerate(args.pool):
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            root = Path(tmp)
            init = ("init", "--demo") if args.demo else ("init",)
            apps = apps_copy(root)
            if args.no_ahead:
                write_no_ahead(apps)
            server = LiveServer(
                root,
                apps,
                init_args=init,
                voila_args=[f"--PageKernelManager.pool_size={pool}", "--role", "manager"],
            ).start()
            browser = launch_chromium(p)
            how = "every kernel started cold" if not pool else f"kernel pool of {pool}"
            try:
                server_start = rss_mb(server.proc.pid)
                results = measure(server, browser, pages, args.runs, pool)
                emit(
                    f"{args.runs} views each ({how}), median; floor = {FLOOR}",
                    [
                        *report(results, FLOOR),
                        "",
                        f"server RSS {server_start:.0f} MB at start, {rss_mb(server.proc.pid):.0f}"
                        f" MB after {(args.runs + 1) * len(pages)} views",
                    ],
                )
                if args.tabs:
                    emit(
                        f"apps as tabs vs separate pages ({how}), median of {args.runs}",
                        measure_tabs(server, browser, args.runs, pool),
                    )
                if args.search and n == len(args.pool) - 1:
                    emit(f"search latency ({how})", measure_search(server, browser, args.search))
            finally:
                browser.close()
                server.stop()
    seconds = import_seconds(args.imports)
    print(f"fresh import of {args.imports}: {seconds:.2f} s")
    print(f"load average after: {load_average()}")
    return tables


if __name__ == "__main__":
    main()
