"""Behind a proxy (`--trusted-header`): the server believes the header only from loopback,
refuses to listen elsewhere, and names only enabled accounts; in a real browser."""

from __future__ import annotations

import os
import subprocess

import pytest
from browser import LiveServer, apps_copy, close_page, free_port, goto, screenshot, write_page
from signinserver import WHOAMI, AccountsServer

from salesops import accounts
from salesops.db import Database

pytestmark = pytest.mark.browser


def test_trusted_header_refuses_to_start_unless_on_loopback(tmp_path):
    cli = LiveServer(tmp_path, tmp_path)._cli
    subprocess.run(cli("init"), check=True, capture_output=True)
    done = subprocess.run(
        [*cli("serve"), "--trusted-header", "X-Forwarded-User", "--host", "0.0.0.0", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SALESOPS_LANG": "en"},
    )
    assert done.returncode == 1
    assert "only allowed while listening on 127.0.0.1" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("option", ["--Voila.ip=0.0.0.0", "--Voila.ip=::", "--Voila.port=1"])
def test_serve_refuses_an_address_passed_on_to_voila(tmp_path, option):
    """Passed through to Voila, --Voila.ip=0.0.0.0 bound every interface in trusted-header
    mode, where only loopback may reach the server."""
    cli = LiveServer(tmp_path, tmp_path)._cli
    subprocess.run(cli("init"), check=True, capture_output=True)
    port = str(free_port())
    done = subprocess.run(
        [*cli("serve"), "--trusted-header", "X-Forwarded-User", "--port", port, option],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SALESOPS_LANG": "en"},
    )
    assert done.returncode == 1
    assert f"the address is set with --host and --port only; remove {option}" in done.stderr
    assert "Traceback" not in done.stderr


def test_trusted_header_is_believed_only_from_loopback(tmp_path):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from salesops import migrate
    from salesops.web.signin import TrustedHeaderIdentityProvider, is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")
    url = f"sqlite:///{tmp_path / 'h.db'}"
    handle = Database(url)
    migrate.upgrade(handle)
    accounts.add_user(handle, "boss", "admin", None)
    handle.dispose()
    provider = TrustedHeaderIdentityProvider(header="X-Forwarded-User", db_url=url)

    def user_from(remote_ip):
        request = SimpleNamespace(remote_ip=remote_ip, headers={"X-Forwarded-User": "boss"})
        with ThreadPoolExecutor(1) as pool:  # a thread of its own: Playwright's loop runs here
            user = pool.submit(asyncio.run, provider.get_user(SimpleNamespace(request=request)))
            return user.result()

    assert user_from("127.0.0.1").username == "boss"
    assert user_from("10.0.0.5") is None  # the header from anywhere else is ignored


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """A server in trusted-header mode (as behind nginx or JupyterHub) with two accounts."""
    root = tmp_path_factory.mktemp("proxied")
    apps = apps_copy(root)
    write_page(apps, "_whoami.ipynb", WHOAMI)
    live = AccountsServer(root, apps, voila_args=["--trusted-header", "X-Forwarded-User"])
    live.start(users={"li.lei": "manager", "wang.fang": "staff"})
    subprocess.run(live._cli("user", "disable", "wang.fang"), check=True, capture_output=True)
    yield live
    live.stop()


def test_trusted_header_names_the_person_on_loopback(browser, proxied):
    context = browser.new_context(extra_http_headers={"X-Forwarded-User": "li.lei"})
    page = goto(context.new_page(), proxied.url("_whoami.ipynb", token=False), "#who")
    assert page.locator("#who").inner_text() == "li.lei"
    screenshot(page, "signin-trusted-header")
    close_page(page)
    context.close()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Forwarded-User": "stranger"},
        {"X-Forwarded-User": "wang.fang"},  # disabled
        {"X-Other-User": "li.lei"},
    ],
)
def test_trusted_header_without_an_enabled_account_is_refused(proxied, headers):
    status, location, _ = proxied.get("/voila/render/_whoami.ipynb", headers)
    assert status == 302 and "/login" in location["Location"]
    status, _, body = proxied.get("/login", headers)
    assert status == 403 and "proxy" in body and "<input" not in body  # no password form
