"""Voila page time-to-usable: each page against an empty notebook on the same server.

    python -m bench.pages                                  # index.ipynb vs the empty page
    python -m bench.pages "customers.ipynb=.so-picker-term input" --demo
    python -m bench.pages --pool 0 1       # without and with salesops' warm kernel pool

A page is `name` or `name=selector` (usable = the selector is visible; default: Voila has
shown the rendered cells). Every view is cold: a fresh browser context (no cache) and a new
kernel. Runs alternate floor / page so machine noise hits both alike; the first view of each
page is a discarded warm-up of the server's template cache. Prints the median of each,
the ratio to the floor, and where the time goes, measured in the browser:

  first byte  request sent -> first HTML bytes (Voila reads and converts the notebook)
  kernel      first bytes -> kernel id in the page (kernel process start + handshake)
  execute     kernel id -> last cell's output streamed (our code, including its imports)
  finish      last cell -> rendered cells shown (template footer, labextension scripts)
  widgets     rendered cells shown -> selector visible (widget manager connects, renders)
"""

from __future__ import annotations

import argparse
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

FLOOR = "_empty.ipynb"
PHASES = ["first byte", "kernel", "execute", "finish", "widgets"]

# Records, in the page's own clock, when each stage of a Voila render becomes visible.
MARKS_JS = """
window.__marks = {};
const mark = (k, again) => {
  if (again || !(k in window.__marks)) window.__marks[k] = performance.now();
};
let cells = 0;
new MutationObserver(() => {
  if (document.getElementById('jupyter-config-data')) mark('kernel');
  const n = document.querySelectorAll('[cell-index]').length;
  if (n > cells) { cells = n; mark('execute', true); }
  const r = document.getElementById('rendered_cells');
  if (r && r.style.display !== 'none') mark('finish');
}).observe(document, {childList: true, subtree: true, attributes: true});
"""


def parse_page(spec: str) -> tuple[str, str]:
    """`name=selector` (or `name`) -> (name, selector)."""
    name, _, selector = spec.partition("=")
    return name, selector or READY_SELECTOR


def view(context, server: LiveServer, name: str, selector: str) -> dict[str, float]:
    """Open a page once, cold; seconds from navigation to usable, and per phase."""
    page = context.new_page()
    page.add_init_script(MARKS_JS)
    start = time.perf_counter()
    page.goto(server.url(name), wait_until="commit")
    page.locator(READY_SELECTOR).wait_for(state="visible")
    page.locator(selector).first.wait_for(state="visible")
    total = time.perf_counter() - start
    marks = page.evaluate("""() => ({...window.__marks, usable: performance.now(),
        first_byte: performance.getEntriesByType('navigation')[0].responseStart})""")
    close_page(page)
    edges = [0.0]
    for key in ["first_byte", "kernel", "execute", "finish", "usable"]:
        edges.append(marks.get(key, edges[-1]))  # an empty page has no cell to mark
    phases = {p: (b - a) / 1000 for p, a, b in zip(PHASES, edges[:-1], edges[1:], strict=True)}
    return {"total": total, **phases}


def measure(server, browser, pages, runs: int, pool: int = 0) -> dict[str, list[dict]]:
    """`runs` cold views of the floor and of each page, alternating, after one warm-up.

    With a kernel pool, each view starts once the pool is full again, as it is when a
    person opens a page (pages are opened seconds apart, not milliseconds).
    """
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in pages}
    for i in range(runs + 1):
        for name, selector in pages:
            if pool:
                server.wait_for_pool(pool, timeout=120)
            context = offline_context(browser)
            try:
                sample = view(context, server, name, selector)
            finally:
                context.close()
            if i > 0:
                results[name].append(sample)
    return results


def import_seconds(modules: str) -> float:
    """Seconds a fresh Python takes to import `modules` (what a page kernel pays)."""
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def report(results, floor: str) -> list[str]:
    """Markdown table lines: median total and phases per page, ratio to the floor."""
    med = {name: {k: statistics.median(s[k] for s in samples) for k in samples[0]}
           for name, samples in results.items()}
    lines = ["| page | usable (s) | ratio | " + " | ".join(PHASES) + " |",
             "|---" * (3 + len(PHASES)) + "|"]
    for name, m in med.items():
        ratio = m["total"] / med[floor]["total"]
        lines.append(f"| {name} | {m['total']:.2f} | {ratio:.2f} | "
                     + " | ".join(f"{m[p]:.2f}" for p in PHASES) + " |")
    return lines


def main(argv=None) -> None:
    """Run the benchmark and print the result table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", default=["index.ipynb=h1"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--demo", action="store_true", help="serve a demo database")
    ap.add_argument("--pool", type=int, nargs="+", default=[0, 1],
                    help="kernel pool sizes to measure (0: every kernel starts cold)")
    ap.add_argument("--imports", default="ipywidgets, pandas, sqlalchemy, salesops.db",
                    help="modules whose fresh import time to report")
    args = ap.parse_args(argv)
    pages = [(FLOOR, READY_SELECTOR), *map(parse_page, args.pages)]
    for pool in args.pool:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            root = Path(tmp)
            init = ("init", "--demo") if args.demo else ("init",)
            server = LiveServer(root, apps_copy(root), init_args=init,
                                voila_args=[f"--PageKernelManager.pool_size={pool}"]).start()
            browser = launch_chromium(p)
            try:
                results = measure(server, browser, pages, args.runs, pool)
            finally:
                browser.close()
                server.stop()
        how = "every kernel started cold" if not pool else f"kernel pool of {pool}"
        print(f"{args.runs} views each ({how}), median; floor = {FLOOR}\n")
        print("\n".join(report(results, FLOOR)) + "\n")
    print(f"\nfresh import of {args.imports}: {import_seconds(args.imports):.2f} s")


if __name__ == "__main__":
    main()
