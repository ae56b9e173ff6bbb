"""Database.snapshots: several connections reading one snapshot, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import sqlalchemy as sa

from salesops.db import SNAPSHOT_LOCK_WAIT_MS
from salesops.schema import channels


def _add_channel(db, code: str) -> None:
    with db.write() as conn:
        conn.execute(sa.insert(channels).values(code=code, name=code, name_en=code))


def _channels(conn) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(channels)).scalar()


def test_every_connection_reads_the_snapshot_taken_when_they_were_opened(db):
    _add_channel(db, "before")
    with db.snapshots(2) as conns:
        assert len(conns) == 2
        _add_channel(db, "during")  # committed before either has run a query
        assert [_channels(c) for c in conns] == [1, 1]
    with db.read() as conn:
        assert _channels(conn) == 2


def test_one_snapshot_when_a_long_write_holds_sqlite_s_lock(db, backend):
    """A writer in the middle of a long transaction (an import) does not stall the weekly
    sheet: after SNAPSHOT_LOCK_WAIT_MS it reads in one thread; PostgreSQL needs no lock."""
    _add_channel(db, "before")
    with db.write() as writing:
        writing.execute(sa.insert(channels).values(code="busy", name="busy", name_en="busy"))
        started = time.perf_counter()
        with db.snapshots(2) as conns:
            waited = time.perf_counter() - started
            assert len(conns) == (1 if backend == "sqlite" else 2)
            assert [_channels(c) for c in conns] == [1] * len(conns)
    assert waited < 10 * SNAPSHOT_LOCK_WAIT_MS / 1000  # not the 30 s busy timeout
    with db.read() as conn:
        assert _channels(conn) == 2
