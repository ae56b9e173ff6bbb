"""Landing: today's numbers and the apps as tabs built when first opened."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from salesops.web.pagedata import PageData
from widgets.landing import Landing


@pytest.fixture
def data(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    return PageData(db)


def test_todays_numbers_and_refresh(data):
    landing = Landing(data.today)
    assert "¥0.00" in landing.numbers["revenue"].value
    buyer = data.create_customer({"name": "张伟"})
    data.create_order(buyer["id"], [{"sku": "TEA-01", "quantity": 2}], channel="micro_store")
    data.schedule_followup(buyer["id"], datetime.now(UTC) - timedelta(hours=2))
    landing.refresh_button.click()
    assert "¥256.00" in landing.numbers["revenue"].value
    assert ">1<" in landing.numbers["orders"].value
    assert ">1<" in landing.numbers["followups"].value
    assert "今日订单" in landing.numbers["orders"].value


def test_an_app_is_built_only_when_its_tab_is_opened():
    import ipywidgets as ipw

    built = []

    def app():
        built.append(True)
        return ipw.Label("the app")

    landing = Landing(
        lambda: {"orders": 0, "revenue": 0, "followups_due": 0},
        apps={"客户": app},
        pages={"客户": "customers.ipynb"},
    )
    assert built == [] and landing.tabs.titles == ("今日概况", "客户")
    assert landing.app(1) is None
    tab = landing.tabs.children[1]
    landing.tabs.selected_index = 1
    assert built == [True] and landing.app(1).value == "the app"
    assert landing.tabs.children[1] is tab and tab.children == (landing.app(1),)
    landing.tabs.selected_index = 0
    landing.tabs.selected_index = 1
    assert built == [True]  # built once, kept
    assert "customers.ipynb" in landing.tabs.children[0].children[1].value


def test_an_app_that_fails_to_build_shows_a_message():
    def broken():
        raise RuntimeError("no")

    landing = Landing(
        lambda: {"orders": 0, "revenue": 0, "followups_due": 0}, apps={"客户": broken}
    )
    landing.tabs.selected_index = 1
    assert landing.message.kind == "error" and "RuntimeError" not in landing.message.value


def test_the_customers_app_links_search_form_and_history(data):
    from widgets.customers_app import CustomersApp

    made = data.create_customer({"name": "张伟", "mobile": "13800138000"})
    app = CustomersApp.for_page(data)
    app.picker.term.value = "138 0013"
    app.picker.results.value = made["id"]
    assert app.form.inputs["name"].value == "张伟" and app.value == made["id"]
    assert "138****8000" in app.history.profile.value  # staff see the mobile masked
    app.form.inputs["region"].value = "杭州"
    app.form.save.click()
    assert "杭州" in app.history.profile.value  # the save refreshed the history


@pytest.mark.parametrize(
    "role, tabs, links",
    [
        (
            "staff",
            [],
            ["customers", "orders", "followups", "communities", "import", "shipping", "products"],
        ),
        (
            "manager",
            ["商品"],
            [
                "customers",
                "orders",
                "followups",
                "communities",
                "products",
                "import",
                "shipping",
                "audit",
                "agents",
            ],
        ),
        (
            "admin",
            ["商品"],
            [
                "customers",
                "orders",
                "followups",
                "communities",
                "products",
                "import",
                "shipping",
                "audit",
                "agents",
                "settings",
            ],
        ),
    ],
)
def test_the_landing_page_links_the_pages_each_role_may_open(monkeypatch, role, tabs, links):
    """Built from plain functions: what the index page wires, with its permission checks
    (the change log for managers and admins, the products as a tab for them, the shop
    settings for admins) and the shop's name on top."""
    from types import SimpleNamespace

    from salesops.actors import Actor

    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    data = SimpleNamespace(
        actor=Actor("wang.fang", role),
        today=lambda: {"orders": 3, "revenue": 12, "followups_due": 1},
        shop_settings=lambda: {"shop_name": "小雨水果"},
        first_steps=lambda: [{"key": "products", "done": False}],
        worklist=lambda: {
            **{k: {"count": 0, "rows": []} for k in ("to_ship", "low_stock", "contacts")},
            "followups": {"count": 0, "rows": [], "overdue": 0},
            "contacts_day": None,
        },
        reveal_mobile=lambda _id: "",
    )
    landing = Landing.for_page(data)
    assert (landing.steps is not None) == (role == "admin")  # tests/test_first_steps.py
    assert landing.tabs.titles == ("今日概况", "客户", "订单", "跟进", "社群", *tabs)
    assert ">3<" in landing.numbers["orders"].value
    assert "小雨水果" in landing.shop.value
    overview = landing.tabs.children[0].children
    shown = " ".join(c.value for c in overview if "href" in str(getattr(c, "value", "")))
    assert re.findall(r"href='(\w+)\.ipynb'", shown) == links


def run_page(page):
    """`page()`'s result, run on an event loop of its own (the kernel's, on a page).

    In a thread of its own: a browser test before this one may leave Playwright's loop
    running in this thread, where asyncio.run refuses to start another."""
    import asyncio
    import threading

    result = []
    runner = threading.Thread(target=lambda: result.append(asyncio.run(page())))
    runner.start()
    runner.join(30)
    return result[0]


def test_apps_are_built_ahead_one_at_a_time_and_a_failing_one_waits_for_its_tab():
    import asyncio

    import ipywidgets as ipw

    from widgets.landing import in_background

    built, before_shown = [], []

    def app(name):
        def build():
            built.append(name)
            if name == "broken":
                raise RuntimeError("no")
            return ipw.Label(name)

        return build

    async def page():
        landing = Landing(
            lambda: {"orders": 0, "revenue": 0, "followups_due": 0},
            apps={"a": app("a"), "b": app("broken"), "c": app("c")},
            build_ahead=lambda step: in_background(step, first_delay=0.01, between=0.01),
        )
        landing.tabs.observe(lambda change: reassigned.append(change), names="children")
        await asyncio.sleep(0.3)
        before_shown.extend(built)
        landing.shown.click()  # what salesops.js does once the browser shows the page
        landing.shown.click()  # said twice: built once all the same
        await asyncio.sleep(0.5)
        return landing

    reassigned = []
    landing = run_page(page)
    assert before_shown == []  # nothing until the browser says it has shown the page
    assert built == ["a", "broken", "c"]  # in tab order, each tried once
    # The tabs stay the same widgets (each app fills its own Box): the browser re-renders
    # no tab, the one a person is typing in neither (tests/test_landing_page.py).
    assert reassigned == []
    assert [landing.app(i).value for i in (1, 3)] == ["a", "c"] and landing.app(2) is None
    assert landing.message.value == ""  # nobody opened the broken tab yet
    landing.tabs.selected_index = 3
    landing.tabs.selected_index = 1
    assert built == ["a", "broken", "c"]  # built ahead: opening a tab builds nothing
    landing.tabs.selected_index = 2
    assert built[-1] == "broken" and landing.message.kind == "error"


def test_apps_are_built_ahead_all_the_same_when_the_browser_never_says_it_shows_the_page():
    import asyncio

    import ipywidgets as ipw

    from widgets.landing import in_background

    built, early = [], []

    async def page():
        landing = Landing(
            lambda: {"orders": 0, "revenue": 0, "followups_due": 0},
            apps={"a": lambda: built.append("a") or ipw.Label("a")},
            build_ahead=lambda step: in_background(step, first_delay=0.01),
            fallback_s=0.4,
        )
        await asyncio.sleep(0.2)
        early.extend(built)
        await asyncio.sleep(0.6)
        return landing

    landing = run_page(page)
    assert early == [] and built == ["a"]
    assert landing.app(1).value == "a"


def test_without_an_event_loop_apps_wait_for_their_tabs():
    from widgets.landing import in_background

    calls = []
    in_background(lambda: calls.append(1))
    assert calls == []
