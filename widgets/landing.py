"""The landing page: today's numbers, links to every page, and the apps as tabs."""

from __future__ import annotations

import functools
from html import escape

import ipywidgets as ipw

from salesops import messages

from .common import MessageArea, guard, hook, label, money
from .first_steps import FirstSteps
from .work_queue import WorkQueue

FORM = "landing"

messages.add(
    {
        "en": {
            "landing.title": "Today",
            "landing.orders": "Orders today",
            "landing.revenue": "Revenue today",
            "landing.followups": "Follow-ups due",
            "landing.refresh": "Refresh",
            "landing.pages": "Pages (each opens on its own):",
            "landing.loading": "Opening…",
            "customers.title": "Customers",
            "orders.title": "Orders",
            "followups.title": "Follow-ups",
            "audit.title": "Change log",
            "import.title": "Import",
            "products.title": "Products",
            "communities.title": "Communities",
            "settings.title": "Shop settings",
            "agents.title": "Agents",
            "shipping.title": "Shipping",
        },
        "zh_CN": {
            "landing.title": "今日概况",
            "landing.orders": "今日订单",
            "landing.revenue": "今日销售额",
            "landing.followups": "待跟进",
            "landing.refresh": "刷新",
            "landing.pages": "单独打开页面：",
            "landing.loading": "正在打开…",
            "customers.title": "客户",
            "orders.title": "订单",
            "followups.title": "跟进",
            "audit.title": "修改记录",
            "import.title": "导入",
            "products.title": "商品",
            "communities.title": "社群",
            "settings.title": "店铺设置",
            "agents.title": "代理",
            "shipping.title": "发货",
        },
    }
)


class Landing(ipw.VBox):
    """Today's numbers and the apps as tabs, each built ahead or when its tab first opens.

    `today()` returns {orders, revenue, followups_due}; `apps` maps a tab title to a
    function building that app (so one page load and one kernel serve a person all day);
    an app is built when its tab first opens, or before: `build_ahead(step)`, when given,
    is called once with `build_next`, when the browser has shown the first tab, and may
    call it whenever it likes until it returns False (the page passes `in_background`:
    one app at a time while the kernel is idle, so switching tabs later only shows what
    is there). The browser says it has shown the page by clicking the hidden
    so-landing-shown button (salesops.js does, once the day's numbers are painted); should
    no click come, `build_ahead` is called `fallback_s` seconds after the page was built.
    Not before: a kernel busy building apps would keep the browser, which is still
    connecting and asking for the widgets' state, from showing the page for seconds, and
    the state it gets would hold every app built so far (BENCHMARKS.md, goal 3);
    `pages` maps a title to its own page's file, for the links; `shop_name` (from the
    shop settings) heads the page; `work()` (optional) returns today's work queue
    (widgets.work_queue, salesops.worklist), `reveal(customer_id)` (PageData.reveal_mobile)
    its "show" for a masked mobile. Hooks:
    so-landing-shop, so-landing-orders, so-landing-revenue, so-landing-followups,
    so-landing-refresh, so-landing-tabs, so-landing-message, so-landing-app (each app's
    tab, whose one child is the app), so-landing-loading (a tab not built yet),
    so-landing-shown (the hidden button).
    """

    @classmethod
    def for_page(cls, data, **kwargs) -> Landing:
        """The landing page wired to a salesops.web.pagedata.PageData: today's numbers, the
        customers, orders and follow-ups apps as tabs (built in the background once the
        browser has shown the first tab, or when their tab is opened before that; managers
        and admins also get the products), and links to the pages this person may open
        (everyone: products; managers and admins also the change log; admins the shop
        settings). The shop's name heads the page when it has one."""
        can = data.actor.can
        apps = {**APPS, **({"products": _products_app} if can("products.edit") else {})}
        keys = [*apps, "import", "shipping"] + [
            key
            for key, allowed in (
                ("products", True),
                ("audit", can("audit.view")),
                ("agents", can("agents.edit")),
                ("settings", can("settings.edit")),
            )
            if allowed and key not in apps
        ]
        kwargs.setdefault("build_ahead", in_background)
        steps = {}
        if can("settings.edit"):  # admins: a new shop's checklist until it is done
            products = ("tab", label("products.title")) if "products" in apps else None
            steps = {
                "first_steps": data.first_steps,
                "step_targets": {
                    "products": products or ("page", "products.ipynb"),
                    "channels": ("page", "settings.ipynb"),
                    "staff": ("page", "settings.ipynb"),
                    "data": ("page", "import.ipynb"),
                },
            }
        return cls(
            data.today,
            work=data.worklist,
            reveal=data.reveal_mobile,
            apps={label(f"{k}.title"): functools.partial(build, data) for k, build in apps.items()},
            pages={label(f"{k}.title"): f"{k}.ipynb" for k in keys},
            shop_name=data.shop_settings()["shop_name"],
            **steps,
            **kwargs,
        )

    def __init__(
        self,
        today,
        apps: dict | None = None,
        pages: dict | None = None,
        shop_name: str = "",
        build_ahead=None,
        first_steps=None,
        step_targets: dict | None = None,
        work=None,
        reveal=None,
        fallback_s: float = 30.0,
        **kwargs,
    ):
        self._today = today
        self.work = WorkQueue(work, reveal=reveal) if work is not None else None
        self._factories = list((apps or {}).values())
        self._tried_ahead: set[int] = set()
        self.numbers = {k: hook(ipw.HTML(), FORM, k) for k in ("orders", "revenue", "followups")}
        for widget in self.numbers.values():
            widget.add_class("so-number")
        self.refresh_button = hook(
            ipw.Button(description=label("landing.refresh"), layout=ipw.Layout(width="auto")),
            FORM,
            "refresh",
        )
        self.message = MessageArea(FORM)
        self.shown = hook(ipw.Button(layout=ipw.Layout(display="none")), FORM, "shown")
        self.shown.on_click(lambda _b: self._start_ahead())
        self.refresh_button.on_click(guard(lambda _b: self.refresh(), self.message))
        links = " · ".join(
            f"<a href='{escape(f)}' target='_blank'>{escape(t)}</a>"
            for t, f in (pages or {}).items()
        )
        self.steps = (
            FirstSteps(first_steps, step_targets or {}, open_tab=self.open_tab)
            if first_steps
            else None
        )
        overview = ipw.VBox(
            [
                *([self.steps] if self.steps is not None else []),
                ipw.HBox(
                    [*self.numbers.values(), self.refresh_button],
                    layout=ipw.Layout(align_items="center"),
                ),
                ipw.HTML(f"<p>{escape(label('landing.pages'))} {links}</p>" if links else ""),
                self.message,
                *([self.work] if self.work is not None else []),
                self.shown,
            ]
        )
        overview.add_class("so-numbers")
        # Each app lives in a Box of its own, the tab's child from the start: building an app
        # fills its Box and never reassigns the Tab's children, which would make the browser
        # recreate every tab from the changed one on, the one in use too (ipywidgets' ViewList).
        self.tabs = hook(ipw.Tab(), FORM, "tabs")
        self.tabs.children = [overview, *(self._placeholder() for _ in self._factories)]
        self.tabs.titles = [label("landing.title"), *(apps or {}).keys()]
        self.tabs.observe(self._on_tab, names="selected_index")
        self.shop = hook(
            ipw.HTML(f"<h2>{escape(shop_name)}</h2>" if shop_name else ""), FORM, "shop"
        )
        super().__init__(children=[self.shop, self.tabs], **kwargs)
        self.refresh()
        self._build_ahead = build_ahead
        if build_ahead is not None:
            after(fallback_s, self._start_ahead)

    def _start_ahead(self) -> None:
        """Hand `build_next` to `build_ahead`, the first time the browser says it has shown
        the page (or the fallback's time has come)."""
        build_ahead, self._build_ahead = self._build_ahead, None
        if build_ahead is not None:
            build_ahead(self.build_next)

    def build_next(self) -> bool:
        """Build the first app not built yet, in tab order (each tried once: one that fails
        waits for its tab to be opened, which shows why); False when none is left."""
        for index, factory in enumerate(self._factories, 1):
            if factory is not None and index not in self._tried_ahead:
                self._tried_ahead.add(index)
                try:
                    self._build(index)
                except Exception:  # opening the tab tries again and says why
                    pass
                return True
        return False

    @staticmethod
    def _placeholder() -> ipw.Box:
        """An app's tab: a Box saying the app is on its way, until the app fills it."""
        loading = hook(ipw.HTML(escape(label("landing.loading"))), FORM, "loading")
        box = ipw.Box([loading], layout=ipw.Layout(display="block", overflow="visible"))
        box.add_class("so-landing-app")
        return box

    def app(self, index: int) -> ipw.Widget | None:
        """The app in tab `index` (1 for the first app), None while it is not built."""
        (content,) = self.tabs.children[index].children
        return None if self._factories[index - 1] is not None else content

    def refresh(self) -> None:
        """Read today's numbers (the first steps, today's work) again."""
        guard(self._show_numbers, self.message)()
        if self.steps is not None:
            guard(self.steps.refresh, self.message)()
        if self.work is not None:
            self.work.refresh()

    def open_tab(self, title: str) -> None:
        """Show the app whose tab is called `title`."""
        self.tabs.selected_index = list(self.tabs.titles).index(title)

    def _show_numbers(self) -> None:
        """Fill the number tiles."""
        today = self._today()
        for key, value in (
            ("orders", str(today["orders"])),
            ("revenue", money(today["revenue"])),
            ("followups", str(today["followups_due"])),
        ):
            self.numbers[key].value = (
                f"<div class='so-number-value'>{escape(value)}</div>"
                f"<div class='so-number-label'>{escape(label(f'landing.{key}'))}</div>"
            )

    def _on_tab(self, change):
        """Build an app the first time its tab is opened; show today's numbers afresh."""
        index = change["new"]
        if not index:
            self.refresh()
            return
        if self._factories[index - 1] is not None:
            guard(lambda: self._build(index), self.message)()

    def _build(self, index: int) -> None:
        """Put the app into tab `index`'s Box (kept for a retry when building it fails)."""
        self.tabs.children[index].children = [self._factories[index - 1]()]
        self._factories[index - 1] = None


def in_background(step, first_delay: float = 0.5, between: float = 0.1) -> None:
    """Call `step()` on the kernel's event loop `first_delay` seconds from now (after the
    running cell or message handler, when the browser has shown the page), then again
    `between` seconds after each call until it returns False, so the kernel answers the
    browser in between. Without a running loop (a test, a script) nothing happens and
    apps are built when their tabs open."""

    def tick():
        if step():
            after(between, tick)

    after(first_delay, tick)


def after(seconds: float, call) -> None:
    """Call `call()` on the running event loop (the kernel's) in `seconds`; without one,
    never."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    loop.call_later(seconds, call)


def _customers_app(data) -> ipw.Widget:
    """The customers app for its tab."""
    from .customers_app import CustomersApp

    return CustomersApp.for_page(data, title=False)


def _orders_app(data) -> ipw.Widget:
    """The orders app for its tab."""
    from .orders_app import OrdersApp

    return OrdersApp.for_page(data)


def _followups_app(data) -> ipw.Widget:
    """The follow-ups app for its tab."""
    from .followup_panel import FollowupPanel

    return FollowupPanel.for_page(data)


def _communities_app(data) -> ipw.Widget:
    """The communities app for its tab."""
    from .communities_app import CommunitiesApp

    return CommunitiesApp.for_page(data, title=False)


def _products_app(data) -> ipw.Widget:
    """The products app for its tab (managers and admins)."""
    from .products_app import ProductsApp

    return ProductsApp.for_page(data, title=False)


# The apps the landing page hosts as tabs, in tab order: the key of each one's page and
# title, and how to build it from a PageData.
APPS = {
    "customers": _customers_app,
    "orders": _orders_app,
    "followups": _followups_app,
    "communities": _communities_app,
}
