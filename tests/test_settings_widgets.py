"""The Shop settings page's components, built from plain functions (no database, no
browser): the settings form, the channel panel and the accounts panel."""

import pytest

from salesops.errors import Problem, ValidationError
from widgets.accounts_panel import AccountsPanel
from widgets.channel_panel import ChannelPanel
from widgets.settings_app import SettingsApp
from widgets.settings_form import SettingsForm

pytestmark = pytest.mark.usefixtures("english")


class Shop:
    """Dict-backed stand-ins for PageData's settings, channel and account functions."""

    def __init__(self, zone_source="default"):
        self.settings = {
            "shop_name": "",
            "business_zone": None,
            "currency_format": "¥{}",
            "default_channel_id": None,
            "version": 0,
            "zone": "Asia/Shanghai",
            "zone_source": zone_source,
        }
        self.channels: list[dict] = []
        self.accounts: list[dict] = []
        self.saved: list[dict] = []

    def load(self):
        return dict(self.settings)

    def save(self, changes, version):
        if version != self.settings["version"]:
            raise AssertionError("stale")
        self.saved.append(changes)
        self.settings.update(changes, version=version + 1)

    def choices(self):
        return {"zones": ["Asia/Shanghai", "Europe/Berlin"], "currencies": ["¥{}", "{}元"]}

    def add_channel(self, name, code):
        if any(c["name"] == name for c in self.channels):
            raise ValidationError([Problem("name", name, f"name: {name!r} is already a channel")])
        row = {
            "id": len(self.channels) + 1,
            "code": code or f"ch{len(self.channels) + 1:02d}",
            "name": name,
            "name_en": name,
            "active": True,
            "version": 1,
            "is_default": False,
        }
        self.channels.append(row)
        return row

    def change_channel(self, channel_id, version, **values):
        row = next(c for c in self.channels if c["id"] == channel_id)
        row.update(values, version=version + 1)
        return row

    def add_account(self, name, role, password, display_name):
        if len(password or "") < 8:
            raise ValidationError([Problem("password", "", "password: at least 8 characters")])
        row = {
            "username": name,
            "display_name": display_name or name,
            "role": role,
            "status": "active",
            "has_password": True,
            "last_login_at": None,
        }
        self.accounts.append(row)
        return row

    def account(self, name, **values):
        row = next(a for a in self.accounts if a["username"] == name)
        row.update(values)
        return row


def settings_form(shop):
    return SettingsForm(
        load=shop.load, save=shop.save, choices=shop.choices, channels=lambda: shop.channels
    )


def channel_panel(shop):
    return ChannelPanel(
        load=lambda: shop.channels,
        add=shop.add_channel,
        rename=lambda i, name, v: shop.change_channel(i, v, name=name),
        archive=lambda i, v: shop.change_channel(i, v, active=False),
        restore=lambda i, v: shop.change_channel(i, v, active=True),
    )


def accounts_panel(shop):
    return AccountsPanel(
        load=lambda: shop.accounts,
        add=shop.add_account,
        set_role=lambda n, r: shop.account(n, role=r),
        disable=lambda n: shop.account(n, status="disabled"),
        enable=lambda n: shop.account(n, status="active"),
        set_password=lambda n, pw: shop.account(n, password=pw),
    )


def test_the_settings_form_saves_what_was_chosen():
    shop = Shop()
    shop.add_channel("朋友圈", "moments")
    form = settings_form(shop)
    form.inputs["shop_name"].value = "小雨水果"
    form.inputs["business_zone"].value = "Europe/Berlin"
    form.inputs["currency_format"].value = "{}元"
    form.inputs["default_channel"].value = 1
    form.inputs["allow_backorder"].value = True
    assert [t for t, _v in form.inputs["currency_format"].options] == ["¥1,234.50", "1,234.50元"]
    form.save.click()
    assert form.message.kind == "success"
    assert shop.saved == [
        {
            "shop_name": "小雨水果",
            "currency_format": "{}元",
            "default_channel_id": 1,
            "allow_backorder": True,
            "business_zone": "Europe/Berlin",
        }
    ]
    assert shop.settings["version"] == 1


def test_a_reload_shows_the_stored_default_channel_not_an_unsaved_one():
    shop = Shop()
    shop.add_channel("朋友圈", "moments")
    shop.add_channel("微店", "weidian")
    shop.settings.update(default_channel_id=1, version=1)
    form = settings_form(shop)
    box = form.inputs["default_channel"]
    assert box.value == 1
    shop.settings.update(default_channel_id=None, version=2)  # another admin cleared it
    form.reload()
    assert box.index == 0 and box.value is None  # "(none)", as stored, never a blank box
    form.inputs["shop_name"].value = "小雨水果"
    form.save.click()
    assert shop.saved[-1]["default_channel_id"] is None  # not put back unasked
    box.value = 2  # unsaved; a new channel added elsewhere keeps it
    shop.add_channel("小红书", "xhs")
    form.reload_channels()
    assert box.value == 2 and len(box.options) == 4


def test_a_zone_fixed_by_the_environment_is_shown_not_offered():
    shop = Shop(zone_source="environment")
    shop.settings["zone"] = "America/New_York"
    form = settings_form(shop)
    assert form.inputs["business_zone"].disabled
    assert "America/New_York" in form.zone_note.value and "SALESOPS_TZ" in form.zone_note.value
    form.save.click()
    assert "business_zone" not in shop.saved[0]


def test_the_channel_panel_adds_renames_and_archives():
    shop = Shop()
    panel = channel_panel(shop)
    assert "No channels yet" in panel.table.value
    panel.inputs["name"].value = "小红书"
    panel.buttons["add"].click()
    assert panel.message.kind == "success" and "ch01" in panel.table.value
    assert panel.inputs["name"].value == "" and panel.changed == 1
    panel.inputs["name"].value = "小红书"
    panel.buttons["add"].click()
    assert "already a channel" in panel.errors.text("name")
    panel.pick.value = 1
    panel.inputs["new-name"].value = "小红书店"
    panel.buttons["rename"].click()
    assert "小红书店" in panel.table.value
    panel.buttons["archive"].click()
    assert "archived" in panel.table.value
    assert panel.buttons["restore"].layout.display == ""


def test_a_new_channel_is_offered_at_once_as_the_default():
    shop = Shop()
    form, panel = settings_form(shop), channel_panel(shop)
    app = SettingsApp(form, panel, accounts_panel(shop))
    panel.inputs["name"].value = "微店"
    panel.buttons["add"].click()
    assert (("微店 (ch01)", 1)) in form.inputs["default_channel"].options
    assert app.form is form


def test_the_accounts_panel_adds_changes_role_and_disables():
    shop = Shop()
    panel = accounts_panel(shop)
    i = panel.inputs
    i["username"].value, i["role"].value, i["password"].value = "wang.fang", "staff", "short"
    panel.buttons["add"].click()
    assert "8 characters" in panel.errors.text("password") and shop.accounts == []
    assert i["password"].value == "" and i["username"].value == "wang.fang"
    i["password"].value = "long enough"
    panel.buttons["add"].click()
    assert panel.message.kind == "success" and "wang.fang" in panel.table.value
    assert i["password"].value == ""  # never left on the page
    panel.pick.value = "wang.fang"
    panel.new_role.value = "manager"
    panel.buttons["set-role"].click()
    assert shop.accounts[0]["role"] == "manager" and "manager" in panel.table.value
    panel.buttons["disable"].click()
    assert shop.accounts[0]["status"] == "disabled"
    assert panel.buttons["enable"].layout.display == ""
    panel.buttons["enable"].click()
    assert shop.accounts[0]["status"] == "active"
    panel.inputs["new-password"].value = "another one"
    panel.buttons["set-password"].click()
    assert shop.accounts[0]["password"] == "another one"
    assert panel.inputs["new-password"].value == "" and "signed out" in panel.message.value
