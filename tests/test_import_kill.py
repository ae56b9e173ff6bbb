"""An import killed while it writes leaves the database exactly as it was."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa
from importfiles import ORDER_HEADERS_EN, count, snapshot, write_csv

from salesops.db import Database

# An import in a child process, killed part way through: ~10 s per database.
pytestmark = pytest.mark.slow

WRITTEN = re.compile(rb"writing:\s+\d+%\|[^|]*\|\s*([1-9]\d*)/(\d+)")


def _big_file(path, orders=40_000):
    rows = []
    for k in range(orders):
        mobile = f"139{k:08d}"
        for sku, qty in (("TEA-01", 1), ("HONEY-02", 2), ("GIFT-03", 1)):
            rows.append(
                [
                    f"K{k:07d}",
                    "2024-06-01 10:00",
                    "",
                    f"客户{k}",
                    mobile,
                    "",
                    "朋友圈",
                    sku,
                    "",
                    str(qty),
                    "10.00",
                    "",
                    "",
                ]
            )
    return write_csv(path, ORDER_HEADERS_EN, rows)


def test_killing_an_import_part_way_through_writing_leaves_nothing(db, basics, tmp_path):
    path = _big_file(tmp_path / "big.csv")
    before = snapshot(db)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salesops",
            "--db",
            db.url,
            "import",
            "orders",
            str(path),
            "--progress",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    try:
        while not WRITTEN.search(seen):  # the bar has moved: part of the orders are written
            chunk = os.read(proc.stderr.fileno(), 4096)
            assert chunk, f"import ended before it was killed: {seen[-500:]!r}"
            seen += chunk
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    done, total = map(int, WRITTEN.search(seen).groups())
    assert 0 < done < total
    fresh = Database(db.url)  # a new process's view, as after a crash
    try:
        assert snapshot(fresh) == before
        assert count(fresh, "orders") == 0
        if fresh.is_sqlite:
            with fresh.read() as conn:
                assert conn.execute(sa.text("pragma integrity_check")).scalar() == "ok"
        # and the database still takes the same import afterwards
        result = subprocess.run(
            [sys.executable, "-m", "salesops", "--db", db.url, "import", "orders", str(path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert count(fresh, "orders") == total
    finally:
        fresh.dispose()
