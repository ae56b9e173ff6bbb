"""Who is acting, and what their role allows.

Services take an `Actor` and call `actor.require(...)` before they change anything, so
a refused action is refused the same way from a page, the CLI or a notebook. The CLI
acts as an admin named after the operating-system user (or SALESOPS_USER).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import config, messages
from .errors import PermissionDenied

STAFF = frozenset(
    {
        "customers.edit",
        "orders.edit",
        "followups.own",
        "import.dry_run",
        "stock.receive",
    }
)
MANAGER = STAFF | {
    "followups.all",
    "orders.cancel",
    "import.write",
    "weekly.view",
    "audit.view",
    "products.edit",
    "products.costs",
    "channels.edit",
    "agents.edit",
    "agents.settle",
    "communities.edit",
    "customers.contact",
}
ADMIN = MANAGER | {"users.manage", "settings.edit", "customers.erase", "customers.data"}
PERMISSIONS = {"staff": STAFF, "manager": MANAGER, "admin": ADMIN}

# What each permission lets a person do, in the words a refusal uses.
messages.add(
    {
        "en": {
            "perm.customers.edit": "create or edit customers",
            "perm.orders.edit": "create or edit orders",
            "perm.followups.own": "work on follow-ups",
            "perm.followups.all": "see or change other people's follow-ups",
            "perm.orders.cancel": "cancel, refund or delete orders",
            "perm.import.dry_run": "check an import",
            "perm.stock.receive": "receive goods into stock",
            "perm.import.write": "import data into the database",
            "perm.weekly.view": "open the weekly sheet",
            "perm.audit.view": "see the change log",
            "perm.users.manage": "manage staff accounts",
            "perm.products.edit": "create, edit or archive products or set their stock",
            "perm.products.costs": "see unit costs and margins",
            "perm.channels.edit": "add, rename or archive channels",
            "perm.agents.edit": "change agent levels, agent prices or commission rules",
            "perm.agents.settle": "see agents' statements and checks, close months or mark "
            "statements paid",
            "perm.communities.edit": "create or change communities",
            "perm.settings.edit": "change the shop settings",
            "perm.customers.erase": "erase a customer's personal data",
            "perm.customers.data": "hand a customer their personal data",
            "perm.customers.contact": "see customers' mobile numbers in full",
        },
        "zh_CN": {
            "perm.customers.edit": "新建或修改客户",
            "perm.orders.edit": "新建或修改订单",
            "perm.followups.own": "处理跟进",
            "perm.followups.all": "查看或修改他人的跟进",
            "perm.orders.cancel": "取消、退款或删除订单",
            "perm.import.dry_run": "检查导入文件",
            "perm.stock.receive": "商品入库",
            "perm.import.write": "导入数据",
            "perm.weekly.view": "查看周报",
            "perm.audit.view": "查看修改记录",
            "perm.users.manage": "管理员工账号",
            "perm.products.edit": "新建、修改、归档商品或设置库存",
            "perm.products.costs": "查看成本和毛利",
            "perm.channels.edit": "新增、改名或归档渠道",
            "perm.agents.edit": "修改代理等级、代理价或佣金规则",
            "perm.agents.settle": "查看代理对账单和检查、结算月份或标记已付",
            "perm.communities.edit": "新建或修改社群",
            "perm.settings.edit": "修改店铺设置",
            "perm.customers.erase": "删除客户的个人信息",
            "perm.customers.data": "向客户提供其个人信息副本",
            "perm.customers.contact": "查看客户完整的手机号",
        },
    }
)


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
