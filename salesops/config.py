"""Settings read from the environment (database URL, language, user), and the shop's own
settings from the database, kept per process so reading them costs no query.

The business time zone is SALESOPS_TZ when it is set (the environment wins: a server, a
test or a script pinned to a zone stays there), else the zone an admin chose in the shop
settings (salesops.settings), else Asia/Shanghai. The database's values are put here by
`salesops.settings.load(db)`: when a process opens its database (a page's
`PageData.from_env()`, the analysts' `salesops.connect()`, the CLI, `salesops serve`) and
after every save in this process; call it again to refresh.
"""

import os
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "salesops.db"
DEFAULT_ZONE = "Asia/Shanghai"
DEFAULT_CURRENCY = "¥{}"

_shop: dict = {}  # the database's shop settings in this process (salesops.settings.load)


def db_url(url: str | None = None) -> str:
    """The database URL: the argument, else SALESOPS_DB_URL, else the SQLite file in data/."""
    return url or os.environ.get("SALESOPS_DB_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def use_shop_settings(values: dict | None) -> None:
    """Keep the database's shop settings for this process (None forgets them)."""
    _shop.clear()
    _shop.update(values or {})


def zone_source() -> str:
    """Where the business zone comes from: `environment`, `database` or `default`."""
    if os.environ.get("SALESOPS_TZ"):
        return "environment"
    return "database" if _shop.get("business_zone") else "default"


def business_zone() -> ZoneInfo:
    """The zone business days and ISO weeks are counted in: SALESOPS_TZ, else the shop
    settings' zone, else Asia/Shanghai (ZoneInfo keeps one instance per name)."""
    name = os.environ.get("SALESOPS_TZ") or _shop.get("business_zone") or DEFAULT_ZONE
    return ZoneInfo(name)


def currency_format() -> str:
    """How money is shown: a pattern with {} for the amount (default ¥{} -> ¥1,234.50)."""
    return _shop.get("currency_format") or DEFAULT_CURRENCY


def shop_name() -> str:
    """The shop's name from its settings ('' until an admin gives one)."""
    return _shop.get("shop_name") or ""


def language() -> str:
    """The page language: SALESOPS_LANG, `zh_CN` (default) or `en`."""
    return os.environ.get("SALESOPS_LANG", "zh_CN")


def current_user() -> str:
    """Who is acting, for audit rows: SALESOPS_USER, else the operating-system user."""
    import getpass

    return os.environ.get("SALESOPS_USER") or getpass.getuser()
