"""After-sales and stock settings: the shop's backorder setting (migration 0011), appended
to the settings table here so schema.py stays short.

salesops.schema imports this module after its own tables, so every reader of the schema
(Alembic, copy-to, the tests) sees these too.
"""

import sqlalchemy as sa

from .schema_types import metadata

__all__: list[str] = []

# May an order take a product's stock below zero (salesops.stock_orders); default: no.
metadata.tables["settings"].append_column(
    sa.Column("allow_backorder", sa.Boolean, nullable=False, server_default=sa.false())
)
