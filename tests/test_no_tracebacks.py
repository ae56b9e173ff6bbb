"""Unexpected failures are a sentence with a reference on the screen and a class with the
same reference in the log, never a traceback, a password hash or a customer's row."""

from __future__ import annotations

import logging
import shutil

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from importfiles import ORDER_HEADERS_EN, write_csv

from salesops import db as dbmod
from salesops.cli import main

pytestmark = pytest.mark.usefixtures("english")


def test_adding_a_user_to_a_read_only_database_says_so_without_the_hash(
    sqlite_template, tmp_path, caplog
):
    path = tmp_path / "ro.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with caplog.at_level(logging.ERROR, logger="salesops.cli"):
        result = CliRunner().invoke(
            main,
            ["--db", url, "user", "add", "wang.fang", "--role", "staff", "--password-stdin"],
            input="a-long-secret-password\n",
        )
    assert result.exit_code == 1
    assert "read-only" in result.output and "reference" in result.output, result.output
    for leak in ("argon2", "Traceback", "INSERT", "a-long-secret-password", "wang.fang"):
        assert leak not in result.output and leak not in caplog.text, leak
    ref = result.output.split("reference ")[1][:8]
    assert ref in caplog.text and "OperationalError" in caplog.text


def test_a_disk_full_import_prints_no_customer_rows(sqlite_template, tmp_path, monkeypatch, caplog):
    """SQLite's page limit stands in for a full disk."""
    shutil.copy(sqlite_template, tmp_path / "small.db")
    db_url = f"sqlite:///{tmp_path / 'small.db'}"
    real = dbmod.make_engine

    def small_disk(url, **kw):
        engine = real(url, **kw)

        @sa.event.listens_for(engine, "connect")
        def _cap(dbapi_conn, _rec):
            pages = dbapi_conn.execute("pragma page_count").fetchone()[0]
            dbapi_conn.execute(f"pragma max_page_count = {pages + 3}")

        return engine

    monkeypatch.setattr(dbmod, "make_engine", small_disk)
    rows = [
        [f"B{i:05d}", "2026-11-02 10:00", "", f"客户甲乙{i}", f"139{i:08d}", "", "offline",
         "TEA-01", "茶", "1", "128", "128", "已付款"]
        for i in range(3000)
    ]  # fmt: skip
    path = write_csv(tmp_path / "big.csv", ORDER_HEADERS_EN, rows)
    with caplog.at_level(logging.ERROR):
        result = CliRunner().invoke(main, ["--db", db_url, "import", "orders", str(path)])
    assert result.exit_code == 1 and "disk is full" in result.output, result.output
    for leak in ("客户甲乙", "13900000", "Traceback", "INSERT"):
        assert leak not in result.output and leak not in caplog.text, leak
