"""The Shipping page's components on a real database without a browser: the orders waiting
to ship and their PDF, bulk shipping's preview and its all-or-nothing and skip; finding an
order by its tracking number; the 360 view's courier and number."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from conftest import WANG

from salesops import address_book, orders
from salesops.schema import audit_log
from salesops.web.pagedata import PageData
from widgets.bulk_ship import BulkShip
from widgets.common import label
from widgets.customer_360 import Customer360
from widgets.order_status import OrderStatus
from widgets.shipping_app import ShippingApp


@pytest.fixture
def paid(db, basics, buyer):
    """Three paid orders of the buyer, sent to their default address."""
    address_book.add_address(
        db, buyer["id"], address_book.parse("张伟 13800138000 浙江省杭州市西湖区文三路 90 号")
    )
    return [
        orders.create_order(
            db, buyer["id"], [{"sku": "TEA-01", "quantity": q}], status="paid", actor=WANG
        )
        for q in (1, 2, 3)
    ]


def data_of(db) -> PageData:
    return PageData(db, actor=lambda: WANG)


def test_the_waiting_orders_are_listed_and_their_slips_come_as_a_pdf_link(db, paid):
    app = ShippingApp.for_page(data_of(db))
    table = app.waiting.table.value
    assert all(o["order_no"] in table for o in paid) and "文三路90号" in table
    assert "3" in app.waiting.message.value
    app.waiting.size.value = "label"
    app.waiting.pdf.click()
    assert app.waiting.message.kind == "success", app.waiting.message.value
    link = app.waiting.download.value
    assert 'download="packing-slips-label.pdf"' in link
    pdf = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert "so-waiting-contact" in link and label("waiting.contact") in html.unescape(link)
    with db.read() as conn:  # the buyer's contact details went out in a file: logged
        logged = conn.execute(
            sa.select(audit_log.c.row_id, audit_log.c.actor, audit_log.c.new_values).where(
                audit_log.c.action == "export"
            )
        ).all()
    assert [(r.row_id, r.actor, json.loads(r.new_values)) for r in logged] == [
        (paid[0]["customer_id"], "wang.fang", {"file": "packing-slips-label.pdf", "kind": "slips"})
    ]


def test_bulk_ship_previews_each_line_ships_all_or_nothing_then_skips_the_bad(db, paid):
    app = ShippingApp.for_page(data_of(db))
    bulk: BulkShip = app.bulk
    a, b, c = (o["order_no"] for o in paid)
    bulk.lines.value = f"{a}\t顺丰\tSF1234567890123\n{b}\t中通\t78123456789012\n{c}\t圆通\tYT12"
    bulk.check.click()
    preview = bulk.preview.value
    assert preview.count("so-ok") == 2 and preview.count("so-bad") == 1
    assert "so-bulk-state-bad_number" in preview and not bulk.ship.disabled
    bulk.ship.click()  # all or nothing: one bad line, nothing shipped
    assert bulk.message.kind == "error" and bulk.shipped == 0
    assert {orders.get_order(db, o["id"])["status"] for o in paid} == {"paid"}
    bulk.check.click()
    bulk.skip.value = True
    bulk.ship.click()
    assert bulk.message.kind == "success" and bulk.shipped == 2, bulk.message.value
    shipped = [orders.get_order(db, o["id"]) for o in paid]
    assert [o["status"] for o in shipped] == ["shipped", "shipped", "paid"]
    assert (shipped[0]["courier"], shipped[0]["tracking_no"]) == ("sf", "SF1234567890123")
    assert a not in app.waiting.table.value and c in app.waiting.table.value  # refreshed


def test_an_uploaded_file_is_checked_as_the_pasted_text_is(db, paid):
    bulk = BulkShip.for_page(data_of(db))
    text = f"订单号,快递公司,快递单号\n{paid[0]['order_no']},韵达,4312345678901\n"
    content = text.encode("gb18030")
    bulk.file.value = (
        {
            "name": "运单.csv",
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.now(UTC),
        },
    )
    assert "运单.csv" in bulk.file_name.value
    assert bulk.preview.value.count("so-ok") == 1 and not bulk.ship.disabled
    bulk.ship.click()
    assert orders.get_order(db, paid[0]["id"])["tracking_no"] == "4312345678901"


def test_an_order_is_found_by_its_tracking_number_and_the_360_view_shows_it(db, paid, buyer):
    data = data_of(db)
    data.ship(text=f"{paid[1]['order_no']} 顺丰 SF 1234 5678 9012 3")
    form = OrderStatus.for_page(data)
    form.number.value = "sf1234567890123"
    form.find.click()
    assert form.order_id == paid[1]["id"]
    assert "SF1234567890123" in form.card.value and "文三路90号" in form.card.value
    view = Customer360.for_page(data)
    view.value = buyer["id"]
    assert "SF1234567890123" in view.orders.value and "顺丰" in view.orders.value
