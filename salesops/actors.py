"""Who is acting, and what their role allows.

Services take an `Actor` and call `actor.require(...)` before they change anything, so
a refused action is refused the same way from a page, the CLI or a notebook. The CLI
acts as an admin named after the operating-system user (or SALESOPS_USER).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import config
from .errors import PermissionDenied

STAFF = frozenset(
    {
        "customers.edit",
        "orders.edit",
        "followups.own",
        "import.dry_run",
    }
)
MANAGER = STAFF | {"followups.all", "orders.cancel", "import.write", "weekly.view", "audit.view"}
ADMIN = MANAGER | {"users.manage"}
PERMISSIONS = {"staff": STAFF, "manager": MANAGER, "admin": ADMIN}


@dataclass(frozen=True)
class Actor:
    """A person (or the CLI) acting on the data, with their role."""

    name: str
    role: str = "admin"

    def can(self, permission: str) -> bool:
        """True when this actor's role includes `permission`."""
        return permission in PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: str) -> None:
        """Raise PermissionDenied unless the role includes `permission`."""
        if not self.can(permission):
            raise PermissionDenied(self.name, self.role, permission)


def system_actor() -> Actor:
    """The CLI's actor: an admin named SALESOPS_USER or the operating-system user."""
    return Actor(config.current_user(), "admin")
