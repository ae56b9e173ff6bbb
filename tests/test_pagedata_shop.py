"""What the Products and Shop settings pages may call (PageData), from an empty database:
staff never receive unit costs and are refused by the services; pages are built for the
role at them."""

import pytest
from conftest import as_person

from salesops.accounts import add_user
from salesops.errors import PermissionDenied, ValidationError
from widgets.products_app import ProductsApp
from widgets.settings_app import SettingsApp


@pytest.fixture
def shop(db):
    """An empty database where a manager has added one channel and one product."""
    boss = as_person(db, "boss", "manager")
    boss.add_channel("朋友圈")
    boss.create_product({"sku": "BERRY-1", "name": "草莓", "price": "39", "unit_cost": "20"})
    return db


def test_staff_never_receive_unit_costs(shop):
    staff = as_person(shop, "wang.fang", "staff")
    for rows in (staff.products(), staff.product_list()):
        assert rows and all("unit_cost" not in r and "margin" not in r for r in rows)
    assert "unit_cost" not in staff.product(staff.product_list()[0]["id"])
    boss = as_person(shop, "boss", "manager")
    assert boss.products()[0]["unit_cost"] is not None
    assert str(boss.product_list()[0]["margin"]) == "0.4872"


def test_staff_are_refused_products_channels_and_settings_by_the_services(shop):
    staff = as_person(shop, "wang.fang", "staff")
    product = staff.product_list()[0]
    for action in (
        lambda: staff.create_product({"sku": "X", "name": "x", "price": "1"}),
        lambda: staff.update_product(product["id"], {"price": "1"}, product["version"]),
        lambda: staff.archive_product(product["id"], product["version"]),
        lambda: staff.add_channel("微店"),
        lambda: staff.save_shop_settings({"shop_name": "x"}, 0),
        lambda: staff.staff_accounts(),
    ):
        with pytest.raises(PermissionDenied, match="wang.fang"):
            action()
    manager = as_person(shop, "boss", "manager")
    with pytest.raises(PermissionDenied, match="boss"):
        manager.save_shop_settings({"shop_name": "x"}, 0)


def test_pages_are_built_for_the_role_at_them(shop):
    staff_page = ProductsApp.for_page(as_person(shop, "wang.fang", "staff"))
    assert staff_page.form is None and "¥39.00" in staff_page.table.value
    assert "¥20.00" not in staff_page.table.value
    manager_page = ProductsApp.for_page(as_person(shop, "boss", "manager"))
    assert manager_page.form is not None and "¥20.00" in manager_page.table.value
    refusal = SettingsApp.for_page(as_person(shop, "boss", "manager"))
    assert "so-settings-refused" in refusal._dom_classes
    admin_page = SettingsApp.for_page(as_person(shop, "root", "admin"))
    assert "朋友圈" in admin_page.channels.table.value


def test_an_admin_cannot_disable_or_demote_themselves_on_the_page(shop):
    add_user(shop, "root", "admin", "long password")
    add_user(shop, "wang.fang", "staff", "long password")
    admin = as_person(shop, "root", "admin")
    with pytest.raises(ValidationError) as refused:
        admin.disable_account("root")
    assert refused.value.fields == ["username"]
    with pytest.raises(ValidationError):
        admin.set_account_role("root", "manager")
    assert admin.disable_account("wang.fang")["disabled_at"] is not None
    assert [a["status"] for a in admin.staff_accounts()] == ["active", "disabled"]
