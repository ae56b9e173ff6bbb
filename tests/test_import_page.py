"""The import page in a real browser: upload an orders CSV, check it, import it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from browser import ARTIFACTS, LiveServer, apps_copy
from browser import screenshot as _screenshot
from importfiles import ORDER_HEADERS_ZH, ORDER_ROWS, write_csv
from playwright.sync_api import expect

from salesops.db import connect
from salesops.schema import imports, order_lines, orders

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own (token mode, role manager) over a small demo shop."""
    root = tmp_path_factory.mktemp("import-page")
    server = LiveServer(root, apps_copy(root), voila_args=("--role", "manager"))
    cli = [sys.executable, "-m", "salesops", "--db", server.db_url]
    subprocess.run([*cli, "init"], check=True, capture_output=True)
    subprocess.run(
        [*cli, "demo", "--customers", "8", "--orders", "0"], check=True, capture_output=True
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def db(server):
    database = connect(server.db_url)
    yield database
    database.dispose()


def screenshot(page, name: str):
    """A screenshot of the whole page (Voila scrolls inside the body, so grow the viewport)."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": max(900, min(height + 40, 3000))})
    return _screenshot(page, name)


def test_an_orders_csv_is_uploaded_checked_and_imported(page_of, db, tmp_path):
    path = write_csv(tmp_path / "shop-orders.csv", ORDER_HEADERS_ZH, ORDER_ROWS, "utf-8-sig")
    page = page_of("import.ipynb", ".so-import-file")
    # ipywidgets' FileUpload keeps its <input type=file> out of the document and clicks it
    # from the button, so the file goes through the file chooser the click opens.
    with page.expect_file_chooser() as chooser:
        page.locator(".so-import-file").click()
    chooser.value.set_files(str(path))
    expect(page.locator(".so-import-mapping")).to_contain_text("shop-orders.csv")
    expect(page.locator(".so-import-preview")).to_contain_text("A003")
    expect(page.locator(".so-import-preview")).to_contain_text("order_no")
    page.locator(".so-import-check").click()
    expect(page.locator(".so-import-message.so-message-success")).to_be_visible()
    expect(page.locator(".so-import-summary")).to_contain_text("NEW-SKU")
    expect(page.locator(".so-import-confirm")).to_be_enabled()
    screenshot(page, "import-checked")
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar() == 0

    page.locator(".so-import-confirm").click()
    expect(page.locator(".so-import-confirm")).to_be_disabled()
    expect(page.locator(".so-import-message")).to_contain_text("#")
    with db.read() as conn:
        run = conn.execute(sa.select(imports)).mappings().one()
        made = conn.execute(
            sa.select(orders.c.order_no, orders.c.created_by, sa.func.count())
            .join(order_lines, order_lines.c.order_id == orders.c.id)
            .group_by(orders.c.order_no, orders.c.created_by)
            .order_by(orders.c.order_no)
        ).all()
    assert [tuple(r) for r in made] == [
        ("A001", "tester", 2),
        ("A002", "tester", 1),
        ("A003", "tester", 1),
    ]
    assert run["file_name"] == "shop-orders.csv" and run["actor"] == "tester"
    expect(page.locator(".so-import-message")).to_contain_text(f"#{run['id']}")
    expect(page.locator(".so-import-progress")).to_be_visible()
    screenshot(page, "import-written")
    assert "Traceback" not in page.locator("body").inner_text()


def test_the_duplicates_section_merges_a_pair(page_of, db):
    from salesops.actors import Actor
    from salesops.customers import create_customer
    from salesops.schema import customer_merges

    tester = Actor("tester", "manager")
    a = create_customer(db, {"name": "重复的王芳", "mobile": "13600136000"}, tester)
    create_customer(db, {"name": "重复的王芳", "mobile": "13600136001"}, tester)
    page = page_of("customers.ipynb", ".so-dups-find")
    page.locator(".so-dups-find").click()
    pair = page.locator(".so-dups-pair").filter(has_text="重复的王芳")
    expect(pair).to_have_count(1)
    screenshot(page, "customers-duplicates")
    pair.locator(".so-dups-keep-a").click()
    expect(page.locator(".so-dups-undo")).to_be_visible()
    with db.read() as conn:
        merge = conn.execute(sa.select(customer_merges)).mappings().one()
    assert merge["kept_id"] == a["id"] and merge["actor"] == "tester"
    expect(page.locator(".so-dups-message")).to_contain_text(f"#{merge['id']}")
    section = page.locator(".so-dups")
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(ARTIFACTS / "customers-duplicates-merged.png"))
