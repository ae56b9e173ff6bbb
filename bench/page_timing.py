"""Timing one Voila page view in the browser, for bench/pages.py: marks in the page's own
clock for each stage of a render, memory of the page's kernel and of the server, and
cold views of several pages alternating so machine noise hits all alike.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tests.browser import (
    READY_SELECTOR,
    LiveServer,
    close_page,
    offline_context,
    page_kernel_id,
)

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


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc); NaN when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def kernel_pid(kernel_id: str) -> int | None:
    """The process of a kernel, found by its id in the command line (its connection file)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in cmdline and kernel_id.encode() in cmdline:
            return int(proc.name)
    return None


def page_rss_mb(page) -> float:
    """RSS of the kernel behind an open page, in MB."""
    pid = kernel_pid(page_kernel_id(page))
    return rss_mb(pid) if pid else float("nan")


def usable(page, selector: str) -> None:
    """Wait until Voila has shown the cells and `selector` is visible."""
    page.locator(READY_SELECTOR).wait_for(state="visible")
    page.locator(selector).first.wait_for(state="visible")


def view(context, server: LiveServer, name: str, selector: str) -> dict[str, float]:
    """Open a page once, cold: seconds to usable and per phase, and memory (MB)."""
    page = context.new_page()
    page.add_init_script(MARKS_JS)
    server_before = rss_mb(server.proc.pid)
    start = time.perf_counter()
    page.goto(server.url(name), wait_until="commit")
    usable(page, selector)
    total = time.perf_counter() - start
    marks = page.evaluate("""() => ({...window.__marks, usable: performance.now(),
        first_byte: performance.getEntriesByType('navigation')[0].responseStart})""")
    memory = {"kernel MB": page_rss_mb(page), "server +MB": rss_mb(server.proc.pid) - server_before}
    close_page(page)
    edges = [0.0]
    for key in ["first_byte", "kernel", "execute", "finish", "usable"]:
        edges.append(marks.get(key, edges[-1]))  # an empty page has no cell to mark
    phases = {p: (b - a) / 1000 for p, a, b in zip(PHASES, edges[:-1], edges[1:], strict=True)}
    return {"total": total, **phases, **memory}


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


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over the samples."""
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}
