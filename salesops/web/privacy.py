"""What the pages may call about personal data (PIPL): a part of PageData
(salesops.web.pagedata). Each method goes through salesops.erasure, acting for the person
at the page, asked afresh on each call; the service refuses whoever may not.
"""

from __future__ import annotations


class PrivacyData:
    """Erasure for the customer page (a mixin of PageData: needs `db` and `actor`)."""

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
