"""README's "Start your own shop" works as written: its command block, run by bash exactly
as it stands in the README, takes an empty database to the first order, on SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from salesops.db import Database
from salesops.first_steps import first_steps
from salesops.schema import channels, customers, order_lines, orders, products, staff_users

README = Path(__file__).resolve().parent.parent / "README.md"


def start_block() -> str:
    """The first ```sh block of the README's "Start your own shop" section."""
    section = README.read_text(encoding="utf-8").split("\n## Start your own shop\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    return re.search(r"```sh\n(.*?)```", section, re.S)[1]


def test_the_block_goes_from_init_to_an_import_of_the_first_order():
    lines = start_block().rstrip().splitlines()
    assert lines[0].split("#")[0].split() == ["salesops", "init"]  # an empty database
    assert lines[-1].startswith("salesops import orders ")
    assert not any("--demo" in line for line in lines)


@pytest.mark.slow
def test_the_readme_commands_start_a_shop_from_an_empty_database(empty_db_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESOPS_")}
    env["SALESOPS_DB_URL"] = empty_db_url
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", start_block()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert not (tmp_path / "data").exists()  # everything went to SALESOPS_DB_URL
    db = Database(empty_db_url)
    try:
        with db.read() as conn:
            order = conn.execute(sa.select(orders)).mappings().one()
            buyer = conn.execute(sa.select(customers)).mappings().one()
            lines = conn.execute(
                sa.select(
                    order_lines.c.sku, order_lines.c.quantity, order_lines.c.unit_cost
                ).order_by(order_lines.c.line_no)
            ).all()
            channel = conn.execute(
                sa.select(channels.c.code).where(channels.c.id == order["channel_id"])
            ).scalar()
            people = dict(conn.execute(sa.select(staff_users.c.username, staff_users.c.role)).all())
            skus = conn.execute(sa.select(products.c.sku).order_by(products.c.sku)).scalars().all()
        assert (order["order_no"], order["total"], channel) == (
            "A0001",
            Decimal("177.00"),
            "moments",
        )
        assert (buyer["name"], buyer["mobile"], buyer["to_complete"]) == (
            "张伟",
            "13800138000",
            None,
        )
        assert lines == [("BERRY-1", 2, Decimal("21.50")), ("CHERRY-1", 1, Decimal("60.00"))]
        assert people == {"boss": "admin", "wang.fang": "staff"}
        assert skus == ["BERRY-1", "CHERRY-1"]
        assert all(step["done"] for step in first_steps(db))  # the landing's checklist is gone
    finally:
        db.dispose()
