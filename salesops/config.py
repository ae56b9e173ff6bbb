"""Settings read from the environment: database URL, business time zone, language."""

import os
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "salesops.db"
DEFAULT_ZONE = "Asia/Shanghai"


def db_url(url: str | None = None) -> str:
    """The database URL: the argument, else SALESOPS_DB_URL, else the SQLite file in data/."""
    return url or os.environ.get("SALESOPS_DB_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def business_zone() -> ZoneInfo:
    """The zone business days and ISO weeks are counted in (SALESOPS_TZ, default Shanghai)."""
    return ZoneInfo(os.environ.get("SALESOPS_TZ", DEFAULT_ZONE))


def language() -> str:
    """The page language: SALESOPS_LANG, `zh_CN` (default) or `en`."""
    return os.environ.get("SALESOPS_LANG", "zh_CN")


def current_user() -> str:
    """Who is acting, for audit rows: SALESOPS_USER, else the operating-system user."""
    import getpass

    return os.environ.get("SALESOPS_USER") or getpass.getuser()
