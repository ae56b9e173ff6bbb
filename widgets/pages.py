"""Every module the staff pages import, so the server's warm kernels load them in advance.

salesops.web.serve's kernel pool imports `widgets.pages` while a kernel waits for a page; a
page then finds these modules already imported and spends its time only on building its
widgets. Add a page's component modules here when a page starts using them.
"""

from . import (
    audit_viewer,
    change_list,
    common,
    customer_360,
    customer_form,
    customer_picker,
    customers_app,
    duplicates_panel,
    followup_panel,
    import_app,
    landing,
    order_form,
    order_line,
    order_status,
    orders_app,
    weekly_sheet,
)

__all__ = [
    "audit_viewer",
    "change_list",
    "common",
    "customer_360",
    "customer_form",
    "customer_picker",
    "customers_app",
    "duplicates_panel",
    "import_app",
    "landing",
    "followup_panel",
    "order_form",
    "order_line",
    "order_status",
    "orders_app",
    "weekly_sheet",
]
