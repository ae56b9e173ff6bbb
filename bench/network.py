"""Benchmark 9: the customers page over a phone network, against the same form built with Panel.

    python -m bench.network                # office, Fast 4G and Slow 4G; 3 runs each
    python -m bench.network --runs 5 --profiles fast4g

Both are served side by side from one demo database (`salesops init --demo`): the
salesops customers page by `salesops serve` (token mode, the warm-kernel pool as
shipped) and bench/peers/panel_customers.py by `panel serve`. For each network profile
(Chrome's presets, emulated by Chromium's devtools), runs alternate salesops / Panel so
machine noise hits both alike. Each run is a fresh browser context (empty cache, no
request routing, which would turn the cache off):

  cold     navigation start -> the search box visible and the page usable
  warm     a second visit in the same context (the browser cache as the first left it)
  bytes    bytes on the wire until usable (compressed sizes, headers included), and
  requests the HTTP responses that came from the network (not from the cache)

Then memory per open page: five customers pages open at once; for salesops each page's
kernel (USS: memory only that process holds; PSS: plus its share of memory shared with
others; RSS for reference), and the server's own growth; for Panel the server's growth
per session (Panel keeps a session in the server process, no kernel). Figures are
medians; ratios are salesops / Panel measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

from tests.browser import LiveServer, apps_copy, free_port, launch_chromium, page_kernel_id

from .page_timing import kernel_pid, usable

SALESOPS_READY = ".so-customers-search input"
PEER = Path(__file__).resolve().parent / "peers" / "panel_customers.py"
# Chrome's throttling presets: (latency ms, download and upload in bits per second).
PROFILES = {
    "office": None,  # loopback, no throttling
    "fast4g": (60, 9_000_000, 1_500_000),
    "slow4g": (150, 1_600_000, 750_000),
}
OPEN_PAGES = 5  # pages held open at once for the memory figures


def panel_ready_selector() -> str:
    """The peer's search box (its placeholder: peers/panel_customers.SEARCH_PLACEHOLDER;
    importing the peer would connect to its database)."""
    return "input[placeholder='search-peer']"


class PanelServer:
    """`panel serve` of the peer on a free port, on the salesops server's database."""

    def __init__(self, db_url: str, root: Path):
        self.port = free_port()
        self.log_path = root / f"panel-{self.port}.log"
        env = {**os.environ, "SALESOPS_DB_URL": db_url}
        cmd = [
            sys.executable,
            "-m",
            "panel",
            "serve",
            str(PEER),
            "--port",
            str(self.port),
            "--address",
            "127.0.0.1",
            "--allow-websocket-origin",
            f"127.0.0.1:{self.port}",
        ]
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"panel serve exited:\n{self.log_path.read_text()}")
            try:
                urllib.request.urlopen(self.url, timeout=5).read()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("panel serve did not answer in 120 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{PEER.stem}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def visit(context, url: str, ready, profile) -> tuple[dict, object]:
    """Open `url` in a new tab of `context` under `profile`; (figures, the open page)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if profile:
        latency, down, up = profile
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency,
                "downloadThroughput": down / 8,
                "uploadThroughput": up / 8,
            },
        )
    sizes: dict[str, int] = {}
    cached: set[str] = set()
    responses: set[str] = set()
    cdp.on("Network.responseReceived", lambda e: responses.add(e["requestId"]))
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    ready(page)
    seconds = time.perf_counter() - start
    from_network = [r for r in responses if r not in cached and sizes.get(r, 0) > 0]
    figures = {
        "seconds": seconds,
        "bytes": sum(sizes.get(r, 0) for r in from_network),
        "requests": len(from_network),
    }
    return figures, page


def salesops_ready(page) -> None:
    usable(page, SALESOPS_READY)


def run_profile(browser, apps: dict, profile, runs: int) -> dict[str, dict[str, list]]:
    """{app: {"cold"/"warm"/"bytes"/"requests"/"warm_requests": [per run]}}."""
    out = {
        name: {k: [] for k in ("cold", "warm", "bytes", "requests", "warm_requests")}
        for name in apps
    }
    for _ in range(runs):
        for name, (url, ready) in apps.items():
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.set_default_timeout(180_000)
            try:
                cold, page = visit(context, url, ready, profile)
                page.close(run_before_unload=True)
                warm, page = visit(context, url, ready, profile)
                page.close(run_before_unload=True)
            finally:
                context.close()
            out[name]["cold"].append(cold["seconds"])
            out[name]["bytes"].append(cold["bytes"])
            out[name]["requests"].append(cold["requests"])
            out[name]["warm"].append(warm["seconds"])
            out[name]["warm_requests"].append(warm["requests"])
    return out


def memory(proc: psutil.Process) -> dict[str, float]:
    """USS, PSS and RSS of a process in MB."""
    info = proc.memory_full_info()
    return {k: getattr(info, k) / 2**20 for k in ("uss", "pss", "rss")}


def measure_memory(browser, server: LiveServer, panel: PanelServer) -> list[str]:
    """Memory per open page, salesops kernels against Panel sessions."""
    context = browser.new_context()
    context.set_default_timeout(180_000)
    lines = []
    try:
        server_proc, panel_proc = psutil.Process(server.proc.pid), psutil.Process(panel.proc.pid)
        before = memory(server_proc)["uss"], memory(panel_proc)["uss"]
        pages, kernels = [], []
        for _ in range(OPEN_PAGES):
            _, page = visit(context, server.url("customers.ipynb"), salesops_ready, None)
            pages.append(page)
            kernels.append(memory(psutil.Process(kernel_pid(page_kernel_id(page)))))
        server_growth = (memory(server_proc)["uss"] - before[0]) / OPEN_PAGES
        for _ in range(OPEN_PAGES):
            _, page = visit(
                context, panel.url, lambda p: p.locator(panel_ready_selector()).wait_for(), None
            )
            pages.append(page)
        time.sleep(2)
        panel_growth = (memory(panel_proc)["uss"] - before[1]) / OPEN_PAGES
        for page in pages:
            page.close(run_before_unload=True)

        def med(key):
            return statistics.median(k[key] for k in kernels)

        lines = [
            f"| salesops page kernel, median of {OPEN_PAGES} open | USS {med('uss'):.0f} MB | "
            f"PSS {med('pss'):.0f} MB | RSS {med('rss'):.0f} MB |",
            f"| salesops server growth per open page | USS {server_growth:.1f} MB | | |",
            f"| Panel server growth per open session | USS {panel_growth:.1f} MB | | |",
        ]
    finally:
        context.close()
    return ["| what | unique | proportional | resident |", "|---|---|---|---|", *lines]


def table(results: dict, profile_name: str) -> list[str]:
    """One profile's medians and salesops/Panel ratios as markdown rows."""
    rows = []
    med = {app: {k: statistics.median(v) for k, v in figs.items()} for app, figs in results.items()}
    s, p = med["salesops"], med["panel"]
    rows.append(
        f"| {profile_name} | {s['cold']:.2f} s | {p['cold']:.2f} s | {s['cold'] / p['cold']:.2f}x"
        f" | {s['warm']:.2f} s | {p['warm']:.2f} s | {s['bytes'] / 1e6:.2f} MB / "
        f"{s['requests']:.0f} | {p['bytes'] / 1e6:.2f} MB / {p['requests']:.0f} | "
        f"{s['warm_requests']:.0f} / {p['warm_requests']:.0f} |"
    )
    return rows


HEADER = [
    "| network | salesops cold | Panel cold | ratio | salesops warm | Panel warm | "
    "salesops bytes / requests | Panel bytes / requests | warm requests (s / P) |",
    "|---|---|---|---|---|---|---|---|---|",
]


def main(argv=None) -> str:
    """Command line: run, print the Markdown tables, return them."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=list(PROFILES))
    args = ap.parse_args(argv)
    tables: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        root = Path(tmp)
        server = LiveServer(root, apps_copy(root), init_args=("init", "--demo")).start()
        panel = PanelServer(server.db_url, root)
        browser = launch_chromium(p)
        try:
            apps = {
                "salesops": (server.url("customers.ipynb"), salesops_ready),
                "panel": (panel.url, lambda page: page.locator(panel_ready_selector()).wait_for()),
            }
            rows = list(HEADER)
            for name in args.profiles:
                results = run_profile(browser, apps, PROFILES[name], args.runs)
                rows += table(results, name)
                print(rows[-1], flush=True)
            tables[f"customers page vs Panel, median of {args.runs}, 390 px"] = rows
            tables["memory per open page"] = measure_memory(browser, server, panel)
        finally:
            browser.close()
            panel.stop()
            server.stop()
    text = "\n\n".join(f"{title}\n\n" + "\n".join(lines) for title, lines in tables.items())
    print(text)
    return text


if __name__ == "__main__":
    main()
