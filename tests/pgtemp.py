"""A throwaway PostgreSQL cluster for the test suite and the benchmarks.

Starts Debian's PostgreSQL binaries on a private unix socket and a free loopback port,
with fsync off, in a temporary folder, and removes it all on `stop()`. PostgreSQL
refuses to run as root, so as root the cluster runs as the `postgres` system user.
Set SALESOPS_TEST_PG_URL to use an existing server instead.

Development tooling, not part of the installed package: conftest.py imports it as
`pgtemp`, the benchmarks (bench/dbs.py) as `tests.pgtemp`, both from the checkout.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed here."""


def find_bindir() -> Path:
    """The newest installed PostgreSQL bin folder (with initdb and pg_ctl)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL server not installed (Debian: apt-get install postgresql; "
            "`make test` does this when run as root)"
        )
    return Path(found[-1]).parent


def _major(path: str) -> int:
    """The major version in /usr/lib/postgresql/<major>/bin/initdb."""
    return int(Path(path).parent.parent.name)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    """One throwaway cluster; `url(dbname)` gives SQLAlchemy URLs for databases in it."""

    def __init__(self):
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="salesops-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        """Run a PostgreSQL program, as `postgres` when we are root."""
        cmd = list(args)
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> TempPostgres:
        """initdb and start the server; returns self once it accepts connections."""
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "--auth-local=trust",
            "--auth-host=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-o",
            opts,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )
        return self

    def url(self, dbname: str = "postgres") -> str:
        """A SQLAlchemy URL for database `dbname` on this cluster (over loopback TCP)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')
            conn.execute(f'create database "{dbname}"')
        return self.url(dbname)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir),
                "-m",
                "immediate",
                "-w",
                "stop",
            )
        except subprocess.CalledProcessError:
            pass
        for _ in range(20):
            try:
                shutil.rmtree(self.root)
                return
            except OSError:
                time.sleep(0.1)
