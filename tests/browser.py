"""Browser-test harness: a live `salesops serve` and Debian's Chromium driven by Playwright.

Loaded by conftest.py (`pytest_plugins`). Fixtures:
- `live_server` (session): one server on a free port over a copy of notebooks/apps plus
  `_empty.ipynb`, with a throwaway migrated SQLite database; `.url(page)`, `.kernels()`.
- `browser` (session): headless Chromium; missing Chromium skips, or fails under CI.
- `context`: a fresh browser context (no cookies) that cannot reach the internet.
- `open_page`: `open_page("customers.ipynb", ".so-picker-term input")` navigates with the
  token, waits for the selector, and closes the page (so its kernel shuts down) at the end.
`screenshot(page, name)` saves test-artifacts/<name>.png. Wait on selectors, never sleep.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = PROJECT_ROOT / "notebooks" / "apps"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY_SELECTOR = "#rendered_cells"  # Voila shows it once every cell has been executed
STARTUP_TIMEOUT_S = 150  # a loaded 2-core machine can take a minute and more
PAGE_TIMEOUT_MS = 60_000
# How long an `expect(...)` waits for a page to show what it should (Playwright's default
# is 5 s): a page answers a click through its kernel, which on a loaded 2-core machine may
# be busy for seconds (building the landing page's apps ahead, a PDF's fonts).
EXPECT_TIMEOUT_MS = 30_000


def _expect_patiently() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


_expect_patiently()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_page(folder: Path, name: str, *sources: str) -> Path:
    """Write a notebook page of code cells (no outputs) to `folder/name`."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / name
    nbformat.write(nb, path)
    return path


def wait_until(predicate, timeout: float = 30, what: str = "condition"):
    """Poll `predicate` (bounded) until it returns a truthy value, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)  # a poll interval, not a wait for something to happen


class LiveServer:
    """A `salesops serve` subprocess on a free port with its own database and token."""

    def __init__(
        self,
        root: Path,
        apps_dir: Path,
        voila_args=(),
        port: int | None = None,
        secret_file: Path | None = None,
        init_args=("init",),
    ):
        self.root, self.apps_dir, self.voila_args = root, apps_dir, list(voila_args)
        self.init_args = tuple(init_args)
        self.port = port or free_port()
        self.token = secrets.token_urlsafe(16)
        self.db_url = f"sqlite:///{root / 'salesops.db'}"
        self.secret_file = secret_file or root / "cookie_secret"
        self.log_path = root / f"serve-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def _cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "salesops", "--db", self.db_url, *args]

    def start(self) -> LiveServer:
        """Migrate the database, start the server and wait until it answers."""
        subprocess.run(self._cli(*self.init_args), check=True, capture_output=True)
        self._serve({**os.environ, "SALESOPS_TOKEN": self.token}, "--as", "tester")
        return self

    def _serve(self, env: dict, *options: str) -> None:
        """Start `salesops serve` on this port, apps folder and secret with `options`, its
        output in the log; wait until `_ready`."""
        cmd = self._cli(
            "serve",
            "--port",
            str(self.port),
            "--apps-dir",
            str(self.apps_dir),
            "--secret-file",
            str(self.secret_file),
            *options,
            *self.voila_args,
        )
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(self._ready, STARTUP_TIMEOUT_S, f"salesops serve on port {self.port}")
        except TimeoutError:
            self.stop()  # not left running (with its kernels) when the test gives up
            raise

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"salesops serve exited:\n{self.log()}")
        try:
            self.kernels()
        except OSError:
            return False
        return True

    def log(self) -> str:
        """The server's output so far (for failure messages)."""
        return self.log_path.read_text()

    def url(self, page: str = "", token: bool = True) -> str:
        """The URL of a page (`customers.ipynb`) or of a path (`/api/kernels`)."""
        path = page if page.startswith("/") else f"/voila/render/{page}"
        return f"http://127.0.0.1:{self.port}{path}" + (f"?token={self.token}" if token else "")

    def get(self, path: str, headers=None) -> tuple[int, dict, str]:
        """GET `path` without following redirects: (status, headers, body)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers or {})
        try:
            with opener.open(req, timeout=PAGE_TIMEOUT_MS / 1000) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def kernels(self) -> list[str]:
        """Ids of the live kernels, asked of the server with the token."""
        status, _, body = self.get("/api/kernels", {"Authorization": f"token {self.token}"})
        if status != 200:
            raise RuntimeError(f"/api/kernels answered {status}: {body}")
        return json.loads(body)

    def pool(self) -> list[str]:
        """Ids of the warm kernels waiting in the server's pool."""
        status, _, body = self.get("/api/kernels?pool=1", {"Authorization": f"token {self.token}"})
        if status != 200:
            raise RuntimeError(f"/api/kernels?pool=1 answered {status}: {body}")
        return json.loads(body)

    def wait_for_pool(self, size: int = 1, timeout: float = 60) -> list[str]:
        """Poll until the pool holds `size` warm kernels; their ids."""

        def ready():
            ids = self.pool()
            return ids if len(ids) >= size else None

        return wait_until(ready, timeout, f"{size} warm kernel(s) in the pool")

    def wait_for_connection(self, kernel_id: str, timeout: float = 30) -> None:
        """Poll until a browser holds a websocket to `kernel_id` (the page is live)."""

        def connected():
            _, _, body = self.get("/api/kernels?detail=1", {"Authorization": f"token {self.token}"})
            return json.loads(body).get(kernel_id, 0) > 0

        wait_until(connected, timeout, f"a connection to kernel {kernel_id}")

    def wait_for_kernels(self, expected: set[str] | int, timeout: float = 30) -> list[str]:
        """Poll until the live kernels are `expected` (a set of ids, or a count)."""

        def matches():
            ids = self.kernels()
            ok = set(ids) == expected if isinstance(expected, set) else len(ids) == expected
            return (ids,) if ok else None  # a tuple: an empty list is a valid answer

        try:
            return wait_until(matches, timeout, f"kernels == {expected}")[0]
        except TimeoutError as e:
            raise TimeoutError(f"{e}; live: {self.kernels()}") from None

    def shutdown_kernel(self, kernel_id: str) -> None:
        """Shut a kernel down (for pages fetched without a browser, which send no beacon)."""
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/kernels/{kernel_id}",
            method="DELETE",
            headers={"Authorization": f"token {self.token}"},
        )
        urllib.request.urlopen(req, timeout=30).close()

    def stop(self) -> None:
        """Stop the server (it shuts its kernels down on SIGTERM)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def apps_copy(folder: Path) -> Path:
    """A copy of notebooks/apps in `folder`, plus `_empty.ipynb` (the page floor)."""
    apps = folder / "apps"
    shutil.copytree(APPS_DIR, apps, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_page(apps, "_empty.ipynb")
    return apps


def launch_chromium(playwright):
    """Debian's Chromium, headless (Playwright cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def offline_context(browser, bypass_csp: bool = True):
    """A fresh browser context whose requests may only go to this machine.

    It ignores the pages' Content-Security-Policy unless told otherwise: Playwright's
    `wait_for_function("...")` evaluates its string in the page, which the policy forbids.
    The pages under the policy are tested in tests/test_serve_policy.py (bypass_csp=False).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    # The lab template links a font stylesheet on a CDN; no test may depend on the internet.
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    return context


def goto(page, url: str, selector: str = READY_SELECTOR):
    """Navigate to `url` and wait until `selector` is visible; returns the page."""
    page.goto(url, wait_until="commit")
    page.locator(READY_SELECTOR).wait_for(state="visible")
    page.locator(selector).first.wait_for(state="visible")
    return page


def kernel_id_of(html: str) -> str:
    """The id of the kernel a rendered page's HTML is connected to."""
    match = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
    if not match:
        raise ValueError("no kernel id in this page")
    return match.group(1)


def page_kernel_id(page) -> str:
    """The id of the kernel behind an open page."""
    return kernel_id_of(page.locator("#jupyter-config-data").text_content())


def close_page(page) -> None:
    """Close a page as a tab close does, so Voila's beacon shuts its kernel down."""
    page.close(run_before_unload=True)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_at(page, name: str, size: dict) -> Path:
    """A screenshot at `size`'s width, as tall as the page's content: Voila scrolls inside
    its own container, so a "full page" shot would be one screen. The page is left at
    `size` again."""
    page.set_viewport_size(size)
    tall = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], tall + 40)})
    path = screenshot(page, name)
    page.set_viewport_size(size)
    return path


# A new shop's first channel, made the shop's default: what most page tests start from.
MOMENTS = (("channels", "add", "朋友圈", "--code", "moments"), ("channels", "default", "moments"))


def new_shop_server(root: Path, role: str, commands, prepare=None) -> LiveServer:
    """A live server (not yet started) over a shop made from nothing the way a seller makes
    one: `salesops init`, then each of `commands` (argument tuples of the salesops CLI),
    then `prepare(db)` for what no command makes; its pages act for `role`."""
    live = LiveServer(root, apps_copy(root), voila_args=("--role", role))
    for args in (("init",), *commands):
        subprocess.run(live._cli(*args), check=True, capture_output=True)
    if prepare is not None:
        from salesops.db import connect

        db = connect(live.db_url)
        try:
            prepare(db)
        finally:
            db.dispose()
    return live


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One `salesops serve` for the session, over a copy of the apps, on a throwaway DB."""
    root = tmp_path_factory.mktemp("serve")
    server = LiveServer(root, apps_copy(root)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the session (skipped without it, failed under CI)."""
    if not Path(CHROMIUM).exists():
        from conftest import missing_service

        missing_service(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh, offline browser context, closed after the test."""
    ctx = offline_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def open_page(context, live_server):
    """`open_page(name, selector=READY_SELECTOR, token=True)`: a rendered page of the server."""
    pages = []

    def _open(name: str, selector: str = READY_SELECTOR, token: bool = True):
        page = context.new_page()
        pages.append(page)
        return goto(page, live_server.url(name, token=token), selector)

    yield _open
    for page in pages:
        if not page.is_closed():
            close_page(page)


@pytest.fixture
def page_of(context, server):
    """Open one of the module's `server` (a LiveServer) pages and wait for `selector`;
    the pages are closed after the test."""
    pages = []

    def _open(name: str, selector: str):
        page = context.new_page()
        pages.append(page)
        return goto(page, server.url(name), selector)

    yield _open
    for page in pages:
        if not page.is_closed():
            close_page(page)
