"""Order-shares (晒单) on an order from an empty database: platform, day, rating, note or
link; corrected and deleted with versions and the change log; counted by the analysis."""

from datetime import date, timedelta

import pytest
from conftest import LI, WANG

from salesops import audit, channels, customers, orders, products, reviews
from salesops.actors import Actor
from salesops.analysis import communities as analysis
from salesops.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def order(db):
    """A customer and an order of theirs in an empty shop."""
    products.create_product(db, {"sku": "TEA", "name": "龙井", "price": "88"}, actor=LI)
    channel = channels.add_channel(db, "朋友圈", code="moments", actor=LI)
    person = customers.create_customer(
        db, {"name": "王芳", "channel_id": channel["id"]}, actor=WANG
    )
    return orders.create_order(db, person["id"], [{"sku": "TEA", "quantity": 1}], actor=WANG)


def test_a_review_of_an_order_is_recorded_for_its_buyer(db, order):
    made = reviews.record_review(
        db,
        order["id"],
        {"platform": "小红书", "posted": "2026-11-30", "rating": "5", "link": "https://xhs.cn/p/1"},
        actor=WANG,
    )
    assert (made["platform"], made["rating"], made["customer_id"]) == (
        "xiaohongshu",
        5,
        order["customer_id"],
    )
    shown = reviews.customer_reviews(db, order["customer_id"])
    assert [(r["order_no"], r["platform_label"], r["posted"]) for r in shown] == [
        (order["order_no"], "Xiaohongshu", "2026-11-30")
    ]
    assert reviews.order_reviews(db, order["id"])[0]["link"] == "https://xhs.cn/p/1"
    with db.read() as conn:
        assert audit.history(conn, "reviews", made["id"])[0]["actor"] == "wang.fang"


def test_every_platform_is_accepted_by_code_or_either_name(db, order):
    for name in ("朋友圈", "微信群", "Douyin", "大众点评", "other", "wechat_moments"):
        reviews.record_review(db, order["id"], {"platform": name}, actor=WANG)
    got = sorted(r["platform"] for r in reviews.order_reviews(db, order["id"]))
    assert got == sorted(
        ["wechat_moments", "wechat_group", "douyin", "dianping", "other", "wechat_moments"]
    )
    assert [code for _label, code in reviews.platforms()] == [
        "wechat_moments",
        "wechat_group",
        "xiaohongshu",
        "douyin",
        "dianping",
        "other",
    ]


def test_bad_fields_are_all_named_and_nothing_is_written(db, order):
    future = (date.today() + timedelta(days=5)).isoformat()
    with pytest.raises(ValidationError) as caught:
        reviews.record_review(
            db,
            order["id"],
            {"platform": "微博", "rating": "6", "link": "xhs.cn/p/1", "posted": future},
            actor=WANG,
        )
    assert set(caught.value.fields) == {"platform", "rating", "link", "posted"}
    with pytest.raises(ValidationError, match="not a date"):
        reviews.record_review(db, order["id"], {"posted": "上周"}, actor=WANG)
    assert reviews.order_reviews(db, order["id"]) == []
    with pytest.raises(NotFoundError):
        reviews.record_review(db, 999, {}, actor=WANG)


def test_a_correction_is_versioned_and_a_deleted_review_is_no_longer_counted(db, order):
    made = reviews.record_review(db, order["id"], {"content": "很甜", "rating": 4}, actor=WANG)
    fixed = reviews.update_review(db, made["id"], {"rating": "", "platform": "抖音"}, 1, actor=LI)
    assert (fixed["rating"], fixed["platform"], fixed["version"]) == (None, "douyin", 2)
    with pytest.raises(ConflictError):
        reviews.update_review(db, made["id"], {"rating": 3}, 1, actor=WANG)
    effect = analysis.review_effect(db)
    assert list(effect["review_id"]) == [made["id"]]
    reviews.delete_review(db, made["id"], 2, actor=WANG)
    assert reviews.customer_reviews(db, order["customer_id"]) == []
    assert analysis.review_effect(db).empty


def test_only_people_who_edit_customers_record_reviews(db, order):
    with pytest.raises(PermissionDenied):
        reviews.record_review(db, order["id"], {}, actor=Actor("guest", "nobody"))
    assert reviews.record_review(db, order["id"], {}, actor=WANG)["created_by"] == "wang.fang"
