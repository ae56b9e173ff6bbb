"""Channels: added with a code made from the name, renamed, archived, chosen as the default
for imports; staff are refused by the service."""

import pytest
from conftest import LI, WANG

from salesops import audit, channels
from salesops.actors import Actor
from salesops.errors import ConflictError, PermissionDenied, ValidationError
from salesops.settings import save_settings

ADMIN = Actor("root", "admin")


def test_codes_are_made_from_the_name_when_none_is_given(db):
    made = [
        channels.add_channel(db, name, actor=LI)["code"]
        for name in ("WeChat Moments", "小红书", "抖音 Douyin", "大众点评", "wechat moments 2")
    ]
    assert made == ["wechat_moments", "ch01", "douyin", "ch02", "wechat_moments_2"]
    given = channels.add_channel(db, "线下门店", code="Offline", actor=LI)
    assert given["code"] == "offline" and given["name_en"] == "线下门店"


def test_names_and_codes_are_unique_across_name_code_and_english_name(db):
    channels.add_channel(db, "朋友圈", code="moments", name_en="WeChat Moments", actor=LI)
    for name, code in (
        ("朋友圈", None),
        ("MOMENTS", None),
        ("wechat moments", None),
        ("x", "moments"),
    ):
        with pytest.raises(ValidationError, match="moments 朋友圈"):
            channels.add_channel(db, name, code=code, actor=LI)
    with pytest.raises(ValidationError, match="code"):
        channels.add_channel(db, "y", code="有 空格", actor=LI)
    assert len(channels.list_channels(db)) == 1


def test_a_rename_keeps_the_code_and_is_versioned_and_audited(db):
    made = channels.add_channel(db, "微店", actor=LI)
    renamed = channels.rename_channel(db, made["id"], "有赞微店", made["version"], actor=LI)
    assert (renamed["code"], renamed["name"], renamed["name_en"]) == (
        made["code"],
        "有赞微店",
        "有赞微店",
    )
    with pytest.raises(ConflictError, match="li.lei"):
        channels.rename_channel(db, made["id"], "again", made["version"], actor=LI)
    with db.read() as conn:
        change = audit.history(conn, "channels", made["id"])[-1]
    assert change["old_values"]["name"] == "微店" and change["new_values"]["name"] == "有赞微店"


def test_staff_may_not_add_rename_or_archive_channels(db):
    with pytest.raises(PermissionDenied, match="wang.fang"):
        channels.add_channel(db, "朋友圈", actor=WANG)
    made = channels.add_channel(db, "朋友圈", actor=LI)
    with pytest.raises(PermissionDenied):
        channels.rename_channel(db, made["id"], "x", 1, actor=WANG)
    with pytest.raises(PermissionDenied):
        channels.archive_channel(db, made["id"], 1, actor=WANG)
    assert channels.list_channels(db)[0]["name"] == "朋友圈"


def test_the_default_channel_cannot_be_archived_and_an_archived_one_cannot_be_default(db):
    a = channels.add_channel(db, "朋友圈", actor=LI)
    b = channels.add_channel(db, "微店", actor=LI)
    save_settings(db, {"default_channel_id": a["id"]}, 0, actor=ADMIN)
    assert [c["is_default"] for c in channels.list_channels(db)] == [True, False]
    with pytest.raises(ValidationError, match="朋友圈"):
        channels.archive_channel(db, a["id"], a["version"], actor=LI)
    archived = channels.archive_channel(db, b["id"], b["version"], actor=LI)
    assert archived["active"] is False
    assert [c["code"] for c in channels.list_channels(db, include_archived=False)] == [a["code"]]
    with pytest.raises(ValidationError, match="default_channel"):
        save_settings(db, {"default_channel_id": b["id"]}, 1, actor=ADMIN)
    restored = channels.restore_channel(db, b["id"], archived["version"], actor=LI)
    assert restored["active"] is True


def test_a_channel_is_found_by_id_code_or_name(db):
    made = channels.add_channel(db, "WeChat Moments", actor=LI)
    for key in (made["id"], "wechat_moments", "wechat moments"):
        assert channels.find_channel(db, key)["id"] == made["id"]
