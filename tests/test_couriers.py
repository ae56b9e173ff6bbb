"""Couriers and their tracking numbers: names people write, real numbers, typical typos."""

import pytest

from salesops import couriers
from salesops.couriers import check_tracking, find_courier, needs_number
from salesops.errors import ValidationError


def test_the_list_is_the_issues_couriers_in_order_with_stable_codes():
    codes = [c.code for c in couriers.couriers()]
    assert codes == [
        "sf", "zto", "yto", "yunda", "sto", "jt", "ems", "jd", "deppon", "other", "pickup", "local"
    ]  # fmt: skip


def test_each_courier_has_a_chinese_and_an_english_name(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    zh = [c.name for c in couriers.couriers()]
    assert zh[:3] == ["顺丰速运", "中通快递", "圆通速递"] and zh[-2:] == ["自提", "同城配送"]
    monkeypatch.setenv("SALESOPS_LANG", "en")
    en = [c.name for c in couriers.couriers()]
    assert en[:3] == ["SF Express", "ZTO Express", "YTO Express"]
    assert en[-2:] == ["Self pickup", "Local delivery"]


@pytest.mark.parametrize(
    "written, code",
    [
        ("顺丰", "sf"), ("顺丰速运", "sf"), ("SF", "sf"), ("sf express", "sf"), ("ＳＦ", "sf"),
        ("中通快递", "zto"), ("ZTO", "zto"), ("zto", "zto"),
        ("圆通", "yto"), ("圆通速递", "yto"), ("YTO", "yto"),
        ("韵达", "yunda"), ("韵达快递", "yunda"), ("Yunda", "yunda"),
        ("申通", "sto"), ("申通快递", "sto"), ("STO", "sto"),
        ("极兔", "jt"), ("极兔速递", "jt"), ("J&T", "jt"), ("J＆T Express", "jt"), ("jt", "jt"),
        ("邮政", "ems"), ("中国邮政", "ems"), ("EMS", "ems"), ("邮政快递包裹", "ems"),
        ("京东", "jd"), ("京东物流", "jd"), ("JD", "jd"),
        ("德邦", "deppon"), ("德邦快递", "deppon"), ("Deppon", "deppon"),
        ("其他", "other"), ("other", "other"),
        ("自提", "pickup"), ("self pickup", "pickup"), ("Self Pickup", "pickup"),
        ("同城配送", "local"), ("local delivery", "local"), (" 同城配送 ", "local"),
    ],
)  # fmt: skip
def test_couriers_are_found_by_the_names_people_write(written, code):
    assert find_courier(written).code == code


@pytest.mark.parametrize("written", ["", None, "顺风", "百世快递", "UPS", "sf1234567890123"])
def test_names_that_are_no_courier_on_the_list_find_nothing(written):
    assert find_courier(written) is None


REAL_NUMBERS = [
    ("sf", "SF1409876543210"),
    ("sf", "SF140987654321"),
    ("sf", "287654321098"),
    ("zto", "75312345678901"),
    ("zto", "78636098066239"),
    ("zto", "731234567890"),
    ("yto", "YT2245678901234"),
    ("yunda", "4318765432109"),
    ("yunda", "462345678901234"),
    ("sto", "773045678901234"),
    ("sto", "268012345678"),
    ("sto", "4301234567890"),
    ("jt", "JT5123456789012"),
    ("jt", "JT0006968326954"),
    ("ems", "1187654321098"),
    ("ems", "9812345678901"),
    ("ems", "5012345678901"),
    ("ems", "EA123456785CN"),
    ("ems", "AA473124829GB"),
    ("jd", "JD0098765432101"),
    ("jd", "JDVB12345678901"),
    ("deppon", "DPK301234567890"),
    ("deppon", "5123456789"),
    ("deppon", "87654321"),
    ("other", "AB12345678"),
    ("other", "1234567"),
]


@pytest.mark.parametrize("code, number", REAL_NUMBERS)
def test_real_numbers_are_accepted_as_they_are(code, number):
    assert check_tracking(code, number) == number


@pytest.mark.parametrize(
    "courier, typed, clean",
    [
        ("顺丰", "sf 1409 8765 4321 0", "SF1409876543210"),
        ("sf", "ＳＦ１４０９８７６５４３２１０", "SF1409876543210"),
        ("中通", " 7531 2345 6789 01 ", "75312345678901"),
        ("圆通", "yt2245678901234", "YT2245678901234"),
        ("极兔", "jt\u200b5123456789012", "JT5123456789012"),  # WeChat's zero-width space
        ("邮政", "ea 123 456 785 cn", "EA123456785CN"),
        ("京东", "jdvb 1234 5678 901", "JDVB12345678901"),
        ("德邦", "dpk\u3000301234567890", "DPK301234567890"),
    ],
)
def test_numbers_are_cleaned_spaces_width_and_case(courier, typed, clean):
    assert check_tracking(courier, typed) == clean


TYPOS = [
    ("sf", "SF140987654321O", "letter O for 0"),
    ("sf", "SF14098765432", "a digit missing"),
    ("sf", "SF14098765432101", "a digit too many"),
    ("sf", "5F1409876543210", "5 for S"),
    ("zto", "7531234567890", "a digit missing"),
    ("zto", "7531234567890l", "letter l for 1"),
    ("yto", "YT224567890123", "a digit missing"),
    ("yto", "2245678901234", "prefix left out"),
    ("yunda", "431876543210", "a digit missing"),
    ("yunda", "43187654321090", "a digit too many"),
    ("sto", "77304567890", "digits missing"),
    ("sto", "77304567890I234", "letter I for 1"),
    ("jt", "JT512345678901", "a digit missing"),
    ("jt", "JY5123456789012", "Y for T"),
    ("ems", "EA123456786CN", "wrong check digit"),
    ("ems", "118765432109", "a digit missing"),
    ("ems", "2187654321098", "starts with 2"),
    ("jd", "JD009876543210", "a digit missing"),
    ("jd", "JDVB1234567890O", "letter O for 0"),
    ("deppon", "DPK30123456789", "a digit missing"),
    ("deppon", "5123456", "too short"),
    ("other", "A1234", "too short"),
    ("other", "AB-12345678", "a dash"),
]


@pytest.mark.parametrize("code, typed, typo", TYPOS)
def test_typical_typos_are_refused_naming_the_courier_and_the_shape(monkeypatch, code, typed, typo):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    with pytest.raises(ValidationError) as e:
        check_tracking(code, typed)
    courier = find_courier(code)
    assert e.value.fields == ["tracking_no"]
    assert repr(typed) in str(e.value) and courier.name in str(e.value)
    assert courier.shape in str(e.value) and courier.example in str(e.value)


def test_the_typo_message_reads_in_chinese_by_default(monkeypatch):
    monkeypatch.delenv("SALESOPS_LANG", raising=False)
    with pytest.raises(ValidationError) as e:
        check_tracking("顺丰", "SF14098765432")
    assert str(e.value) == (
        "tracking_no：'SF14098765432' 不是顺丰速运的快递单号（应为SF 加 12-13 位数字，"
        "旧面单为 12 位数字，例如 SF1234567890123）"
    )


def test_every_courier_example_passes_its_own_check():
    for courier in couriers.couriers():
        assert check_tracking(courier, courier.example) == courier.example


@pytest.mark.parametrize("code", ["sf", "zto", "yto", "yunda", "sto", "jt", "ems", "jd", "deppon"])
def test_a_parcel_courier_needs_a_number(code):
    assert needs_number(code)
    with pytest.raises(ValidationError) as e:
        check_tracking(code, "  ")
    assert e.value.fields == ["tracking_no"]


def test_other_needs_a_number_too():
    assert needs_number("其他")
    with pytest.raises(ValidationError):
        check_tracking("other", "")


@pytest.mark.parametrize("courier", ["自提", "同城配送", "pickup", "local"])
def test_pickup_and_local_delivery_need_no_number_but_keep_a_short_one(courier):
    assert not needs_number(courier)
    assert check_tracking(courier, "") == ""
    assert check_tracking(courier, None) == ""
    assert check_tracking(courier, "a-12") == "A-12"
    with pytest.raises(ValidationError):
        check_tracking(courier, "x" * 41)


def test_an_unknown_courier_is_refused_listing_the_couriers(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    with pytest.raises(ValidationError) as e:
        check_tracking("百世快递", "SF1409876543210")
    assert e.value.fields == ["courier"]
    assert "'百世快递'" in str(e.value) and "SF Express" in str(e.value)
    with pytest.raises(ValidationError):
        needs_number("UPS")


def test_the_field_named_in_the_message_can_be_chosen(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    with pytest.raises(ValidationError) as e:
        check_tracking("sf", "123", field="快递单号")
    assert e.value.fields == ["快递单号"] and str(e.value).startswith("快递单号: '123'")


def test_a_courier_object_is_accepted_wherever_a_name_is():
    sf = find_courier("sf")
    assert find_courier(sf) is sf and couriers.check_courier(sf) is sf
    assert check_tracking(sf, "SF1409876543210") == "SF1409876543210"
