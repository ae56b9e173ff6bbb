"""Signing in with staff accounts, in a real browser against a live `salesops serve`.

One server in accounts mode for the module (a throwaway SQLite database with a staff
member, a manager and an admin, tests/signinserver.py); the trusted-header mode is in
tests/test_trusted_header.py.
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse

import pytest
import sqlalchemy as sa
from browser import (
    apps_copy,
    close_page,
    goto,
    offline_context,
    page_kernel_id,
    screenshot,
    wait_until,
    write_page,
)
from signinserver import PASSWORDS, ROLES, WHOAMI, AccountsServer

from salesops import accounts, customers, orders
from salesops.db import Database
from salesops.schema import audit_log, staff_users
from salesops.web.signin import next_page

pytestmark = pytest.mark.browser


def action_page(folder, name: str, call: str) -> None:
    """A page with one button (`.t-go`) that runs `call` on PageData `data` and shows the
    outcome in `.t-msg` (class `ok` or `refused`), as a staff form would."""
    write_page(
        folder,
        name,
        f"""
import ipywidgets as ipw
from salesops.web.pagedata import PageData
from salesops.errors import SalesopsError
data = PageData.from_env()
go = ipw.Button(description="go")
go.add_class("t-go")
msg = ipw.HTML()
msg.add_class("t-msg")
def _on_go(_):
    try:
        data_result = {call}
        msg.value = "<span class='ok'>done</span>"
    except SalesopsError as e:
        msg.value = f"<span class='refused'>{{e}}</span>"
go.on_click(_on_go)
ipw.VBox([go, msg])
""",
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One accounts-mode server for the module, with test pages beside the real ones."""
    root = tmp_path_factory.mktemp("accounts")
    apps = apps_copy(root)
    write_page(apps, "_whoami.ipynb", WHOAMI)
    for page in ("audit.ipynb", "weekly_sheet.ipynb"):  # manager pages (placeholders if absent)
        if not (apps / page).exists():
            write_page(apps, page, "from IPython.display import HTML\nHTML('<h1>managers</h1>')")
    live = AccountsServer(root, apps).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def db(server):
    """The live server's database, for setting up data and checking what was written."""
    handle = Database(server.db_url)
    yield handle
    handle.dispose()


def sign_in_page(context, server, name, password=None, page_name="_whoami.ipynb"):
    """Open a page, get the login form, sign in, and return the browser page."""
    page = context.new_page()
    page.goto(server.url(page_name, token=False), wait_until="commit")
    page.locator(".so-login-username").wait_for(state="visible")
    page.fill(".so-login-username", name)
    page.fill(".so-login-password", PASSWORDS[name] if password is None else password)
    page.click(".so-login-submit")
    return page


def test_a_page_without_a_session_is_refused_and_starts_no_kernel(server):
    before = server.kernels()
    status, headers, body = server.get("/voila/render/_whoami.ipynb")
    assert status == 302 and "/login" in headers["Location"]
    assert server.get("/voila/render/_whoami.ipynb?token=anything")[0] == 302
    assert server.get("/api/kernels")[0] == 403
    assert server.kernels() == before


def test_staff_and_manager_sign_in_and_their_pages_act_for_them(context, server):
    page = context.new_page()
    page.goto(server.url("_whoami.ipynb", token=False), wait_until="commit")
    page.locator(".so-login-username").wait_for(state="visible")
    screenshot(page, "signin-login-page")
    for name in ("wang.fang", "li.lei"):
        ctx_page = sign_in_page(context.browser.new_context(), server, name)
        goto(ctx_page, ctx_page.url, "#who")  # the redirect after sign-in lands on the page
        assert ctx_page.locator("#who").inner_text() == name
        screenshot(ctx_page, f"signin-page-as-{ROLES[name]}")
        close_page(ctx_page)
        ctx_page.context.close()
    close_page(page)


def test_staff_cannot_open_manager_pages_and_managers_can(server):
    staff, manager = server.sign_in("wang.fang")[1], server.sign_in("li.lei")[1]
    before = server.kernels()
    for page in ("audit.ipynb", "weekly_sheet.ipynb"):
        status, _, body = server.get(f"/voila/render/{page}", {"Cookie": staff})
        assert status == 403, page
        assert "wang.fang (staff) may not open" in body and "Traceback" not in body
    assert server.kernels() == before  # refused before any kernel started
    status, _, body = server.get("/voila/render/audit.ipynb", {"Cookie": manager})
    assert status == 200 and "rendered_cells" in body
    wait_until(lambda: len(server.kernels()) > len(before), 30, "the manager's kernel")
    for kernel in set(server.kernels()) - set(before):
        assert server.shutdown_kernel_as(kernel, staff) == 403  # not hers
        assert server.shutdown_kernel_as(kernel, manager) == 204


def test_staff_refused_page_in_the_browser_says_so(context, server):
    page = sign_in_page(context, server, "wang.fang", page_name="audit.ipynb")
    page.locator(".so-page-refused").wait_for(state="visible")
    assert "may not open audit.ipynb" in page.locator(".so-page-refused").inner_text()
    screenshot(page, "signin-staff-refused-audit")
    page.close()


def test_wrong_password_is_refused_then_the_name_is_locked(context, server, db):
    page = sign_in_page(context, server, "zhao.min", password="not my password")
    page.locator(".so-login-message").wait_for(state="visible")
    assert page.locator(".so-login-message").inner_text() == "Wrong user name or password."
    assert page.locator(".so-login-username").input_value() == "zhao.min"
    assert page.locator(".so-login-password").input_value() == ""
    screenshot(page, "signin-wrong-password")
    for _ in range(accounts.LOCK_AFTER - 1):
        assert server.sign_in("zhao.min", "guess again")[0] == 401
    with db.read() as conn:
        failed = conn.execute(
            sa.select(staff_users.c.failed_logins, staff_users.c.locked_until).where(
                staff_users.c.username == "zhao.min"
            )
        ).one()
    assert failed.failed_logins == accounts.LOCK_AFTER and failed.locked_until is not None
    status, cookie, body = server.sign_in("zhao.min")  # the right password, but locked
    assert status == 401 and "salesops-session" not in cookie
    assert "Too many wrong passwords for zhao.min" in body
    page.fill(".so-login-password", PASSWORDS["zhao.min"])
    page.click(".so-login-submit")
    page.locator(".so-login-message", has_text="Too many").wait_for(state="visible")
    screenshot(page, "signin-locked")
    page.close()


def test_staff_cannot_cancel_an_order_from_a_page(context, server, db):
    shop = customers.create_customer(db, {"name": "张伟", "mobile": "13800138001"})
    db_channel(db)
    order = orders.create_order(
        db, shop["id"], [{"sku": "T-1", "quantity": 1}], channel="wechat_moments", status="paid"
    )
    call = f"data.change_status({order['id']}, 'cancelled', 1, reason='changed mind')"
    action_page(server.apps_dir, "_cancel.ipynb", call)
    page = sign_in_page(context, server, "wang.fang", page_name="_cancel.ipynb")
    goto(page, page.url, ".t-go")
    page.click(".t-go")
    refused = page.locator(".t-msg .refused")
    refused.wait_for(state="visible")
    assert "wang.fang (staff) may not cancel, refund or delete orders" in refused.inner_text()
    screenshot(page, "signin-staff-cancel-refused")
    assert orders.get_order(db, order["id"])["status"] == "paid"
    close_page(page)


def db_channel(db):
    """A channel and a product for orders (once)."""
    from salesops.schema import channels, now_utc, products

    with db.write() as conn:
        if conn.execute(sa.select(channels.c.id)).first() is None:
            conn.execute(
                sa.insert(channels).values(
                    code="wechat_moments", name="朋友圈", name_en="WeChat Moments"
                )
            )
            conn.execute(
                sa.insert(products).values(sku="T-1", name="茶", price=10, created_at=now_utc())
            )


def edit_region(page, mobile: str, region: str) -> None:
    """On the customers page: find the customer by mobile, set the region, save."""
    page.locator(".so-customers-search input").fill(mobile)
    page.locator(".so-customers-search-results option").first.wait_for(state="attached")
    page.locator(".so-customers-search-results select").select_option(index=0)
    # the form holds the customer (staff get the mobile box empty, its number as a masked hint)
    page.wait_for_function("document.querySelector('.so-customer-name input').value !== ''")
    page.locator(".so-customer-region input").fill(region)
    page.locator(".so-customer-save").click()
    page.locator(".so-customer-message.so-message-success").wait_for(state="visible")


def change_rows(page) -> list[str]:
    """The change log's rows as shown (cells joined by tabs), top to bottom."""
    return page.locator(".so-audit-changes tr.so-changes-row").all_inner_texts()


def test_two_people_edit_two_customers_and_the_change_log_names_each(browser, server, db):
    made = {
        name: customers.create_customer(
            db, {"name": f"审计客户{i}", "region": "上海", "mobile": f"1391234000{i}"}
        )
        for i, name in enumerate(("wang.fang", "li.lei"))
    }
    regions = {"wang.fang": "杭州", "li.lei": "苏州"}
    pages = {}
    for name in made:  # each in a browser of their own, both pages open at once
        page = sign_in_page(offline_context(browser), server, name, page_name="customers.ipynb")
        pages[name] = goto(page, page.url, ".so-customers-search input")
    for name, customer in made.items():
        edit_region(pages[name], customer["mobile"], regions[name])
    for name, customer in made.items():
        stored = customers.get_customer(db, customer["id"])
        assert stored["updated_by"] == name
        assert stored["mobile"] == customer["mobile"]  # staff's masked, empty box kept it

    log = goto(pages["li.lei"], server.url("audit.ipynb", token=False), ".so-audit-changes tr")
    rows = change_rows(log)
    for name, customer in made.items():
        what = f"customer {customer['code']} {customer['name']}"
        [row] = [r for r in rows if what in r and "changed" in r]
        assert name in row and f"region: 上海 → {regions[name]}" in row
    assert rows.index(next(r for r in rows if "苏州" in r)) < rows.index(
        next(r for r in rows if "杭州" in r)
    )  # newest first
    screenshot(log, "audit-page")
    log.locator(".so-audit-person select").select_option(label="wang.fang")
    log.wait_for_function(
        "(rows => rows.length && rows.every(r => r.innerText.includes("
        "'wang.fang')))([...document.querySelectorAll("
        "'.so-audit-changes tr.so-changes-row')])"
    )
    assert any("杭州" in r for r in change_rows(log))
    assert not any("苏州" in r for r in change_rows(log))
    height = log.evaluate("document.documentElement.scrollHeight")
    log.set_viewport_size({"width": 1280, "height": max(900, min(height + 40, 3000))})
    screenshot(log, "audit-page-by-person")
    for page in pages.values():
        close_page(page)
        page.context.close()


def test_a_disabled_account_is_refused_at_once_even_on_an_open_page(browser, server, db):
    customer = customers.create_customer(db, {"name": "王芳的客户"})
    action_page(
        server.apps_dir,
        "_disable.ipynb",
        f"data.update_customer({customer['id']}, {{'notes': 'edited'}}, 1)",
    )
    page = sign_in_page(browser.new_context(), server, "liu.yang", page_name="_disable.ipynb")
    goto(page, page.url, ".t-go")
    done = subprocess.run(
        [*server._cli("user", "disable", "liu.yang")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    page.click(".t-go")  # the page was open before; its next action is refused
    refused = page.locator(".t-msg .refused")
    refused.wait_for(state="visible")
    assert "disabled" in refused.inner_text()
    screenshot(page, "signin-disabled-open-page")
    assert customers.get_customer(db, customer["id"])["notes"] == ""
    page.reload(wait_until="commit")  # the session is gone too
    page.locator(".so-login-username").wait_for(state="visible")
    status, _, body = server.sign_in("liu.yang")
    assert status == 401 and "is disabled" in body
    close_page(page)
    page.context.close()


def test_nobody_can_use_another_persons_kernel(browser, server):
    manager_page = sign_in_page(browser.new_context(), server, "li.lei")
    goto(manager_page, manager_page.url, "#who")
    kernel = page_kernel_id(manager_page)
    staff = server.sign_in("wang.fang")[1]
    manager = server.sign_in("li.lei")[1]
    assert server.get(f"/api/kernels/{kernel}", {"Cookie": staff})[0] == 403
    assert server.get(f"/api/kernels/{kernel}", {"Cookie": manager})[0] == 200
    assert kernel not in json.loads(server.get("/api/kernels", {"Cookie": staff})[2])
    assert websocket_status(server, kernel, staff) == 403
    assert websocket_status(server, kernel, manager) == 101
    close_page(manager_page)
    manager_page.context.close()


def websocket_status(server, kernel: str, cookie: str) -> int:
    """The HTTP status of a websocket handshake to a kernel with `cookie` (101: connected)."""
    import socket

    request = (
        f"GET /api/kernels/{kernel}/channels HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Protocol: v1.kernel.websocket.jupyter.org\r\n"  # as pages ask
        f"Sec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request.encode())
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_passwords_and_hashes_never_reach_the_log_or_pages(server, db):
    wrong = "typed-by-mistake-7Qx"  # a refused sign-in of this test's own, by an unknown name
    status, _cookie, _body = server.sign_in("no.such.person", password=wrong)
    assert status == 401
    log = server.log()
    for password in [*PASSWORDS.values(), wrong]:
        assert password not in log
    with db.read() as conn:
        hashes = conn.execute(sa.select(staff_users.c.password_hash)).scalars().all()
        audit = " ".join(str(v) for r in conn.execute(sa.select(audit_log)) for v in r)
    for stored in hashes:
        assert stored[:20] not in log and stored not in audit
    assert "$argon2" not in log and "$argon2" not in audit
    assert "sign-in refused for 'no.such.person'" in log  # failures are logged, by name only
    listing = subprocess.run(server._cli("user", "list"), capture_output=True, text=True)
    assert "$argon2" not in listing.stdout


def test_sign_out_ends_the_session(server):
    _, cookie, _ = server.sign_in("li.lei")
    assert server.get("/api/kernels", {"Cookie": cookie})[0] == 200
    assert server.get("/logout", {"Cookie": cookie})[0] == 200  # the button only
    assert server.get("/api/kernels", {"Cookie": cookie})[0] == 200
    assert server.sign_out(cookie) == 200
    assert server.get("/api/kernels", {"Cookie": cookie})[0] == 403  # the row is gone


@pytest.mark.parametrize(
    "nxt",
    [
        "/%09/evil.example",  # a browser drops the tab: //evil.example
        "/%0a/evil.example",
        "//evil.example",
        "/%2f/evil.example",
        "/\\evil.example",
        "http://evil.example/voila/render/index.ipynb",
        "/voila/render/no_such_page.ipynb",
        "/voila/render/../../etc/passwd.ipynb",
    ],
)
def test_sign_in_never_redirects_off_our_pages(server, nxt):
    query = "?" + urllib.parse.urlencode({"next": urllib.parse.unquote(nxt)})
    status, headers, _, _ = server.post_login("li.lei", query=query)
    assert status == 302 and headers["Location"] == "/"


def test_sign_in_goes_on_to_the_page_asked_for(server):
    query = "?" + urllib.parse.urlencode({"next": "/voila/render/customers.ipynb?code=C1"})
    status, headers, _, _ = server.post_login("li.lei", query=query)
    assert status == 302 and headers["Location"] == "/voila/render/customers.ipynb?code=C1"


def test_next_page_is_rebuilt_from_a_parsed_path(tmp_path):
    (tmp_path / "orders.ipynb").write_text("{}")
    assert next_page("/voila/render/orders.ipynb", "/", tmp_path) == "/voila/render/orders.ipynb"
    assert next_page("/shop/voila/render/orders.ipynb", "/shop/", tmp_path).startswith("/shop/v")
    for bad in ("/\t/evil.example", "/ /evil.example", "/voila/render/orders.ipynb\r\nX: 1"):
        assert next_page(bad, "/", tmp_path) == "/"
    assert next_page("/voila/render/orders.ipynb", "/shop/", tmp_path) == "/shop/"
