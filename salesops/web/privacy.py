"""What the pages may call about personal data (PIPL): a part of PageData
(salesops.web.pagedata). Each method goes through a service (salesops.erasure,
salesops.masking), acting for the person at the page, asked afresh on each call; the
service refuses whoever may not.

Minimum exposure: every read that gives a page customers' mobiles passes its result
through `_contacts_shown`, which masks them (138****8000) for anyone without
`customers.contact` (staff); `reveal_mobile` shows one in full and logs the access.
"""

from __future__ import annotations


class PrivacyData:
    """Erasure, masked mobiles and their "show" action for the pages (a mixin of
    PageData: needs `db` and `actor`)."""

    def may_see_contacts(self) -> bool:
        """Whether the person at the page sees customers' mobiles in full (managers and
        admins: customers.contact); staff see them masked and press "show"."""
        return self.actor.can("customers.contact")

    def _contacts_shown(self, value):
        """`value` (a read's dicts and lists) as this person may see it: every mobile
        masked for those without customers.contact (salesops.masking.mobiles_masked)."""
        from ..masking import mobiles_masked

        return value if self.may_see_contacts() else mobiles_masked(value)

    def reveal_mobile(self, customer_id: int) -> str:
        """Customer `customer_id`'s mobile in full ("" for none), writing an access row
        (who saw whose number, when) in the change log in the same transaction."""
        from ..masking import show_mobile

        return show_mobile(self.db, customer_id, self.actor)

    def reveal_address_mobile(self, customer_id: int, address_id: int) -> str:
        """The mobile of one of the customer's addresses in full, with an access row (the
        customer's, naming the address) as `reveal_mobile` writes."""
        from ..masking import show_mobile

        return show_mobile(self.db, customer_id, self.actor, address_id=address_id)

    def may_erase(self) -> bool:
        """Whether the person at the page may erase a customer's personal data (admins)."""
        return self.actor.can("customers.erase")

    def erase_customer(self, customer_id: int, reason: str) -> dict:
        """Erase the personal data of customer `customer_id` for good (salesops.erasure);
        the erasure record: id, customer_code, at, actor, reason, erased (rows per table)."""
        from ..customers import get_customer
        from ..erasure import erase_customer

        actor = self.actor
        actor.require("customers.erase")  # before reading whose record it is
        code = get_customer(self.db, customer_id)["code"]
        return erase_customer(self.db, code, reason, actor=actor)
