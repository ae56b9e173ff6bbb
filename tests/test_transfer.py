"""Moving from one SQLite file to PostgreSQL: one command, verified row for row."""

import pytest
import sqlalchemy as sa
from conftest import WANG

from salesops import customers, orders, transfer
from salesops.db import Database
from salesops.schema import customers as customers_table
from tests.conftest import pg_url, seed_basics


def _populate(db):
    seed_basics(db)
    buyer = customers.create_customer(
        db, {"name": "张伟", "mobile": "13800138000", "channel_id": 1, "is_agent": True}, WANG
    )
    orders.create_order(
        db,
        buyer["id"],
        [{"sku": "TEA-01", "quantity": 2}, {"sku": "GIFT-03", "quantity": 1}],
        discount="3.33",
        actor=WANG,
    )
    return buyer


def test_sqlite_copies_into_postgresql_and_keeps_working(tmp_path, sqlite_template, pg_server):
    import shutil

    shutil.copy(sqlite_template, tmp_path / "s.db")
    source = Database(f"sqlite:///{tmp_path / 's.db'}")
    _populate(source)
    target = Database(pg_url(pg_server, template=None))
    copied = transfer.copy_database(source, target)
    assert copied["customers"] == 1 and copied["order_lines"] == 2 and copied["audit_log"] == 2
    second = customers.create_customer(target, {"name": "李娜"}, WANG)
    assert second["code"] == "C000002" and second["id"] == 2
    order = orders.create_order(
        target, second["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store", actor=WANG
    )
    assert order["order_no"] == "SO00000002"
    source.dispose()
    target.dispose()


def test_a_copy_that_differs_is_reported(db_url, tmp_path, sqlite_template, pg_server):
    source = Database(db_url)
    _populate(source)
    target = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    transfer.copy_database(source, target)
    with target.write() as conn:
        conn.execute(sa.update(customers_table).values(name="王芳"))
    with pytest.raises(transfer.TransferError, match="customers"):
        transfer.verify(source, target)
    with pytest.raises(transfer.TransferError, match="not empty"):
        transfer.copy_database(source, target)
    source.dispose()
    target.dispose()
