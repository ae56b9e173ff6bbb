"""How an order goes out: a courier from the list and its tracking number, for the status
form's "Mark shipped" (none needed for self pickup or local delivery)."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops.messages import add

from .common import label, styled

add(
    {
        "en": {
            "ship.courier": "Courier",
            "ship.courier_pick": "(choose a courier)",
            "ship.tracking_no": "Tracking no.",
            "ship.tracking_hint": "the waybill number (快递单号)",
            "ship.no_number": "no tracking number needed",
        },
        "zh_CN": {
            "ship.courier": "快递公司",
            "ship.courier_pick": "（请选择快递公司）",
            "ship.tracking_no": "快递单号",
            "ship.tracking_hint": "面单上的快递单号",
            "ship.no_number": "无需快递单号",
        },
    }
)


class ShipmentFields(ipw.VBox):
    """A courier dropdown and a tracking-number box; `courier` and `tracking_no` follow them.

    `couriers` is [(name, code)] to choose from, `no_number` the codes that need no
    number (self pickup, local delivery): for those the number box is hidden. The service
    checks the number's shape; this only collects what was typed.
    """

    courier = traitlets.Unicode(None, allow_none=True)
    tracking_no = traitlets.Unicode("")

    def __init__(self, couriers, no_number=(), form: str = "status", **kwargs):
        self._no_number = set(no_number)
        self.courier_box = styled(
            ipw.Dropdown(
                options=[(label("ship.courier_pick"), ""), *[tuple(c) for c in couriers]],
                value="",
                description=label("ship.courier"),
            ),
            form,
            "courier",
            width="300px",
        )
        self.number_box = styled(
            ipw.Text(
                description=label("ship.tracking_no"), placeholder=label("ship.tracking_hint")
            ),
            form,
            "tracking_no",
            width="300px",
        )
        traitlets.dlink((self.courier_box, "value"), (self, "courier"))
        traitlets.dlink((self.number_box, "value"), (self, "tracking_no"))
        self.courier_box.observe(self._on_courier, names="value")
        super().__init__(**kwargs)

    def _on_courier(self, change):
        """Hide the number box for a courier that needs none."""
        needless = change["new"] in self._no_number
        self.number_box.layout.display = "none" if needless else ""
        if needless:
            self.number_box.value = ""

    @property
    def values(self) -> dict:
        """{"courier": code or None, "tracking_no": what was typed} for the service."""
        return {"courier": self.courier or None, "tracking_no": self.tracking_no}

    def clear(self) -> None:
        """No courier chosen, no number."""
        self.courier_box.value = ""
        self.number_box.value = ""
