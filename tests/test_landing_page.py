"""The landing page builds its apps in the background (widgets.landing.in_background) while
a person already works in a tab: in a real browser, the text typed into a field and the
field's focus survive the builds. Before each app had a Box of its own, a build reassigned
the Tab's children, and the browser recreated every tab from the built one on, the tab in
use too (ipywidgets' ViewList): focus went, and what was typed after it with it.

The page: a Landing whose first three apps take a second each to build, built ahead once
the fourth tab (a text field) is open, so the builds surely run while it is typed in. (On
the landing page itself the builds start a moment after the browser has shown it and may
be done before anyone types, so a test there could not be sure to catch them.)

And the builds wait for the browser: a kernel building apps while the browser is still
connecting and asking for the widgets' state kept the page from showing for seconds
(BENCHMARKS.md, goal 3), so they start only once salesops.js has said the first tab is
shown (by clicking the hidden so-landing-shown button), or after a fallback time."""

from __future__ import annotations

import time

import pytest
from browser import LiveServer, apps_copy, close_page, goto, offline_context, write_page

pytestmark = pytest.mark.browser
TABS = ".so-landing-tabs > .lm-TabBar .lm-TabBar-tab"
LOADING = ".so-landing-loading"  # in the page (hidden or not) while an app is not built
SLOW_APPS = """
import time

import ipywidgets as ipw

from widgets.landing import Landing, in_background


def slow(name):
    def build():
        time.sleep(1.0)  # an app whose imports and queries take a second
        return ipw.Label(name)

    return build


def form():
    field = ipw.Text()
    field.add_class("so-test-field")
    return field


ahead = []
landing = Landing(
    lambda: {"orders": 0, "revenue": 0, "followups_due": 0},
    apps={"a": slow("a"), "b": slow("b"), "c": slow("c"), "form": form},
    build_ahead=ahead.append,
)


def start_building(change):
    # The builds start once the form's tab is open (not when this cell ends, when the
    # browser may not show the page yet), so they surely run while it is typed in.
    if change["new"] == 4 and ahead:
        in_background(ahead.pop(), first_delay=0.3)


landing.tabs.observe(start_building, names="selected_index")
landing
"""


# Apps that say when (the kernel's clock, ms since the epoch) they were built, built ahead
# as on the landing page; `{fallback}` seconds after the cell without word from the browser.
STAMPED_APPS = """
import time

import ipywidgets as ipw

from widgets.landing import Landing, in_background


def stamped():
    built = ipw.Label(f"{{time.time() * 1000:.0f}}")
    built.add_class("so-test-built")
    return built


Landing(
    lambda: {{"orders": 0, "revenue": 0, "followups_due": 0}},
    apps={{"a": stamped, "b": stamped, "c": stamped}},
    build_ahead=in_background,
    fallback_s={fallback},
)
"""
# When (the browser's clock, ms since the epoch) the day's numbers were first on screen.
SHOWN_AT_JS = """
new MutationObserver((_, observer) => {
  const numbers = document.querySelector('.so-landing-orders');
  if (numbers && numbers.getClientRects().length) {
    window.__shownAt = Date.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true, attributes: true});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server over a database made by `salesops init` alone, with the test pages."""
    root = tmp_path_factory.mktemp("landing")
    apps = apps_copy(root)
    write_page(apps, "_slow_apps.ipynb", SLOW_APPS)
    write_page(apps, "_stamped.ipynb", STAMPED_APPS.format(fallback=120))
    write_page(apps, "_fallback.ipynb", STAMPED_APPS.format(fallback=2))
    live = LiveServer(root, apps).start()
    yield live
    live.stop()


@pytest.fixture
def page(browser):
    """A fresh page at desk size, closed (its kernel shut down) after the test."""
    context = offline_context(browser)
    page = context.new_page()
    yield page
    close_page(page)
    context.close()


def type_while_building(page, field: str, text: str, timeout_s: float = 90) -> str:
    """Type into `field` a character at a time until every app is built, then `text`; fail
    unless some app was still being built when the typing began (or the test proves
    nothing). Returns all that was typed."""
    page.click(field)
    assert page.locator(LOADING).count() > 0, "every app was built before the typing began"
    typed, deadline = "", time.monotonic() + timeout_s
    while page.locator(LOADING).count() and time.monotonic() < deadline:
        typed += "x"
        page.keyboard.type("x")
        time.sleep(0.05)  # a person's typing pace, not a wait for something to happen
    assert page.locator(LOADING).count() == 0, f"apps still not built after {timeout_s} s"
    page.keyboard.type(text, delay=20)
    return typed + text


def assert_kept(page, field: str, typed: str) -> None:
    """The field holds all that was typed and still has the focus."""
    assert page.locator(field).input_value() == typed
    assert page.locator(field).evaluate("e => e === document.activeElement")


def test_typing_survives_apps_built_ahead_in_the_background(server, page):
    goto(page, server.url("_slow_apps.ipynb"), ".so-landing-tabs")
    page.locator(SAID).wait_for(state="attached")  # the kernel hears this before the click
    page.locator(TABS).last.click()  # the form: built now, before the slow apps ahead of it
    field = ".so-test-field input"
    typed = type_while_building(page, field, " and the rest")
    assert_kept(page, field, typed)


SAID = ".so-landing-shown[data-so-shown=told]"  # salesops.js has told the kernel


def built_at(page) -> list[int]:
    """When each app was built (the kernel's clock), once all are: ms since the epoch."""
    page.locator(LOADING).first.wait_for(state="detached", timeout=60_000)
    return [int(t) for t in page.locator(".so-test-built").all_text_contents()]


def test_apps_are_built_ahead_only_after_the_browser_has_shown_the_page(server, page):
    page.add_init_script(SHOWN_AT_JS)
    goto(page, server.url("_stamped.ipynb"), ".so-landing-orders")
    page.locator(SAID).wait_for(state="attached")
    built = built_at(page)
    assert len(built) == 3
    assert min(built) >= page.evaluate("window.__shownAt")


def test_without_word_from_the_browser_no_app_is_built_until_the_fallback(server, page):
    page.route(lambda url: "/salesops.js" in url, lambda route: route.abort())  # no word
    goto(page, server.url("_stamped.ipynb"), ".so-landing-orders")
    time.sleep(3)  # the builds would start 0.5 s after word from the browser
    assert page.locator(LOADING).count() == 3  # none built
    page.locator(".so-landing-shown").evaluate("button => button.click()")  # the word
    assert len(built_at(page)) == 3


def test_apps_are_built_ahead_after_the_fallback_time_without_word_from_the_browser(server, page):
    page.route(lambda url: "/salesops.js" in url, lambda route: route.abort())
    goto(page, server.url("_fallback.ipynb"), ".so-landing-orders")
    assert len(built_at(page)) == 3  # 2 s after the cell, with no word from the browser
