"""What the Products and Shop settings pages may call: a part of PageData (salesops.web.pagedata).

Every method goes through a service (salesops.products, .stock, .channels, .settings,
.accounts), acting for the person at the page, asked afresh on each call; the services
refuse what the person's role does not allow. Reads that would show unit costs leave
them out for anyone without `products.costs`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import NotFoundError, PermissionDenied, ValidationError
from ..messages import add

add(
    {
        "en": {
            "accounts.not_self": "{field}: you cannot disable your own account or take "
            "away your own admin role here (another admin can)"
        },
        "zh_CN": {
            "accounts.not_self": "{field}：不能在这里停用自己的账号或取消自己的管理员角色"
            "（可请另一位管理员操作）"
        },
    }
)


class ShopData:
    """Products, channels, shop settings and staff accounts for the pages (a mixin of
    PageData: needs `db` and `actor`)."""

    # -- products ---------------------------------------------------------------------------

    def product_list(self, text: str = "", include_archived: bool = False) -> list[dict]:
        """Products matching `text` (SKU, name, category, alias), by SKU, with price,
        stock, reorder level, aliases, active; unit cost and margin for managers only."""
        from ..products import list_products

        return list_products(self.db, self.actor, text, include_archived)

    def product(self, product_id: int) -> dict | None:
        """One product as `product_list` shows it, or None when there is no such product."""
        from ..products import get_product

        try:
            return get_product(self.db, int(product_id), self.actor)
        except NotFoundError:
            return None

    def create_product(self, data: Mapping) -> dict:
        """Add a product (managers and admins: products.edit)."""
        from ..products import create_product

        return create_product(self.db, data, actor=self.actor)

    def update_product(self, product_id: int, changes: Mapping, version: int) -> dict:
        """Save edits made to the copy read at `version` (ConflictError if it moved on)."""
        from ..products import update_product

        return update_product(self.db, product_id, changes, version, actor=self.actor)

    def archive_product(self, product_id: int, version: int) -> dict:
        """Take a product off sale (it keeps its history)."""
        from ..products import archive_product

        return archive_product(self.db, product_id, version, actor=self.actor)

    def restore_product(self, product_id: int, version: int) -> dict:
        """Put an archived product back on sale."""
        from ..products import restore_product

        return restore_product(self.db, product_id, version, actor=self.actor)

    # -- channels ---------------------------------------------------------------------------

    def channel_list(self, include_archived: bool = True) -> list[dict]:
        """Every channel: id, code, name, name_en, active, version, is_default."""
        from ..channels import list_channels

        return list_channels(self.db, include_archived)

    def add_channel(self, name: str, code: str | None = None) -> dict:
        """Add a channel (managers and admins: channels.edit); its code from the name."""
        from ..channels import add_channel

        return add_channel(self.db, name, code=code or None, actor=self.actor)

    def rename_channel(self, channel_id: int, name: str, version: int) -> dict:
        """Give a channel a new name; its code stays."""
        from ..channels import rename_channel

        return rename_channel(self.db, channel_id, name, version, actor=self.actor)

    def archive_channel(self, channel_id: int, version: int) -> dict:
        """Take a channel out of the lists (refused for the default channel)."""
        from ..channels import archive_channel

        return archive_channel(self.db, channel_id, version, actor=self.actor)

    def restore_channel(self, channel_id: int, version: int) -> dict:
        """Put an archived channel back in the lists."""
        from ..channels import restore_channel

        return restore_channel(self.db, channel_id, version, actor=self.actor)

    # -- shop settings (admins) -------------------------------------------------------------

    def shop_settings(self) -> dict:
        """The shop settings with defaults, the zone in force and where it comes from."""
        from ..settings import get_settings

        return get_settings(self.db)

    def save_shop_settings(self, changes: Mapping, version: int) -> dict:
        """Save the settings read at `version` (admins: settings.edit)."""
        from ..settings import save_settings

        return save_settings(self.db, changes, version, actor=self.actor)

    def settings_choices(self) -> dict:
        """What the settings form offers: `zones` (IANA names) and `currencies` (patterns)."""
        from ..settings import CURRENCY_FORMATS, time_zones

        return {"zones": time_zones(), "currencies": list(CURRENCY_FORMATS)}

    # -- staff accounts (admins: users.manage) ---------------------------------------------

    def staff_accounts(self) -> list[dict]:
        """Every account with role and status (never a hash); admins only."""
        from ..accounts import list_users

        self.actor.require("users.manage")
        return list_users(self.db)

    def add_account(self, name: str, role: str, password: str | None, display_name: str = ""):
        """Create an account (a password of at least 8 characters; None: proxy sign-in)."""
        from ..accounts import add_user

        return add_user(
            self.db, name, role, password or None, display_name=display_name, actor=self.actor
        )

    def disable_account(self, name: str) -> dict:
        """Disable an account now (its sessions end); not one's own."""
        from ..accounts import disable_user

        self._not_self(name)
        return disable_user(self.db, name, actor=self.actor)

    def enable_account(self, name: str) -> dict:
        """Enable a disabled account again (and clear a lock)."""
        from ..accounts import enable_user

        return enable_user(self.db, name, actor=self.actor)

    def set_account_role(self, name: str, role: str) -> dict:
        """Give an account another role; one's own admin role stays."""
        from ..accounts import set_role

        if role != "admin":
            self._not_self(name)
        return set_role(self.db, name, role, actor=self.actor)

    def set_account_password(self, name: str, password: str) -> dict:
        """Give an account a new password (ends its sessions, clears a lock)."""
        from .accounts import set_password

        return set_password(self.db, name, password, actor=self.actor)

    def _not_self(self, name: str) -> None:
        """Refuse a change that would lock the acting admin out of this page."""
        actor = self.actor
        if not actor.can("users.manage"):
            raise PermissionDenied(actor.name, actor.role, "users.manage")
        if (name or "").strip().lower() == actor.name.lower():
            raise ValidationError.one("accounts.not_self", "username", name)
