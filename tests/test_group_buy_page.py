"""The orders page's 接龙 tab without a browser: paste, check, settle, confirm, paste again
(on SQLite and PostgreSQL, from an empty database set up through the services)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from salesops.schema import orders
from salesops.web.pagedata import PageData
from tests.conftest import WANG
from tests.test_groupbuy_orders import EXAMPLE, count, customer, set_up_shop
from widgets.group_buy import GroupBuyPanel
from widgets.orders_app import OrdersApp

pytestmark = pytest.mark.usefixtures("english")


def test_paste_settle_confirm_and_paste_again(db):
    set_up_shop(db)
    chen = customer(db, "陈姐", mobile="13700000001")
    customer(db, "陈姐")
    app = OrdersApp.for_page(PageData(db, actor=lambda: WANG))
    tab = app.group_buy
    assert app.tabs.titles[1].startswith("接龙")
    assert [v for _l, v in tab.community.options] == ["", "周五水果团"]
    tab.text.value = EXAMPLE
    tab.community.value = "周五水果团"
    tab.check.click()
    assert tab.confirm.disabled and "so-bad" in tab.preview.value
    assert "39.00" in tab.preview.value and "3号楼2单元" in tab.preview.value
    (box,) = tab.fixes.children
    assert "so-groupbuy-fix-5" in box._dom_classes
    pick = next(w for w in box.children if "so-groupbuy-fix-customer" in w._dom_classes)
    assert chen in [v for _l, v in pick.options]
    pick.value = chen
    assert not tab.confirm.disabled and "so-bad" not in tab.preview.value
    tab.confirm.click()
    assert tab.message.kind == "success" and "SO00000005" in tab.message.value
    assert count(db, orders) == 5 and tab.confirm.disabled
    with db.read() as conn:
        buyer = conn.execute(
            sa.select(orders.c.customer_id).where(orders.c.order_no == "SO00000005")
        )
        assert buyer.scalar() is not None
    # the list again after two more people joined: only their entries are new
    tab.text.value = EXAMPLE + "6. 小雨 车厘子2 13912345678\n7. Bob 草莓\n"
    tab.check.click()
    assert not tab.confirm.disabled and tab.fixes.children == ()
    assert "SO00000001" in tab.preview.value  # written before, shown as such
    tab.confirm.click()
    assert count(db, orders) == 7 and "SO00000007" in tab.message.value


def test_an_unknown_product_is_picked_or_left_out_on_the_page(db):
    set_up_shop(db, community=None)
    tab = GroupBuyPanel.for_page(PageData(db, actor=lambda: WANG))
    tab.text.value = "1. 李梅 草莓2 榴莲1\n2. 王芳 草莓半盒\n"
    tab.check.click()
    first, second = tab.fixes.children
    product = next(w for w in first.children if "so-groupbuy-fix-product" in w._dom_classes)
    product.value = "LYCHEE"
    qty = next(w for w in second.children if "so-groupbuy-fix-quantity" in w._dom_classes)
    assert tab.confirm.disabled  # entry 2 still has no quantity: nothing is guessed
    qty.value = 1
    assert not tab.confirm.disabled
    tab.confirm.click()
    assert count(db, orders) == 2
