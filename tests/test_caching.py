"""Responses travel compressed and static files are cached (salesops/web/caching.py)."""

from __future__ import annotations

import gzip
import hashlib
import urllib.request
from urllib.parse import urlsplit

import pytest
from browser import kernel_id_of, wait_until

from salesops.web import caching

CUSTOMERS_READY = ".so-customers-search input"


@pytest.mark.parametrize(
    "path, query, expected",
    [
        ("/voila/static/voila.js", "", caching.REVALIDATE),
        (caching.STATIC_VERSIONED + "7155.voila.js", "", caching.IMMUTABLE),
        ("/voila/templates/lab/static/index.css", "v=ee8de0", caching.IMMUTABLE),
        ("/voila/static/salesops.css", "v=", caching.REVALIDATE),  # an empty version
        ("/voila/static/salesops.css", "nov=1", caching.REVALIDATE),
        ("/voila/labextensions/@jupyter-widgets/x/static/718.a7a3f80ef4813fab.js", "", "imm"),
        ("/voila/labextensions/@jupyter-widgets/x/package.json", "", caching.REVALIDATE),
        ("/voila/render/customers.ipynb", "v=1", None),
        ("/api/kernels", "", None),
        ("/login", "", None),
    ],
)
def test_cache_control_by_path(path, query, expected):
    expected = caching.IMMUTABLE if expected == "imm" else expected
    assert caching.cache_control(path, query) == expected


def fetch(live_server, path: str, **headers) -> tuple[int, dict, bytes]:
    """GET with the token, returning the raw (possibly compressed) body."""
    headers = {"Authorization": f"token {live_server.token}", **headers}
    req = urllib.request.Request(f"http://127.0.0.1:{live_server.port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.mark.browser
def test_the_page_and_scripts_are_gzipped_for_a_browser_that_accepts_it(live_server):
    status, headers, body = fetch(
        live_server, "/voila/render/_empty.ipynb", **{"Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers.get("content-encoding") == "gzip"
    html = gzip.decompress(body).decode()
    live_server.shutdown_kernel(kernel_id_of(html))  # no browser, so no beacon
    assert caching.STATIC_VERSIONED + "voila.js" in html  # voila.js at the versioned path
    status, headers, body = fetch(
        live_server, caching.STATIC_VERSIONED + "voila.js", **{"Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == caching.IMMUTABLE
    assert b"webpack" in gzip.decompress(body) or len(gzip.decompress(body)) > len(body)
    # Without Accept-Encoding: plain, as before.
    status, headers, body = fetch(live_server, caching.STATIC_VERSIONED + "voila.js")
    assert status == 200 and "content-encoding" not in headers and len(body) > 10_000


def test_our_files_are_versioned_by_their_content(tmp_path):
    (tmp_path / "salesops.css").write_text("a { color: red }")
    (tmp_path / "salesops.js").write_text("1")
    first = caching.asset_versions(tmp_path)
    assert first["salesops.css"] == hashlib.sha256(b"a { color: red }").hexdigest()[:16]
    assert caching.asset_versions(tmp_path) == first
    (tmp_path / "salesops.css").write_text("a { color: darkred }")  # a change: a new URL
    second = caching.asset_versions(tmp_path)
    assert second["salesops.css"] != first["salesops.css"]
    assert second["salesops.js"] == first["salesops.js"]


@pytest.mark.browser
def test_the_page_links_our_stylesheet_and_script_by_content_hash_cached_a_year(live_server):
    status, _, body = fetch(live_server, "/voila/render/_empty.ipynb")
    html = body.decode()
    live_server.shutdown_kernel(kernel_id_of(html))  # no browser, so no beacon
    assert status == 200
    for name in caching.OWN_FILES:
        digest = hashlib.sha256((caching.OWN_STATIC / name).read_bytes()).hexdigest()[:16]
        url = f"/voila/static/{name}?v={digest}"
        assert f'"{url}"' in html, name
        status, headers, content = fetch(live_server, url)
        assert status == 200 and headers["cache-control"] == caching.IMMUTABLE
        assert content == (caching.OWN_STATIC / name).read_bytes()
        # The plain URL (an old page, a bookmark) is revalidated, never kept a year.
        status, headers, _ = fetch(live_server, f"/voila/static/{name}")
        assert status == 200 and headers["cache-control"] == caching.REVALIDATE


@pytest.mark.browser
def test_an_unversioned_static_file_is_revalidated_and_answers_304(live_server):
    status, headers, _ = fetch(live_server, "/voila/static/voila.js")
    assert status == 200 and headers["cache-control"] == caching.REVALIDATE
    status, headers, body = fetch(
        live_server, "/voila/static/voila.js", **{"If-None-Match": headers["etag"]}
    )
    assert status == 304 and body == b""


def network_log(context, page) -> list[dict]:
    """Every response the page receives, as Chromium's devtools report it."""
    responses: list[dict] = []
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.responseReceived", lambda e: responses.append(e["response"]))
    return responses


@pytest.mark.browser
def test_a_second_visit_fetches_no_static_file_again(browser, live_server):
    # No request routing: Playwright turns the HTTP cache off in a context that routes
    # (offline_context does); the pages load nothing from outside (test_serve.py).
    context = browser.new_context()
    try:
        for visit in ("cold", "warm"):
            page = context.new_page()
            responses = network_log(context, page)
            page.goto(live_server.url("customers.ipynb"), wait_until="commit")
            page.locator(CUSTOMERS_READY).wait_for(state="visible")
            static = [r for r in responses if caching.cache_control(*urlsplit(r["url"])[2:4])]
            from_network = [r for r in static if not r.get("fromDiskCache")]
            revalidate = [r["url"] for r in static if urlsplit(r["url"]).query == ""]
            revalidate = [u for u in revalidate if not caching.HASHED_NAME.search(u)]
            revalidate = [u for u in revalidate if caching.STATIC_VERSIONED not in u]
            if visit == "cold":
                assert len(from_network) > 20  # voila.js, its chunks, widgets, styles
                compressible = [
                    r for r in static if r["mimeType"] in ("application/javascript", "text/css")
                ]
                headers = [{k.lower(): v for k, v in r["headers"].items()} for r in compressible]
                assert headers and all(h.get("content-encoding") == "gzip" for h in headers)
                # A year for versioned URLs; our own few unversioned files are revalidated.
                assert len(revalidate) <= 3, revalidate
                for r, h in zip(compressible, headers, strict=True):
                    want = caching.REVALIDATE if r["url"] in revalidate else caching.IMMUTABLE
                    assert h["cache-control"] == want, r["url"]
            else:
                # Nothing is asked for again but each unversioned file.
                assert sorted(r["url"] for r in from_network) == sorted(revalidate)
                # (revalidated: a 304 from the ETag, as the test above shows; Chromium
                # reports the cached 200 for them)
            page.close(run_before_unload=True)
        wait_until(lambda: live_server.kernels() == [], what="page kernels shut down")
    finally:
        context.close()


@pytest.mark.browser
def test_websocket_messages_are_deflated(live_server):
    from websockets.sync.client import connect

    status, _, body = fetch(live_server, "/voila/render/_empty.ipynb")
    kernel_id = kernel_id_of(body.decode())
    try:
        url = f"ws://127.0.0.1:{live_server.port}/api/kernels/{kernel_id}/channels"
        with connect(
            url,
            additional_headers={"Authorization": f"token {live_server.token}"},
            subprotocols=["v1.kernel.websocket.jupyter.org"],
        ) as ws:
            assert "permessage-deflate" in ws.response.headers["Sec-WebSocket-Extensions"]
    finally:
        live_server.shutdown_kernel(kernel_id)
