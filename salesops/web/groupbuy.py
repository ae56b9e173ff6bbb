"""What the orders page's 接龙 tab may call: a part of PageData (salesops.web.pagedata).

Each method goes through salesops.groupbuy.service, acting for the person at the page,
asked afresh on each call. A page's fixes are plain dicts by entry number: {"customer":
code or "new", "products": {item index: sku or ""}, "quantities": {item index: n},
"skip": bool, "checked": bool}.
"""

from __future__ import annotations

from collections.abc import Mapping

SOURCE = "接龙 (pasted on the orders page)"


class GroupBuyData:
    """Check and confirm a pasted group-buy list (a mixin of PageData: needs `db`,
    `actor` and `_all`)."""

    def group_buy_choices(self) -> dict:
        """The communities (names), channels (code, name) and products on sale (sku, name,
        price) the tab offers."""
        channels = [{"code": c["code"], "name": c["name"]} for c in self._all("active_channels")]
        products = [
            {"sku": p["sku"], "name": p["name"], "price": p["price"]}
            for p in self._all("active_products")
        ]
        communities = [c["name"] for c in self._all("community_choices")]
        return {"communities": communities, "channels": channels, "products": products}

    def group_buy_check(self, text: str, **options) -> dict:
        """What confirming would do: each entry's buyer, customer, items, note, problems."""
        from ..groupbuy.service import check_list

        found = check_list(self.db, text, **_options(options), actor=self.actor)
        return self._contacts_shown(found.as_dict())

    def group_buy_confirm(self, text: str, **options) -> dict:
        """Check again and write the new entries as orders, all or nothing."""
        from ..groupbuy.service import import_list

        job = import_list(self.db, text, **_options(options), source=SOURCE, actor=self.actor)
        return self._contacts_shown(job.as_dict())


def _options(options: Mapping) -> dict:
    """The service's options from a page's: fixes as Fix objects, empty choices as none."""
    from ..groupbuy.service import Fix

    fixes = {
        int(entry): Fix(
            customer=f.get("customer") or None,
            products={int(i): sku for i, sku in (f.get("products") or {}).items()},
            quantities={int(i): int(q) for i, q in (f.get("quantities") or {}).items()},
            skip=bool(f.get("skip")),
            checked=bool(f.get("checked")),
        )
        for entry, f in (options.get("fixes") or {}).items()
    }
    return {
        "community": options.get("community") or None,
        "channel": options.get("channel") or None,
        "fixes": fixes,
        "checked_list": bool(options.get("checked_list")),
    }
