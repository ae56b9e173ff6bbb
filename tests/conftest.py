"""Fixtures: a fresh database on SQLite and on a real PostgreSQL server for each test,
and the helpers several test files share (who acts, a buyer, messages in English).

`db` is parametrised over both databases, so every test that takes it runs twice. The
PostgreSQL cluster is started once per session (tests/pgtemp.py) and each test gets a
new database cloned from a migrated template, which takes milliseconds. Without the
PostgreSQL binaries the PostgreSQL half is skipped, except under CI, where it fails.

Markers: `pg` marks every test run on the PostgreSQL server (`-m "not pg"` runs SQLite
only); `slow` marks what takes seconds (browser tests, notebooks, LibreOffice, the demo
data, the benchmarks' tests, many processes), so `pytest -m "not slow"` is the quick
loop. Browser tests and tests on the demo data are marked here; the others where they
are written.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from pgtemp import PostgresUnavailable, TempPostgres

from salesops import migrate
from salesops.actors import Actor
from salesops.db import Database

# The live-server and Chromium fixtures live in tests/browser.py.
pytest_plugins = ["browser"]

BACKENDS = ["sqlite", "postgresql"]
# Who the tests act as: two staff members and a manager.
WANG = Actor("wang.fang", "staff")
ZHAO = Actor("zhao.min", "staff")
LI = Actor("li.lei", "manager")
# Tests that use these fixtures read the demo data (2,000 customers): slow.
DEMO_FIXTURES = {"demo_db", "demo_db_url", "demo_templates"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    """Mark `pg` the tests run on the PostgreSQL server, and `slow` the browser tests and
    the tests on the demo data."""
    for item in items:
        params = item.callspec.params.values() if hasattr(item, "callspec") else ()
        if "postgresql" in params or "pg_server" in item.fixturenames:
            item.add_marker(pytest.mark.pg)
        if item.get_closest_marker("browser") or DEMO_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


def libreoffice_convert(path, to: str, outdir, home) -> Path:
    """Convert `path` with headless LibreOffice (its own profile and HOME under `home`)
    to format `to` in `outdir`; returns the new file. A missing soffice is a missing
    service."""
    import subprocess

    soffice = shutil.which("soffice")
    if not soffice:
        missing_service("LibreOffice (soffice) is needed")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{Path(home) / 'lo-profile'}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(home)},
    )
    return Path(outdir) / f"{Path(path).stem}.{to}"


def missing_service(reason: str):
    """Skip a test that needs a service we do not have, or fail it when CI is set."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a missing service is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _forget_shop_settings():
    """Each test ends by forgetting the shop settings a database put in this process's
    cache (salesops.config), so the next test starts as a new process does."""
    yield
    from salesops import config

    config.use_shop_settings(None)


@pytest.fixture(scope="session")
def pg_server():
    """The session's throwaway PostgreSQL cluster with a migrated template database."""
    try:
        server = TempPostgres().start()
    except PostgresUnavailable as e:
        yield e
        return
    template = Database(server.create_database("salesops_template"))
    migrate.upgrade(template)
    template.dispose()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file that tests copy instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    template = Database(f"sqlite:///{path}")
    migrate.upgrade(template)
    with template.engine.connect() as conn:
        conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
    template.dispose()
    return path


def pg_url(pg_server, template: str | None = "salesops_template") -> str:
    """A new database on the test cluster, a copy of `template` (or empty when None)."""
    if isinstance(pg_server, Exception):
        missing_service(str(pg_server))
    name = f"t{os.getpid()}_{uuid.uuid4().hex[:12]}"
    if template is None:
        return pg_server.create_database(name)
    import psycopg

    with psycopg.connect(
        pg_server.url().replace("postgresql+psycopg", "postgresql"), autocommit=True
    ) as conn:
        conn.execute(f'create database "{name}" template "{template}"')
    return pg_server.url(name)


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The name of the database this run of the test uses."""
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path, sqlite_template):
    """The URL of a fresh, migrated, empty database of the current backend."""
    if backend == "sqlite":
        path = tmp_path / "salesops.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    return pg_url(request.getfixturevalue("pg_server"))


@pytest.fixture
def empty_db_url(backend, request, tmp_path):
    """The URL of a fresh database with no tables at all (for migration tests)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return pg_url(request.getfixturevalue("pg_server"), template=None)


@pytest.fixture
def db(db_url):
    """A connected handle on a fresh migrated database of the current backend."""
    handle = Database(db_url)
    yield handle
    handle.dispose()


@pytest.fixture
def fresh_db_url(request, tmp_path, sqlite_template):
    """A function: backend name -> URL of a new migrated empty database (for cross-DB tests)."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path / f"fresh{uuid.uuid4().hex[:8]}.db"
            shutil.copy(sqlite_template, path)
            return f"sqlite:///{path}"
        return pg_url(request.getfixturevalue("pg_server"))

    return make


class DemoTemplates:
    """The default demo data set, generated at most once per backend per session."""

    def __init__(self, request, folder):
        self.request, self.folder = request, folder
        self._done: dict[str, str] = {}

    def template(self, backend: str) -> str:
        """The template's SQLite path or PostgreSQL database name, generated on first use."""
        if backend not in self._done:
            from salesops import demo

            if backend == "sqlite":
                path = self.folder / "demo.db"
                shutil.copy(self.request.getfixturevalue("sqlite_template"), path)
                url, self._done[backend] = f"sqlite:///{path}", str(path)
            else:
                server = self.request.getfixturevalue("pg_server")
                url = pg_url(server)
                self._done[backend] = url.rsplit("/", 1)[1]
            handle = Database(url)
            demo.generate(handle, anchor=demo.REFERENCE_ANCHOR)  # the figures tests expect
            if backend == "sqlite":
                with handle.engine.connect() as conn:
                    conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
            handle.dispose()  # a PostgreSQL template must have no open connections
        return self._done[backend]

    def copy_url(self, backend: str, tmp_path) -> str:
        """A new writable copy of the demo database (file copy / CREATE DATABASE TEMPLATE)."""
        template = self.template(backend)
        if backend == "sqlite":
            path = tmp_path / f"demo{uuid.uuid4().hex[:8]}.db"
            shutil.copy(template, path)
            return f"sqlite:///{path}"
        return pg_url(self.request.getfixturevalue("pg_server"), template=template)


@pytest.fixture(scope="session")
def demo_templates(request, tmp_path_factory):
    """Demo data templates for `demo_db` and `demo_db_url` (default seed and size)."""
    return DemoTemplates(request, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session", params=BACKENDS)
def demo_db(request, demo_templates, tmp_path_factory):
    """A shared handle on the default demo data (2,000 customers, 15,000 orders) per backend.

    Shared by every test of the session: read from it, never write (use `demo_db_url`).
    """
    handle = Database(demo_templates.copy_url(request.param, tmp_path_factory.mktemp("demo_db")))
    yield handle
    handle.dispose()


@pytest.fixture
def demo_db_url(backend, demo_templates, tmp_path):
    """The URL of a fresh writable copy of the demo data, on the current backend."""
    return demo_templates.copy_url(backend, tmp_path)


def seed_basics(db) -> dict:
    """Two channels and three products: the least a customer or order test needs."""
    from decimal import Decimal

    import sqlalchemy as sa

    from salesops.schema import channels, now_utc, products

    with db.write() as conn:
        conn.execute(
            sa.insert(channels),
            [
                {"code": "wechat_moments", "name": "朋友圈", "name_en": "WeChat Moments"},
                {"code": "micro_store", "name": "微店", "name_en": "Micro-store"},
            ],
        )
        conn.execute(
            sa.insert(products),
            [
                {
                    "sku": "TEA-01",
                    "name": "明前龙井 250g",
                    "price": Decimal("128.00"),
                    "unit_cost": Decimal("51.20"),
                    "created_at": now_utc(),
                },
                {
                    "sku": "HONEY-02",
                    "name": "土蜂蜜 500g",
                    "price": Decimal("68.50"),
                    "unit_cost": Decimal("30.10"),
                    "created_at": now_utc(),
                },
                {
                    "sku": "GIFT-03",
                    "name": "礼盒包装",
                    "price": Decimal("9.90"),
                    "unit_cost": None,
                    "created_at": now_utc(),
                },
            ],
        )
        ids = dict(conn.execute(sa.select(channels.c.code, channels.c.id)).all())
        ids |= dict(conn.execute(sa.select(products.c.sku, products.c.id)).all())
    return ids


@pytest.fixture
def basics(db):
    """`db` seeded with two channels and three products; returns their ids by code/SKU."""
    return seed_basics(db)


@pytest.fixture
def buyer(db, basics):
    """A customer of the basic shop: 张伟, mobile 13800138000, from WeChat Moments (by WANG)."""
    from salesops import customers

    return customers.create_customer(
        db, {"name": "张伟", "mobile": "13800138000", "channel_id": basics["wechat_moments"]}, WANG
    )


@pytest.fixture
def english(monkeypatch):
    """Messages in English, so tests can read them, and days counted in Shanghai, whatever
    the shell says (a module asks with pytestmark = pytest.mark.usefixtures("english"))."""
    monkeypatch.setenv("SALESOPS_LANG", "en")
    monkeypatch.setenv("SALESOPS_TZ", "Asia/Shanghai")


def as_person(db, name: str, role: str = "staff"):
    """The data functions of a page (a PageData) acting for `name` with `role`."""
    from salesops.web.pagedata import PageData

    return PageData(db, actor=lambda: Actor(name, role))
