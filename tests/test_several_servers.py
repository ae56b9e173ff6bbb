"""Several `salesops serve` against one PostgreSQL (issue 20, "Several servers"), and
cookies behind a TLS proxy (finding 6): the cookie secret shared through
SALESOPS_COOKIE_SECRET, a login on one server valid on the other, a sign-out on one ending
it on both; with --https every cookie is Secure; signing out is a POST with XSRF."""

from __future__ import annotations

import os

import pytest
from conftest import pg_url
from signinserver import AccountsServer

pytestmark = pytest.mark.slow
SECRET = "one-secret-for-the-whole-team-7f3a"


class SharedServer(AccountsServer):
    """An accounts server on a given database, with the team's secret in its environment."""

    def __init__(self, root, db_url, *options):
        root.mkdir(exist_ok=True)
        apps = root / "apps"
        apps.mkdir(exist_ok=True)
        super().__init__(root, apps, voila_args=list(options))
        self.db_url = db_url

    def _serve(self, env, *options):
        super()._serve({**env, "SALESOPS_COOKIE_SECRET": SECRET}, *options)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, pg_server):
    """Two servers on different ports, one PostgreSQL database; the first behind 'TLS'."""
    root = tmp_path_factory.mktemp("several")
    url = pg_url(pg_server, template=None)
    first = SharedServer(root / "a", url, "--https").start()
    second = SharedServer(root / "b", url)
    second._serve({k: v for k, v in os.environ.items() if k != "SALESOPS_TOKEN"})
    second._admin_cookie = None
    yield first, second
    first.stop()
    second.stop()


def test_a_login_on_one_server_is_valid_on_the_other_and_a_logout_ends_it_on_both(servers):
    first, second = servers
    status, cookie, _ = first.sign_in("li.lei")
    assert status == 302 and "salesops-session=" in cookie
    assert first.get("/api/kernels", {"Cookie": cookie})[0] == 200
    assert second.get("/api/kernels", {"Cookie": cookie})[0] == 200
    assert second.sign_out(cookie) == 200
    assert second.get("/api/kernels", {"Cookie": cookie})[0] == 403
    assert first.get("/api/kernels", {"Cookie": cookie})[0] == 403


def test_signing_out_needs_a_post_with_the_xsrf_token(servers):
    first, _ = servers
    _, cookie, _ = first.sign_in("wang.fang")
    assert first.get("/logout", {"Cookie": cookie})[0] == 200  # the button, nothing more
    assert first.get("/api/kernels", {"Cookie": cookie})[0] == 200
    assert first.sign_out(cookie, with_xsrf=False) == 403
    assert first.get("/api/kernels", {"Cookie": cookie})[0] == 200
    assert first.sign_out(cookie) == 200
    assert first.get("/api/kernels", {"Cookie": cookie})[0] == 403


def test_behind_tls_every_cookie_is_secure(servers):
    first, second = servers
    _, headers, _, _ = first.post_login("li.lei")
    cookies = headers.get_all("Set-Cookie")
    assert "salesops-session" in {c.split("=")[0] for c in cookies}
    assert all("Secure" in c for c in cookies), cookies
    _, form_headers, _ = first.get("/login")
    assert "Secure" in form_headers["Set-Cookie"]
    _, headers, _, _ = second.post_login("li.lei")  # without --https: plain HTTP cookies
    assert not any("Secure" in c for c in headers.get_all("Set-Cookie"))
