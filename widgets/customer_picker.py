"""Find a customer as you type; the chosen customer's id is `value`."""

from __future__ import annotations

import asyncio
import html

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import MessageArea, guard, hook, label, styled
from .mobile_reveal import MobileReveal, tel_html

messages.add(
    {
        "en": {
            "picker.placeholder": "name / mobile / WeChat ID / code",
            "picker.search": "Search",
            "picker.found": "{count} found",
            "picker.more": "first {count} shown; type more to narrow",
            "picker.none": "no customer matches {term!r}",
            "picker.chosen": "chosen: {label}",
            "picker.clear": "Clear",
            "picker.to_complete": "Only customers to complete",
            "picker.flag": "[name to complete]",
        },
        "zh_CN": {
            "picker.placeholder": "姓名 / 手机号 / 微信号 / 编号",
            "picker.search": "查找客户",
            "picker.found": "找到 {count} 位",
            "picker.more": "只显示前 {count} 位，请输入更多字缩小范围",
            "picker.none": "没有匹配 {term!r} 的客户",
            "picker.chosen": "已选：{label}",
            "picker.clear": "清除",
            "picker.to_complete": "只看待补充资料的客户",
            "picker.flag": "【待补充姓名】",
        },
    }
)


def option_label(row: dict) -> str:
    """How a customer reads in the result list: name, mobile, WeChat ID, code, and a marker
    when the name is a placeholder to complete."""
    parts = [row.get("name"), row.get("mobile"), row.get("wechat_id"), row.get("code")]
    if row.get("to_complete"):
        parts.append(label("picker.flag"))
    return "  ".join(str(p) for p in parts if p)


def kernel_loop():
    """The running event loop of the Jupyter kernel we are in, or None outside a kernel.

    Outside a kernel (unit tests, scripts) there is nobody typing, so searches run at once.
    A bare `asyncio.get_running_loop()` is not enough: Playwright's sync API keeps its own
    loop running in the same thread, and a debounced search would then never run.
    """
    from ipykernel.kernelapp import IPKernelApp

    if not IPKernelApp.initialized():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class CustomerPicker(ipw.VBox):
    """Search customers as you type; the chosen customer's id is `value` (None: nobody).

    `search` is a data function, text -> list of customer dicts (id, code, name, mobile,
    wechat_id). Typing waits `debounce` seconds after the last keystroke, then searches
    once (0: search on every keystroke, as the unit tests do). With `to_complete`, a data
    function like `search` listing only the customers staff should complete, a tick box
    (`so-picker-to-complete`) switches the list to them (all of them with an empty box).
    With `reveal` (PageData.reveal_mobile), a chosen customer whose mobile is masked
    (staff) gets a "show" button (`so-picker-show-mobile`, and `so-<form>-<field>-show-mobile`)
    beside the chosen line that puts
    the whole number there and in their result row (logged in the change log).
    Hooks: `so-picker-term`, `so-picker-results`, `so-picker-status`, `so-picker-clear`,
    plus `so-<form>-<field>` on the search box and `so-<form>-<field>-results` on the list
    when `form`/`field` are given.
    """

    value = traitlets.Int(None, allow_none=True)
    chosen = traitlets.Unicode("")  # the chosen customer as shown in the list

    def __init__(
        self,
        search,
        *,
        description=None,
        form=None,
        field=None,
        rows=6,
        limit=20,
        debounce=0.08,
        to_complete=None,
        reveal=None,
        **kwargs,
    ):
        self._search, self._limit, self._debounce, self._rows = search, limit, debounce, rows
        self._pending = None
        self._options_by_id: dict[int, str] = {}
        self._mobiles: dict[int, str] = {}  # the mobile of each result, as shown
        self.reveal = MobileReveal(reveal or (lambda _id: ""), "picker")
        self.reveal.layout.display = "" if reveal else "none"
        self.reveal.observe(self._on_revealed, names="shown")
        self.term = ipw.Text(
            placeholder=label("picker.placeholder"),
            description=label("picker.search") if description is None else description,
            continuous_update=True,
        )
        styled(self.term, "picker", "term")
        self.results = hook(ipw.Select(options=[], rows=rows, value=None), "picker", "results")
        self.results.layout.width = "420px"
        self.results.layout.margin = "0 0 0 118px"
        self.results.layout.display = "none"
        self.status = hook(ipw.HTML(""), "picker", "status")
        self.status.layout.margin = "0 0 0 118px"
        self.clear = hook(
            ipw.Button(
                description=label("picker.clear"), layout=ipw.Layout(width="auto", display="none")
            ),
            "picker",
            "clear",
        )
        if form and field:
            hook(self.term, form, field)
            hook(self.results, form, f"{field}-results")
            hook(self.reveal.button, form, f"{field}-show-mobile")
        self.message = MessageArea("picker")
        self._to_complete = to_complete
        self.only_to_complete = hook(
            ipw.Checkbox(value=False, description=label("picker.to_complete"), indent=False),
            "picker",
            "to-complete",
        )
        self.only_to_complete.layout.display = "" if to_complete else "none"
        self.only_to_complete.layout.margin = "0 0 0 118px"
        self.only_to_complete.observe(lambda _c: self.refresh(), names="value")
        self.term.observe(self._on_term, names="value")
        self.results.observe(self._on_pick, names="value")
        self.clear.on_click(self._on_clear)
        super().__init__(
            children=[
                self.term,
                self.only_to_complete,
                self.results,
                ipw.HBox([self.status, self.reveal, self.clear]),
                self.message,
            ],
            **kwargs,
        )

    def _on_term(self, change):
        """Search after the typist pauses (or at once without a running event loop)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        loop = kernel_loop()
        if self._debounce and loop is not None:
            self._pending = loop.call_later(self._debounce, self.refresh)
        else:
            self.refresh()

    def refresh(self) -> None:
        """Search for the current text now and show the results."""
        self._pending = None
        guard(self._show_results, self.message)()

    def _show_results(self) -> None:
        """Fill the result list for the current text."""
        term = self.term.value.strip()
        if self._to_complete and self.only_to_complete.value:
            rows = self._to_complete(term, limit=self._limit)
        else:
            rows = self._search(term, limit=self._limit) if term else []
        self._options_by_id = {r["id"]: option_label(r) for r in rows}
        self._mobiles = {r["id"]: r.get("mobile") or "" for r in rows}
        self.results.unobserve(self._on_pick, names="value")
        try:
            self.results.options = [(text, i) for i, text in self._options_by_id.items()]
            self.results.value = self.value if self.value in self._options_by_id else None
        finally:
            self.results.observe(self._on_pick, names="value")
        self.results.rows = max(2, min(len(rows), self._rows))
        self.results.layout.display = "" if rows else "none"
        if not term and not rows:
            self._show_chosen()
        elif not rows:
            self.status.value = html.escape(label("picker.none", term=term))
        elif len(rows) >= self._limit:
            self.status.value = html.escape(label("picker.more", count=len(rows)))
        else:
            self.status.value = html.escape(label("picker.found", count=len(rows)))

    def _on_pick(self, change):
        """A result was clicked: it becomes the chosen customer."""
        if change["new"] is not None:
            self.choose(change["new"], self._options_by_id.get(change["new"], ""))

    def choose(self, customer_id: int | None, text: str = "") -> None:
        """Make `customer_id` the chosen one (`text`: how to show it), e.g. when editing."""
        self.chosen = text if customer_id is not None else ""
        self.value = customer_id
        self.reveal.customer_id = customer_id
        self.reveal.masked = self._mobiles.get(customer_id, "") if customer_id else ""
        self._show_chosen()

    def _on_revealed(self, change) -> None:
        """The whole number was asked for: in the chosen line (a tel: link) and the row."""
        number, masked = change["new"], self.reveal.masked
        if not number or self.value is None:
            return
        self.chosen = self.chosen.replace(masked, number)
        if self.value in self._options_by_id:
            self._options_by_id[self.value] = self._options_by_id[self.value].replace(
                masked, number
            )
            self.results.unobserve(self._on_pick, names="value")
            try:
                self.results.options = [(t, i) for i, t in self._options_by_id.items()]
                self.results.value = self.value
            finally:
                self.results.observe(self._on_pick, names="value")
        text = html.escape(label("picker.chosen", label=self.chosen))
        self.status.value = text.replace(html.escape(number), tel_html(number), 1)

    def _show_chosen(self) -> None:
        """Say who is chosen, with a clear button."""
        self.status.value = (
            html.escape(label("picker.chosen", label=self.chosen)) if self.value else ""
        )
        self.clear.layout.display = "" if self.value is not None else "none"

    def _on_clear(self, _button):
        """Forget the chosen customer and the search."""
        self.term.value = ""
        self.choose(None)
        self.refresh()
