"""CustomerPicker: search as you type, pick, clear; tested without a browser.

The widget's own behaviour is tested on a plain search function over a few customers;
one test types into it over the real search (PageData.search on a database)."""

import pytest

from salesops.web.pagedata import PageData
from widgets.customer_picker import CustomerPicker

PEOPLE = [
    {"id": 1, "code": "C000001", "name": "张伟", "mobile": "13800138000", "wechat_id": "TeaLover"},
    {"id": 2, "code": "C000002", "name": "张丽", "mobile": "13900139000", "wechat_id": None},
    {"id": 3, "code": "C000003", "name": "李娜", "mobile": None, "wechat_id": "lina_88"},
]


def search(term: str, limit: int = 20) -> list[dict]:
    """Customers whose name starts with `term`: a stand-in for PageData.search."""
    return [p for p in PEOPLE if p["name"].startswith(term)][:limit]


@pytest.fixture
def data(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    data = PageData(db)
    data.create_customer({"name": "张伟", "mobile": "13800138000", "wechat_id": "TeaLover"})
    data.create_customer({"name": "张丽", "mobile": "13900139000"})
    data.create_customer({"name": "李娜", "wechat_id": "lina_88", "is_agent": True})
    return data


def names(picker):
    return [text.split()[0] for text, _ in picker.results.options]


def test_typing_lists_matches_by_name_mobile_in_any_format_and_wechat(data):
    picker = CustomerPicker(data.search, debounce=0)
    picker.term.value = "张"
    assert names(picker) == ["张丽", "张伟"] or names(picker) == ["张伟", "张丽"]
    assert "2" in picker.status.value
    picker.term.value = "+86 138-0013"
    assert names(picker) == ["张伟"]
    picker.term.value = "LINA_8"
    assert names(picker) == ["李娜"]


def test_picking_a_result_sets_value_and_says_who():
    picker = CustomerPicker(search, debounce=0)
    picker.term.value = "李"
    assert picker.results.options == (("李娜  lina_88  C000003", 3),)
    picker.results.value = 3
    assert picker.value == 3
    assert "李娜" in picker.status.value and "李娜" in picker.chosen
    assert picker.clear.layout.display != "none"


def test_a_new_search_keeps_the_chosen_customer_until_another_is_picked():
    picker = CustomerPicker(search, debounce=0)
    picker.term.value = "李"
    picker.results.value = picker.results.options[0][1]
    chosen = picker.value
    picker.term.value = "张"
    assert picker.value == chosen


def test_no_match_says_so_and_hides_the_list():
    picker = CustomerPicker(search, debounce=0)
    picker.term.value = "不存在的人"
    assert picker.results.options == ()
    assert picker.results.layout.display == "none"
    assert "不存在的人" in picker.status.value


def test_clear_forgets_the_choice():
    picker = CustomerPicker(search, debounce=0)
    picker.term.value = "张伟"
    picker.results.value = picker.results.options[0][1]
    picker.clear.click()
    assert picker.value is None and picker.term.value == "" and picker.results.options == ()


def test_hooks_for_automation():
    picker = CustomerPicker(search, form="order", field="customer-search")
    assert {"so-picker-term", "so-order-customer-search"} <= set(picker.term._dom_classes)
    assert "so-order-customer-search-results" in picker.results._dom_classes


def test_a_failing_search_shows_a_message_not_a_traceback():
    def broken(term, limit):
        raise RuntimeError("database is on fire")

    picker = CustomerPicker(broken, debounce=0)
    picker.term.value = "张"
    assert picker.message.kind == "error"
    assert "fire" not in picker.message.value


def test_typing_fast_searches_once_after_the_pause(monkeypatch):
    import asyncio
    import threading

    import widgets.customer_picker

    # As inside a page's kernel: the running loop is the kernel's (outside one, no debounce).
    monkeypatch.setattr(widgets.customer_picker, "kernel_loop", asyncio.get_running_loop)

    calls = []

    def recorded(term, limit):
        calls.append(term)
        return [{"id": 1, "name": term, "code": "C1"}]

    async def type_then_wait():
        picker = CustomerPicker(recorded, debounce=0.05)
        for text in ("张", "张伟", "张伟 1"):
            picker.term.value = text
        await asyncio.sleep(0.2)  # let the debounce timer fire
        return picker

    # In a thread of its own: a browser test earlier in the run may leave Playwright's loop
    # running in this thread, where asyncio.run refuses to start another.
    result = []
    runner = threading.Thread(target=lambda: result.append(asyncio.run(type_then_wait())))
    runner.start()
    runner.join(30)
    picker = result[0]
    assert calls == ["张伟 1"]
    assert names(picker) == ["张伟"]
