"""`salesops serve`: login, what is reachable, no tracebacks, kernels that do not pile up."""

from __future__ import annotations

import re

import pytest
from browser import (
    LiveServer,
    close_page,
    goto,
    kernel_id_of,
    page_kernel_id,
    screenshot,
    wait_until,
    write_page,
)

from salesops.web import login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(live_server):
    """Test-only pages written next to the apps of the session's server."""
    apps = live_server.apps_dir
    write_page(
        apps,
        "_raises.ipynb",
        "print('before the error')",
        "raise ValueError('do-not-show-this-' + 'marker')",
    )
    write_page(
        apps,
        "_whoami.ipynb",
        "import os\nfrom IPython.display import HTML\n"
        "HTML(f\"<p id='who'>{os.environ['SALESOPS_USER']}</p>"
        "<p id='db'>{os.environ['SALESOPS_DB_URL']}</p>"
        "<p id='token'>{os.environ.get('SALESOPS_TOKEN', 'none')}</p>\")",
    )
    write_page(
        apps,
        "_warm.ipynb",
        "import os, sys\nfrom IPython.display import HTML\n"
        "HTML(f\"<p id='who'>{os.environ['SALESOPS_USER']}</p>"
        "<p id='preloaded'>{'sqlalchemy' in sys.modules}</p>\")",
    )
    analysis = apps.parent / "analysis"
    analysis.mkdir(exist_ok=True)
    write_page(analysis, "01_secret.ipynb", "print('analysis-only')")
    return apps


def test_page_without_token_is_refused_and_starts_no_kernel(live_server, pages):
    before = live_server.kernels()
    status, headers, body = live_server.get("/voila/render/_empty.ipynb")
    assert status in (302, 403)
    assert status == 403 or "/login" in headers["Location"]
    assert "rendered_cells" not in body
    assert live_server.kernels() == before


def test_wrong_token_and_anonymous_kernel_list_are_refused(live_server):
    status, _, _ = live_server.get("/voila/render/_empty.ipynb?token=wrong")
    assert status in (302, 403)
    assert live_server.get("/api/kernels")[0] == 403


def test_browser_without_token_sees_the_login_form(context, live_server, pages):
    page = context.new_page()
    page.goto(live_server.url("_empty.ipynb", token=False))
    page.locator("input[type=password]").first.wait_for(state="visible")
    assert page.locator("input[name=new_password]").count() == 0
    assert page.locator("#rendered_cells").count() == 0
    screenshot(page, "serve-login")
    close_page(page)


def test_page_with_token_renders(open_page):
    page = open_page("index.ipynb", "h1")
    assert page.locator("h1").first.inner_text().strip() != ""
    screenshot(page, "serve-index")


def test_pages_load_nothing_from_outside_the_server(live_server):
    status, _, html = live_server.get(
        "/voila/render/_empty.ipynb", {"Authorization": f"token {live_server.token}"}
    )
    assert status == 200
    live_server.shutdown_kernel(kernel_id_of(html))  # no browser, so no beacon
    outside = re.findall(r'(?:href|src)="(https?://[^"]*)"', html)
    assert outside == []  # Voila's lab template links Font Awesome from a CDN
    assert "rendered_cells" in html  # still Voila's page


def test_kernel_acts_for_the_server_side_user_and_database(open_page, live_server, pages):
    page = open_page("_whoami.ipynb", "#who")
    assert page.locator("#who").inner_text() == "tester"
    assert page.locator("#db").inner_text() == live_server.db_url
    assert page.locator("#token").inner_text() == "none"  # the kernel never sees the token


def test_a_page_takes_a_warm_kernel_that_then_acts_for_the_request(open_page, live_server, pages):
    warm = live_server.wait_for_pool(1)[0]
    assert warm not in live_server.kernels()  # waiting in the pool is not being a page
    page = open_page("_warm.ipynb", "#who")
    assert page_kernel_id(page) == warm
    assert page.locator("#who").inner_text() == "tester"  # written in by the server
    assert page.locator("#preloaded").inner_text() == "True"  # imports done before the view
    assert warm in live_server.kernels()
    assert live_server.wait_for_pool(1)[0] != warm  # the pool refilled with a new kernel


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/../analysis/01_secret.ipynb",
        "/voila/render/%2e%2e/analysis/01_secret.ipynb",
        "/voila/render/..%2fanalysis/01_secret.ipynb",
        "/voila/render/analysis/01_secret.ipynb",
        "/voila/files/../analysis/01_secret.ipynb",
        "/voila/tree/..",
    ],
)
def test_analysis_notebooks_are_not_reachable(live_server, pages, path):
    status, _, body = live_server.get(path, {"Authorization": f"token {live_server.token}"})
    assert status != 200 or "analysis-only" not in body and "01_secret" not in body
    assert "analysis-only" not in body


def test_a_failing_cell_shows_no_traceback(open_page, live_server, pages):
    status, _, html = live_server.get(
        "/voila/render/_raises.ipynb", {"Authorization": f"token {live_server.token}"}
    )
    assert status == 200
    assert "before the error" in html  # the page did run
    live_server.shutdown_kernel(kernel_id_of(html))  # no browser, so no beacon
    for leak in ("Traceback", "ValueError", "do-not-show-this-marker", "raise "):
        assert leak not in html
    page = open_page("_raises.ipynb")
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "do-not-show-this-marker" not in text
    screenshot(page, "serve-error-page")


def test_closing_a_page_ten_times_leaves_no_kernels(context, live_server):
    before = set(live_server.kernels())
    for _ in range(10):
        page = goto(context.new_page(), live_server.url("_empty.ipynb"))
        kernel = page_kernel_id(page)
        assert kernel in live_server.kernels()
        close_page(page)
        wait_until(lambda k=kernel: k not in live_server.kernels(), 30, f"{kernel} shut down")
    # Kernels of earlier tests may have ended meanwhile; none may have been added.
    assert set(live_server.kernels()) <= before
    assert "403 POST /voila/api/shutdown" not in live_server.log()  # voila#1458


def test_culler_shuts_down_kernels_of_tabs_that_never_said_goodbye(browser, tmp_path):
    """A crashed tab sends no beacon: the culler removes its kernel, not an open tab's."""
    from browser import apps_copy, offline_context

    server = LiveServer(
        tmp_path,
        apps_copy(tmp_path),
        voila_args=[
            "--MappingKernelManager.cull_idle_timeout=5",
            "--MappingKernelManager.cull_interval=1",
        ],
    ).start()
    context = offline_context(browser)
    try:
        kept = goto(context.new_page(), server.url("_empty.ipynb"))
        kept_kernel = server.wait_for_kernels(1)[0]
        server.wait_for_connection(kept_kernel)  # under load the socket can lag the render
        crashed = goto(context.new_page(), server.url("_empty.ipynb"))
        server.wait_for_kernels(2)
        pooled = server.wait_for_pool(1)  # idle and unconnected, as culled kernels are
        crashed.close(run_before_unload=False)  # no beforeunload, so no beacon
        # Both kernels sat idle past the timeout; only the connected one may survive.
        assert server.wait_for_kernels({kept_kernel}, timeout=30) == [kept_kernel]
        assert "Culling 'idle' kernel" in server.log()
        assert set(pooled) <= set(server.pool())  # the warm kernel is not culled
        close_page(kept)
        server.wait_for_kernels(0)
    finally:
        context.close()
        server.stop()


def test_login_cookie_survives_a_restart(tmp_path):
    apps = tmp_path / "apps"
    apps.mkdir()
    first = LiveServer(tmp_path, apps).start()
    _, headers, _ = first.get(f"/api/kernels?token={first.token}")
    cookie = headers["Set-Cookie"].split(";")[0]
    first.stop()
    again = LiveServer(tmp_path, apps, port=first.port)  # same secret file and token
    again.token = first.token
    again.start()
    try:
        assert again.get("/api/kernels", {"Cookie": cookie})[0] == 200
        (tmp_path / "cookie_secret").unlink()
    finally:
        again.stop()
    other = LiveServer(tmp_path, apps, port=first.port)  # a new secret
    other.token = first.token
    other.start()
    try:
        assert other.get("/api/kernels", {"Cookie": cookie})[0] == 403
    finally:
        other.stop()


def test_cookie_secret_file_is_private_and_stable(tmp_path):
    path = tmp_path / "data" / ".cookie_secret"
    secret = login.cookie_secret(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert login.cookie_secret(path) == secret
    assert len(secret) == login.SECRET_BYTES
