"""salesops: a sales-operations workbook for mobile and social sellers.

`import salesops` stays light (pages import it): `connect`, `queries` and `analysis`
are loaded on first use.
"""

from __future__ import annotations

import importlib

__all__ = ["connect", "queries", "analysis"]


def connect(url: str | None = None):
    """The database handle for `url` (default: SALESOPS_DB_URL, else data/salesops.db),
    with the shop settings (business zone, money format) loaded for this process."""
    from .db import connect as _connect
    from .settings import load

    db = _connect(url)
    load(db)
    return db


def __getattr__(name: str):
    """Import the `queries` and `analysis` submodules when first asked for."""
    if name in ("queries", "analysis"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'salesops' has no attribute {name!r}")
