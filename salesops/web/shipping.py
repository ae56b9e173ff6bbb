"""What the address book, the order form's ship-to and the Shipping page may call: a part
of PageData (salesops.web.pagedata).

Every method goes through a service (salesops.address_book, salesops.divisions,
salesops.shipping), acting for the person at the page, asked afresh on each call; the
services refuse what the person's role does not allow. Results are plain dicts and lists.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path


class ShippingData:
    """Addresses, divisions, bulk shipping and packing slips for the pages (a mixin of
    PageData: needs `db`, `actor` and `_all`)."""

    # -- a customer's address book ------------------------------------------------------

    def addresses(self, customer_id: int) -> list[dict]:
        """A customer's addresses, the default first, each with `line` (one line)."""
        from ..address_book import list_addresses, one_line

        rows = [{**a, "line": one_line(a)} for a in list_addresses(self.db, customer_id)]
        return self._contacts_shown(rows)

    def add_address(self, customer_id: int, data: Mapping) -> dict:
        """Add an address to a customer's book (their first becomes the default)."""
        from ..address_book import add_address

        return self._contacts_shown(add_address(self.db, customer_id, data, actor=self.actor))

    def update_address(self, address_id: int, changes: Mapping, version: int) -> dict:
        """Save edits to an address read at `version`."""
        from ..address_book import update_address

        return self._contacts_shown(
            update_address(self.db, address_id, changes, version, actor=self.actor)
        )

    def delete_address(self, address_id: int, version: int) -> None:
        """Delete an address (orders keep their own copy)."""
        from ..address_book import delete_address

        delete_address(self.db, address_id, version, actor=self.actor)

    def parse_address(self, text: str) -> dict:
        """A pasted address line read into the form's fields, with `problems`."""
        from ..address_book import parse

        return parse(text)

    def provinces(self) -> list[str]:
        """The mainland's provinces, for the first dropdown."""
        from ..divisions import provinces

        return provinces()

    def cities(self, province: str) -> list[str]:
        """The cities of `province` ([] for a province not on the list: abroad)."""
        from ..divisions import cities

        return cities(province) if province else []

    def districts(self, province: str, city: str) -> list[str]:
        """The districts of `city` in `province` ([] when it has none)."""
        from ..divisions import districts

        return districts(province, city) if province and city else []

    # -- bulk shipping --------------------------------------------------------------------

    def ship_check(self, text: str = "", upload: tuple[str, bytes] | None = None) -> dict:
        """What each pasted or uploaded line would do: {summary, lines, ready, problems}."""
        from ..shipping.bulk import check

        return _report(check(self.db, self._ship_lines(text, upload)))

    def ship(
        self, text: str = "", upload: tuple[str, bytes] | None = None, skip_invalid=False
    ) -> dict:
        """Ship every valid line in one transaction (all or nothing unless `skip_invalid`):
        the report as `ship_check`'s, with `written` and `shipped`."""
        from ..shipping.bulk import ship

        lines = self._ship_lines(text, upload)
        return _report(ship(self.db, lines, actor=self.actor, skip_invalid=skip_invalid))

    @staticmethod
    def _ship_lines(text: str, upload: tuple[str, bytes] | None):
        """The ShipLines of an uploaded file (name, bytes), else of the pasted text."""
        from ..shipping.lines import read_file, read_text

        if upload is None:
            return read_text(text or "")
        name, content = upload
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            return read_file(path)

    # -- orders waiting to ship -------------------------------------------------------------

    def waiting_orders(self, **filters) -> list[dict]:
        """The paid orders not shipped yet, oldest first (filters: channel, community, since,
        until), each with `ship_to` as one line and `items` (what to pack) as text."""
        from ..address_book import one_line
        from ..shipping.waiting import waiting_orders

        return self._contacts_shown(
            [
                {
                    **o,
                    "ship_to": one_line(o, "ship_"),
                    "items": "，".join(
                        f"{ln['product_name']}×{ln['quantity']}" for ln in o["lines"]
                    ),
                }
                for o in waiting_orders(self.db, **filters)
            ]
        )

    def packing_slips(self, size: str = "a4", **filters) -> tuple[str, bytes, int]:
        """(file name, PDF bytes, orders) of the pick list and packing slips of the orders
        waiting to ship; ValidationError when there are none. The buyers whose contact
        details it prints are logged as exported by the page's person."""
        from ..shipping.waiting import packing_slips, slips_file_name

        pdf, count = packing_slips(self.db, size=size, actor=self.actor, **filters)
        return slips_file_name(size), pdf, count

    def community_choices(self) -> list[dict]:
        """Every community (id, name), by name, for a filter."""
        return self._all("community_choices")


def _report(report) -> dict:
    """A ShipReport as a page shows it: the summary, and each line's row, text, order
    number, courier, number, state, message and whether it is fine."""
    from ..shipping.bulk import VALID

    return {
        "summary": " ".join(report.report_lines(limit=0)),
        "written": report.written,
        "shipped": report.shipped,
        "problems": len(report.problems),
        "ready": len(report.ready),
        "lines": [
            {
                "row": ln.row,
                "text": ln.text,
                "order_no": ln.order_no,
                "courier": ln.courier_text,
                "tracking_no": ln.tracking_no or ln.tracking_text,
                "state": ln.state,
                "message": ln.message,
                "ok": ln.state in VALID,
            }
            for ln in report.lines
        ],
    }
