"""Shop settings: defaults on an empty database, saved by admins only, versioned and
audited; the business zone follows the database unless SALESOPS_TZ is set, and is read
from a per-process cache."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from conftest import LI

from salesops import audit, config, messages, settings
from salesops.actors import Actor
from salesops.channels import add_channel
from salesops.errors import ConflictError, PermissionDenied, ValidationError

ADMIN = Actor("root", "admin")


@pytest.fixture
def no_tz(monkeypatch):
    """No SALESOPS_TZ in the environment, so the database's zone applies."""
    monkeypatch.delenv("SALESOPS_TZ", raising=False)


def test_an_empty_database_has_the_default_settings(db, no_tz):
    got = settings.get_settings(db)
    assert got["version"] == 0 and got["shop_name"] == ""
    assert got["currency_format"] == "¥{}" and got["default_channel"] is None
    assert (got["zone"], got["zone_source"]) == ("Asia/Shanghai", "default")


def test_only_admins_change_the_settings(db):
    with pytest.raises(PermissionDenied, match="li.lei"):
        settings.save_settings(db, {"shop_name": "小雨水果"}, 0, actor=LI)
    assert settings.get_settings(db)["version"] == 0


def test_saved_settings_are_versioned_audited_and_checked(db, no_tz):
    channel = add_channel(db, "朋友圈", actor=ADMIN)
    saved = settings.save_settings(
        db,
        {
            "shop_name": "小雨水果",
            "business_zone": "Asia/Hong_Kong",
            "default_channel_id": channel["id"],
        },
        0,
        actor=ADMIN,
    )
    assert saved["version"] == 1 and saved["default_channel"] == channel["code"]
    assert (saved["zone"], saved["zone_source"]) == ("Asia/Hong_Kong", "database")
    with pytest.raises(ConflictError, match="root"):
        settings.save_settings(db, {"shop_name": "stale"}, 0, actor=ADMIN)
    with pytest.raises(ValidationError) as e:
        settings.save_settings(
            db, {"business_zone": "Mars/Olympus", "currency_format": "¥"}, 1, actor=ADMIN
        )
    assert set(e.value.fields) == {"business_zone", "currency_format"}
    settings.save_settings(db, {"currency_format": "{}元"}, 1, actor=ADMIN)
    with db.read() as conn:
        rows = audit.history(conn, "settings", 1)
    assert [r["action"] for r in rows] == ["create", "update"]
    assert rows[1]["old_values"] == {"currency_format": "¥{}"}


def test_the_business_zone_comes_from_the_database_without_a_query_per_call(db, no_tz):
    settings.save_settings(db, {"business_zone": "Europe/Berlin"}, 0, actor=ADMIN)
    assert str(config.business_zone()) == "Europe/Berlin"  # the save refreshed this process
    config.use_shop_settings(None)  # a new process: nothing loaded yet
    assert str(config.business_zone()) == "Asia/Shanghai"
    calls = []
    from sqlalchemy import event

    event.listen(db.engine, "before_cursor_execute", lambda *a: calls.append(a[2]))
    settings.load(db)
    loaded = len(calls)
    for _ in range(100):
        assert str(config.business_zone()) == "Europe/Berlin"
    assert loaded >= 1 and len(calls) == loaded


def test_salesops_tz_overrides_the_database(db, monkeypatch):
    settings.save_settings(db, {"business_zone": "Europe/Berlin"}, 0, actor=ADMIN)
    monkeypatch.setenv("SALESOPS_TZ", "America/New_York")
    assert str(config.business_zone()) == "America/New_York"
    got = settings.get_settings(db)
    assert (got["business_zone"], got["zone"], got["zone_source"]) == (
        "Europe/Berlin",
        "America/New_York",
        "environment",
    )


def test_money_is_shown_in_the_shop_currency_format(db):
    assert messages.money(Decimal("1234.5")) == "¥1,234.50"
    settings.save_settings(db, {"currency_format": "{}元"}, 0, actor=ADMIN)
    assert messages.money(Decimal("-1234.5")) == "-1,234.50元"


def test_a_database_before_init_loads_the_defaults(empty_db_url, no_tz):
    from salesops.db import Database

    db = Database(empty_db_url)
    assert settings.load(db)["business_zone"] is None
    assert config.business_zone().key == "Asia/Shanghai"
    assert datetime(2026, 1, 1, tzinfo=UTC).astimezone(config.business_zone()).hour == 8
    db.dispose()
