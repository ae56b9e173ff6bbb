"""The "show" action for a list whose rows carry masked mobiles (PIPL minimum exposure):
the daily work queue's follow-ups and customers worth contacting, a community's members.

Those lists are HTML tables (cards on a phone), which cannot hold a button per row. So, as
the customer search does with its result list, staff choose the row's customer in a
dropdown beside the list and press "show" (MobileReveal: PageData.reveal_mobile, which
writes an access row to the change log). The whole number then appears beside the button
as a tel: link (a tap calls on a phone), and in the list (`shown`, for the list to redraw
with). Managers see numbers in full: nothing is masked, so the dropdown never appears.
"""

from __future__ import annotations

from html import escape

import ipywidgets as ipw
import traitlets

from salesops import messages
from salesops.validate import is_masked

from .common import choose, hook, label
from .mobile_reveal import MobileReveal, tel_html

messages.add(
    {
        "en": {"reveal.pick": "choose whose mobile to show…"},
        "zh_CN": {"reveal.pick": "选择要显示手机号的客户…"},
    }
)


def mobile_cell(number: str | None) -> str:
    """A table cell (widgets.tables.cell's shape) holding a mobile: a tel: link when whole,
    plain text when masked."""
    return f"<span class='so-v'>{tel_html(number)}</span>"


class ListReveal(ipw.VBox):
    """A dropdown of the customers of a list whose mobiles are masked, and the "show"
    button for the chosen one. `offer(rows)` sets the list's rows (dicts with customer_id,
    name and mobile as shown); `shown` maps each customer id shown in full to the number.
    `reveal(customer_id)` is the data function (None: the component stays hidden).
    Hooks: so-<form>-reveal-pick (the dropdown), so-<form>-show-mobile (the button),
    so-<form>-shown-mobile (the number shown, a tel: link), so-<form>-show-mobile-message."""

    shown = traitlets.Dict()

    def __init__(self, reveal, form: str, **kwargs):
        self._enabled = reveal is not None
        self._people: dict[int, tuple[str, str]] = {}  # offered: id -> (name, masked mobile)
        self._number_of = None  # whose whole number `number` shows
        self.pick = hook(
            ipw.Dropdown(options=[(label("reveal.pick"), None)], value=None),
            form,
            "reveal-pick",
        )
        self.pick.layout.width = "calc(100% - 4px)"
        self.pick.layout.max_width = "360px"
        self.button = MobileReveal(reveal or (lambda _id: ""), form)
        self.number = hook(ipw.HTML(""), form, "shown-mobile")
        self.pick.observe(self._on_pick, names="value")
        self.button.observe(self._on_shown, names="shown")
        self._line = ipw.HBox([self.pick, self.button], layout=ipw.Layout(flex_flow="row wrap"))
        self._rows: list[dict] = []
        super().__init__([self._line, self.number], **kwargs)
        self.add_class("so-list-reveal")
        self.layout.display = "none"

    def offer(self, rows) -> None:
        """Offer the customers of `rows` whose mobile is masked and not shown yet."""
        self._rows, people = list(rows), {}
        if not any(r.get("customer_id") == self._number_of for r in rows):
            self.number.value, self._number_of = "", None  # not in this list
        for r in rows:
            who, mobile = r.get("customer_id"), r.get("mobile") or ""
            if who is not None and is_masked(mobile) and who not in self.shown:
                people.setdefault(who, (r.get("name") or "", mobile))
        self._people = people
        chosen = self.pick.value if self.pick.value in people else None
        self.pick.options = [(label("reveal.pick"), None)] + [
            (f"{name} {mobile}".strip(), i) for i, (name, mobile) in people.items()
        ]
        choose(self.pick, chosen)  # never a blank box
        self._on_pick()
        self._line.layout.display = "" if people else "none"
        self.layout.display = "" if self._enabled and (people or self.number.value) else "none"

    def _on_pick(self, _change=None) -> None:
        """Another customer chosen: the button for their masked number."""
        who = self.pick.value
        self.button.customer_id = who
        self.button.masked = self._people[who][1] if who in self._people else ""

    def _on_shown(self, change) -> None:
        """The whole number came back (logged): beside the button and in the list."""
        number, who = change["new"], self.button.customer_id
        if not number or who is None:
            return
        name = self._people.get(who, ("", ""))[0]
        self.number.value = f"{escape(name)} {tel_html(number)}".strip()
        self._number_of = who
        self.shown = {**self.shown, who: number}
        self.offer(self._rows)  # they are no longer to choose
