"""What the Communities page and the customers' and orders' 晒单 parts may call: a part of
PageData (salesops.web.pagedata).

Every method goes through a service (salesops.communities, salesops.reviews), acting for
the person at the page; the services refuse what the person's role does not allow
(communities.edit for creating and changing communities, customers.edit for members
and reviews).
"""

from __future__ import annotations

from collections.abc import Mapping


class CommunityData:
    """Communities, their members and order-shares for the pages (a mixin of PageData:
    needs `db` and `actor`)."""

    # -- communities --------------------------------------------------------------------------

    def community_list(self) -> list[dict]:
        """Every community with channel, owner, members now and ever, and buyers."""
        from ..communities import list_communities

        return list_communities(self.db)

    def create_community(self, data: Mapping) -> dict:
        """Add a community (managers and admins)."""
        from ..communities import create_community

        return create_community(self.db, dict(data), actor=self.actor)

    def update_community(self, community_id: int, changes: Mapping, version: int) -> dict:
        """Rename a community or change its channel or owner."""
        from ..communities import update_community

        return update_community(self.db, community_id, dict(changes), version, actor=self.actor)

    def community_members(self, community_id: int, include_left: bool = False) -> list[dict]:
        """The community's members with what they bought (and those who left)."""
        from ..communities import members

        return self._contacts_shown(members(self.db, community_id, include_left))

    def join_community(self, community_id: int, customer_id: int, joined=None) -> dict:
        """Add a customer to a community from `joined` (a day; default now)."""
        from ..communities import add_member

        return add_member(self.db, community_id, customer_id, joined or None, actor=self.actor)

    def leave_community(self, community_id: int, customer_id: int, left=None) -> dict:
        """End a customer's stay in a community (kept, with its left_at)."""
        from ..communities import remove_member

        return remove_member(self.db, community_id, customer_id, left or None, actor=self.actor)

    def new_member(self, community_id: int, data: Mapping, joined=None) -> dict:
        """A person typed on the Communities page who is not a customer yet: created and
        added at once, "from community NAME"."""
        from ..communities import add_new_person

        added = add_new_person(self.db, community_id, dict(data), joined or None, self.actor)
        return self._contacts_shown(added)

    def customer_communities(self, customer_id: int) -> list[dict]:
        """A customer's stays in communities, current first."""
        from ..communities import customer_stays

        return customer_stays(self.db, customer_id)

    # -- order-shares (晒单) -------------------------------------------------------------------

    def review_platforms(self) -> list[tuple[str, str]]:
        """(label, code) of the platforms a 晒单 can be posted on."""
        from ..reviews import platforms

        return platforms()

    def record_review(self, order_id: int, data: Mapping) -> dict:
        """Record a 晒单 of an order by its buyer."""
        from ..reviews import record_review

        return record_review(self.db, order_id, dict(data), actor=self.actor)

    def delete_review(self, review_id: int, version: int) -> None:
        """Delete a 晒单 recorded by mistake."""
        from ..reviews import delete_review

        delete_review(self.db, review_id, version, actor=self.actor)

    def customer_reviews(self, customer_id: int) -> list[dict]:
        """A customer's 晒单, newest first."""
        from ..reviews import customer_reviews

        return customer_reviews(self.db, customer_id)

    def order_reviews(self, order_id: int) -> list[dict]:
        """An order's 晒单, newest first."""
        from ..reviews import order_reviews

        return order_reviews(self.db, order_id)

    def customer_order_choices(self, customer_id: int) -> list[tuple[str, int]]:
        """(order number and day, id) of a customer's live orders, newest first: what a 晒单
        can be about."""
        from ..communities import local_day
        from ..queries import fetch_all

        rows = fetch_all(self.db, "customer_orders", customer_id=customer_id)
        return [(f"{r['order_no']}  {local_day(r['ordered_at'])}", r["id"]) for r in rows]
