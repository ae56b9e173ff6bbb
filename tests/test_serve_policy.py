"""What every response of `salesops serve` lets a browser run (issue 20, findings 2 and 13):
paths shown as text, a Content-Security-Policy on every response, pages that still work
under it in Chromium, and no traceback for Voila's template folder."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from browser import (
    READY_SELECTOR,
    apps_copy,
    close_page,
    offline_context,
    screenshot,
    write_page,
)
from signinserver import AccountsServer
from test_signin import sign_in_page

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(document.cookie)>/../audit.ipynb"
XSS_PATH = "/voila/render/" + urllib.parse.quote(XSS, safe="")
STORED = "<img src=x onerror=alert('stored')><script>alert('s2')</script>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An accounts-mode server over the real pages, plus one showing stored markup."""
    root = tmp_path_factory.mktemp("policy")
    apps = apps_copy(root)
    write_page(
        apps,
        "_stored.ipynb",
        f"from IPython.display import HTML\nHTML({STORED!r})",
        f"import ipywidgets as ipw\nipw.HTML({STORED!r})",
    )
    live = AccountsServer(root, apps).start()
    yield live
    live.stop()


def policy_of(headers: dict) -> dict[str, str]:
    """The Content-Security-Policy's directives: {name: sources}."""
    csp = headers.get("Content-Security-Policy", "")
    return {d.split()[0]: " ".join(d.split()[1:]) for d in csp.split(";") if d.strip()}


def assert_scripts_limited(headers: dict) -> dict[str, str]:
    policy = policy_of(headers)
    assert policy.get("script-src", "").startswith("'self'"), policy
    assert "unsafe-inline" not in policy["script-src"] and "*" not in policy["script-src"]
    assert policy.get("object-src") == "'none'" and policy.get("base-uri") == "'self'"
    return policy


def test_a_refused_page_shows_the_requested_path_as_text(server):
    staff = server.sign_in("wang.fang")[1]
    status, headers, body = server.get(XSS_PATH, {"Cookie": staff})
    assert status == 403
    assert "<img" not in body and "&lt;img src=x onerror=" in body
    assert_scripts_limited(headers)


def test_every_response_carries_a_policy_that_limits_scripts(server):
    staff = server.sign_in("wang.fang")[1]
    manager = server.sign_in("li.lei")[1]
    responses = {
        "login form": server.get("/login"),
        "wrong password": server.post_login("wang.fang", "not it")[:3],
        "refusal": server.get("/voila/render/audit.ipynb", {"Cookie": staff}),
        "kernel list": server.get("/api/kernels", {"Cookie": staff}),
        "not found": server.get("/voila/render/no_such_page.ipynb", {"Cookie": staff}),
        "signed out": server.get("/voila/render/index.ipynb"),
        "static": server.get("/voila/static/voila.js"),
        "templates": server.get("/voila/templates/"),
    }
    for what, (status, headers, _) in responses.items():
        assert status < 500, what
        assert_scripts_limited(dict(headers))
    status, headers, body = server.get("/voila/render/audit.ipynb", {"Cookie": manager})
    assert status == 200
    nonce = re.search(r"'nonce-([^']+)'", assert_scripts_limited(headers)["script-src"])[1]
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/)([^>]*)>", body)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    server.shutdown_kernel_as(re.search(r'"kernelId": "([0-9a-f-]+)"', body)[1], manager)
    again = server.get("/voila/render/audit.ipynb", {"Cookie": manager})
    assert nonce not in again[1]["Content-Security-Policy"]  # a new one for every page
    server.shutdown_kernel_as(re.search(r'"kernelId": "([0-9a-f-]+)"', again[2])[1], manager)


def test_signed_out_template_folder_is_not_found_without_a_traceback(server):
    for path in ("/voila/templates/", "/voila/templates/lab/", "/voila/templates/x/static/"):
        status, _, body = server.get(path)
        assert status == 404, path
        assert "Traceback" not in body
    assert "Traceback" not in server.log()


def watch_policy(page) -> list[str]:
    """Console errors about the Content-Security-Policy, and script dialogs, of `page`."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("dialog", lambda d: (seen.append(f"dialog: {d.message}"), d.dismiss()))
    return seen


@pytest.fixture
def strict(browser):
    """A browser context that keeps the pages' Content-Security-Policy."""
    context = offline_context(browser, bypass_csp=False)
    yield context
    context.close()


def test_every_page_works_in_chromium_under_the_policy(strict, server):
    page = sign_in_page(strict, server, "boss", page_name="index.ipynb")
    seen = watch_policy(page)
    page.locator(READY_SELECTOR).wait_for(state="visible")
    for app in sorted(p.name for p in server.apps_dir.glob("*.ipynb")):
        if app.startswith("_"):
            continue
        page.goto(server.url(app, token=False), wait_until="commit")
        page.locator(READY_SELECTOR).wait_for(state="visible")
        # A widget on the page: the widget manager (scripts from 'self') drew it.
        page.locator(".jupyter-widgets, .widget-html, .lm-Widget").first.wait_for()
        assert seen == [], (app, seen)
    screenshot(page, "policy-last-page")
    close_page(page)


def test_injected_markup_runs_no_script_in_chromium(strict, server):
    page = sign_in_page(strict, server, "wang.fang", page_name="index.ipynb")
    seen = watch_policy(page)
    page.locator(READY_SELECTOR).wait_for(state="visible")
    page.goto(f"http://127.0.0.1:{server.port}{XSS_PATH}")
    refused = page.locator(".so-page-refused")
    assert "<img src=x onerror=" in refused.inner_text()  # shown as text
    page.goto(server.url("_stored.ipynb", token=False), wait_until="commit")
    page.locator(READY_SELECTOR).wait_for(state="visible")
    page.locator(".widget-html").first.wait_for()
    for _ in range(100):  # until the browser reports the blocked handler (or a dialog)
        if seen:
            break
        page.wait_for_timeout(100)  # lets Playwright deliver the page's events
    assert seen and not [s for s in seen if s.startswith("dialog")], seen
    screenshot(page, "policy-stored-markup")
    close_page(page)
