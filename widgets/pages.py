"""Every module the staff pages import, so the server's warm kernels load them in advance.

salesops.web.serve's kernel pool imports `widgets.pages` while a kernel waits for a page; a
page then finds these modules already imported and spends its time only on building its
widgets. Add a page's component modules here when a page starts using them.
"""

from . import (
    accounts_panel,
    audit_viewer,
    change_list,
    channel_panel,
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
    product_form,
    products_app,
    settings_app,
    settings_form,
    tables,
    weekly_sheet,
)

__all__ = [
    "accounts_panel",
    "audit_viewer",
    "change_list",
    "channel_panel",
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
    "product_form",
    "products_app",
    "settings_app",
    "settings_form",
    "tables",
    "weekly_sheet",
]
