"""The "show" button next to a masked mobile (PIPL minimum exposure, salesops.masking).

Staff see customers' mobiles masked (138****8000). `MobileReveal` is a small button that
appears only while the number it stands beside is masked; pressing it asks the data layer
for the number in full (PageData.reveal_mobile, which writes an access row to the change
log) and hands it to whoever shows the number (`shown`), then hides itself. Managers see
numbers in full and never get the button.
"""

from __future__ import annotations

from html import escape

import ipywidgets as ipw
import traitlets

from salesops import messages
from salesops.validate import is_masked

from .common import MessageArea, guard, hook, label

messages.add(
    {
        "en": {
            "reveal.show": "Show",
            "reveal.tip": "Show the whole number (written in the change log)",
        },
        "zh_CN": {
            "reveal.show": "显示",
            "reveal.tip": "显示完整号码（会写入修改记录）",
        },
    }
)


def tel_html(number: str | None) -> str:
    """A mobile as shown on a page: a tel: link (a tap calls on a phone) when it is whole,
    plain text when masked, — when there is none."""
    if not number:
        return "—"
    if is_masked(number):
        return f"<span class='so-mobile'>{escape(number)}</span>"
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    return f"<a class='so-mobile' href='tel:{escape(digits)}'>{escape(number)}</a>"


class MobileReveal(ipw.HBox):
    """A "show" button for the masked `masked` mobile of customer `customer_id`; `shown` is
    the number in full once pressed ("" until then). `reveal(customer_id)` is the data
    function. Hooks: so-<form>-show-mobile (the button), so-<form>-show-mobile-message."""

    customer_id = traitlets.Int(None, allow_none=True)
    masked = traitlets.Unicode("")
    shown = traitlets.Unicode("")

    def __init__(self, reveal, form: str, **kwargs):
        self._reveal = reveal
        self.button = hook(
            ipw.Button(
                description=label("reveal.show"),
                tooltip=label("reveal.tip"),
                icon="eye",
                layout=ipw.Layout(width="auto", display="none"),
            ),
            form,
            "show-mobile",
        )
        self.message = MessageArea(f"{form}-show-mobile")
        self.button.on_click(guard(self._on_show, self.message))
        self.observe(self._on_customer, names=["customer_id", "masked"])
        self.observe(self._offer, names="shown")
        super().__init__([self.button, self.message], **kwargs)
        self.add_class("so-reveal")

    def _on_customer(self, _change) -> None:
        """Another customer or number: the button again when the number is masked."""
        self.shown = ""
        self.message.clear()
        self._offer()

    def _offer(self, _change=None) -> None:
        """The button while the number is masked and not shown yet."""
        offer = self.customer_id is not None and is_masked(self.masked) and not self.shown
        self.button.layout.display = "" if offer else "none"

    def _on_show(self, _button) -> None:
        """Ask for the whole number (logged) and hand it over."""
        self.shown = self._reveal(self.customer_id) or ""
