"""Reading pasted shipping addresses: the table of real-shaped lines, and odd input."""

import pytest
from addresscases import WENSAN, assert_read, case
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops import divisions, validate
from salesops.addresses import parse_address
from salesops.errors import Problem

CASES = [
    # --- the everyday WeChat shapes: name, mobile, address in any order ---------------------
    case("张三 13800138000 浙江省杭州市西湖区文三路 90 号", WENSAN, id="name-mobile-address"),
    case("13800138000 张三 浙江省杭州市西湖区文三路90号", WENSAN, id="mobile-first"),
    case("浙江省杭州市西湖区文三路90号 张三 13800138000", WENSAN, id="name-last"),
    case("13800138000张三浙江省杭州市西湖区文三路90号", WENSAN, id="no-spaces-mobile-first"),
    case("张三13800138000浙江省杭州市西湖区文三路90号", WENSAN, id="no-spaces-name-first"),
    case(
        "浙江省杭州市西湖区文三路90号张三13800138000",
        WENSAN,
        problems=["recipient"],
        id="no-spaces-name-glued-to-house-number",
    ),
    case("张三，13800138000，浙江省杭州市西湖区文三路90号", WENSAN, id="full-width-commas"),
    case("张三;13800138000;浙江省杭州市西湖区文三路90号", WENSAN, id="semicolons"),
    case("张三；13800138000；浙江省杭州市西湖区文三路90号", WENSAN, id="full-width-semicolons"),
    case("张三、13800138000、浙江省杭州市西湖区文三路90号", WENSAN, id="enumeration-commas"),
    case("张三\n13800138000\n浙江省杭州市西湖区\n文三路90号", WENSAN, id="newlines"),
    case("  张三   13800138000  浙江省 杭州市 西湖区 文三路 90号  ", WENSAN, id="spaced-out"),
    case(
        "张三 13800138000 浙江省杭州市西湖区文三路90号，3幢2单元501室",
        {**WENSAN, "detail": "文三路90号3幢2单元501室"},
        id="detail-with-comma",
    ),
    case(
        "广东省广州市天河区天河路208号 天河城 李雷 13800001111",
        {
            "recipient": "李雷",
            "mobile": "13800001111",
            "province": "广东省",
            "city": "广州市",
            "district": "天河区",
            "detail": "天河路208号天河城",
            "code": "440106",
        },
        id="detail-in-two-pieces-then-name",
    ),
    # --- mobiles as people write them, landlines, postcodes ----------------------------------
    case("张三 +86 138-0013-8000 浙江省杭州市西湖区文三路90号", WENSAN, id="plus86-dashes"),
    case("张三 138 0013 8000 浙江省杭州市西湖区文三路90号", WENSAN, id="mobile-with-spaces"),
    case(
        "张三 １３８００１３８０００ 浙江省杭州市西湖区文三路９０号", WENSAN, id="full-width-digits"
    ),
    case("张三 8613800138000 浙江省杭州市西湖区文三路90号", WENSAN, id="86-without-plus"),
    case("0086 138 0013 8000 张三 浙江省杭州市西湖区文三路90号", WENSAN, id="0086-prefix"),
    case(
        "张三 13800138000/13900139000 浙江省杭州市西湖区文三路90号",
        WENSAN,
        problems=["mobile"],
        unplaced=["13900139000"],
        id="two-mobiles-first-kept",
    ),
    case(
        "张三 0571-88886666 浙江省杭州市西湖区文三路90号",
        {**WENSAN, "mobile": "", "landline": "0571-88886666"},
        id="landline-only",
    ),
    case(
        "张三 13800138000 (010)62345678 北京市海淀区中关村大街1号",
        {
            "recipient": "张三",
            "mobile": "13800138000",
            "landline": "010-62345678",
            "province": "北京市",
            "city": "北京市",
            "district": "海淀区",
            "detail": "中关村大街1号",
            "code": "110108",
        },
        id="mobile-and-landline",
    ),
    case(
        "张三 138****8000 浙江省杭州市西湖区文三路90号",
        {**WENSAN, "mobile": ""},
        problems=["mobile"],
        id="masked-mobile",
    ),
    case(
        "张三，86-13800138000，浙江省 杭州市 西湖区 文三路90号 ，310012",
        {**WENSAN, "postcode": "310012"},
        id="taobao-copy-with-postcode",
    ),
    case(
        "张三，86-13800138000，浙江省 杭州市 西湖区 文三路90号 ，000000",
        WENSAN,
        id="taobao-copy-without-postcode",
    ),
    case(
        "邮编310012 张三 13800138000 浙江省杭州市西湖区文三路90号",
        {**WENSAN, "postcode": "310012"},
        id="labelled-postcode",
    ),
    # --- labelled forms copied from Taobao, WeChat, JD ---------------------------------------
    case(
        "收货人：张三 手机号码：138 0013 8000 所在地区：浙江省 杭州市 西湖区 详细地址：文三路90号",
        WENSAN,
        id="taobao-labels-one-line",
    ),
    case(
        "收货人: 李四\n手机号码: +86 139-1234-5678\n所在地区: 上海市 上海市 浦东新区\n"
        "详细地址: 上海市浦东新区张江路88弄3号602室\n邮编: 201203",
        {
            "recipient": "李四",
            "mobile": "13912345678",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "detail": "张江路88弄3号602室",
            "postcode": "201203",
            "code": "310115",
        },
        id="wechat-labels-region-repeated-in-detail",
    ),
    case(
        "收件人：王小明，电话：13812345678，地址：广东省深圳市南山区深南大道10000号",
        {
            "recipient": "王小明",
            "mobile": "13812345678",
            "province": "广东省",
            "city": "深圳市",
            "district": "南山区",
            "detail": "深南大道10000号",
            "code": "440305",
        },
        id="jd-labels",
    ),
    case(
        "收货人：张三\n联系电话：(0571)88886666\n收货地址：浙江省杭州市西湖区文三路90号",
        {**WENSAN, "mobile": "", "landline": "0571-88886666"},
        id="labels-with-landline",
    ),
    case(
        "姓名：Tom Lee 电话：13800138000 地址：浙江省杭州市西湖区文三路90号",
        {**WENSAN, "recipient": "Tom Lee"},
        id="labelled-latin-name",
    ),
    case(
        "收货人：张三 手机：13800138000 地址：浙江省杭州市西湖区文三路90号 邮编：3100",
        WENSAN,
        problems=["postcode"],
        unplaced=["3100"],
        id="labelled-bad-postcode",
    ),
    case(
        "收货人: 张三 13800138000 浙江省杭州市西湖区文三路90号",
        WENSAN,
        id="one-label-then-everything",
    ),
    case("张三 手机13800138000 浙江省杭州市西湖区文三路90号", WENSAN, id="label-without-colon"),
    case(
        "【顺丰包邮】张三 13800138000 浙江省杭州市西湖区文三路90号",
        WENSAN,
        problems=["address"],
        unplaced=["顺丰包邮"],
        id="bracketed-note",
    ),
    # --- without the province, or without city and province ---------------------------------
    case("杭州市西湖区文三路90号 张三 13800138000", WENSAN, id="city-and-district"),
    case(
        "余杭区良渚街道玉鸟路1号 赵六 13700001111",
        {
            "recipient": "赵六",
            "mobile": "13700001111",
            "province": "浙江省",
            "city": "杭州市",
            "district": "余杭区",
            "detail": "良渚街道玉鸟路1号",
            "code": "330110",
        },
        id="unique-district-infers-city-and-province",
    ),
    case(
        "西湖区文三路90号 张三 13800138000",
        {**WENSAN, "province": "", "city": "", "code": ""},
        problems=["province"],
        id="district-in-two-cities-asks",
    ),
    case(
        "江苏省鼓楼区中山路1号 张三 13800138000",
        {
            "recipient": "张三",
            "mobile": "13800138000",
            "province": "江苏省",
            "district": "鼓楼区",
            "detail": "中山路1号",
            "code": "320000",
        },
        problems=["city"],
        id="district-twice-in-the-province-asks-city",
    ),
    case(
        "杭州市文三路90号 张三 13800138000",
        {**WENSAN, "district": "", "code": "330100"},
        problems=["district"],
        id="city-without-district",
    ),
    case(
        "浙江省文三路90号 张三 13800138000",
        {**WENSAN, "city": "", "district": "", "code": "330000"},
        problems=["city"],
        id="province-without-city",
    ),
    case(
        "张三 13800138000 文三路90号",
        {"recipient": "张三", "mobile": "13800138000", "detail": "文三路90号"},
        problems=["address"],
        id="no-divisions-at-all",
    ),
]


@pytest.mark.parametrize("text, expected, problems, unplaced", CASES)
def test_pasted_addresses_are_read_into_their_fields(text, expected, problems, unplaced):
    assert_read(text, expected, problems, unplaced)


def test_the_table_covers_at_least_forty_lines():
    assert len(CASES) >= 40


def test_problems_are_plain_messages_in_the_page_language(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    got = parse_address("西湖区文三路90号 张三 13800138000")
    (problem,) = got.problems
    assert isinstance(problem, Problem)
    assert problem.message == (
        "address: '西湖区' is in more than one place (浙江省 杭州市 西湖区; 江西省 南昌市 西湖区); "
        "choose the right one"
    )
    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    assert "不止一处" in parse_address("西湖区文三路90号 张三 13800138000").problems[0].message


def test_mobiles_go_through_the_customers_normaliser(monkeypatch):
    seen = []

    def normaliser(value, field="mobile"):
        seen.append(value)
        return "normalised"

    monkeypatch.setattr(validate, "mobile", normaliser)
    assert parse_address("张三 +86 138-0013-8000 浙江省杭州市").mobile == "normalised"
    assert seen == ["+86 138-0013-8000"]


def test_a_mobile_the_normaliser_refuses_is_reported_with_its_message():
    got = parse_address("张三 +1234567890123456 浙江省杭州市西湖区文三路90号")
    assert got.mobile == ""
    assert got.problems[0].field == "mobile"
    assert "+1234567890123456" in got.problems[0].message


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_empty_input_says_there_is_nothing_to_read(text):
    got = parse_address(text)
    assert (got.recipient, got.mobile, got.detail) == ("", "", "")
    assert [p.field for p in got.problems] == ["address"]


def test_each_parse_gets_its_own_lists():
    first = parse_address("顺丰到付 张三 13800138000 浙江省杭州市西湖区文三路90号")
    second = parse_address("张三 13800138000 浙江省杭州市西湖区文三路90号")
    assert first.unplaced == ["顺丰到付"] and second.unplaced == [] and second.problems == []


def _consistent(got) -> bool:
    """Whether the divisions read form one chain of the bundled table, matching `code`."""
    if not got.code:
        return not (got.province or got.city)
    chain = [d.name for d in divisions.chain(divisions.by_code(got.code))]
    written = [got.province, got.city, got.district]
    return chain == written[: len(chain)] and all(written[: len(chain)])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text):
    got = parse_address(text)
    assert all(isinstance(getattr(got, f), str) for f in ("recipient", "mobile", "detail"))
    assert _consistent(got)


FRAGMENTS = st.sampled_from(
    ["张三", "13800138000", "+86 139-1234-5678", "0571-88886666", "310012", "浙江", "浙江省",
     "杭州", "杭州市", "西湖区", "北京", "朝阳区", "上海市", "浦东新区", "恩施州", "鼓楼区",
     "文三路90号", "收货人:", "手机号码:", "所在地区:", "详细地址:", "邮编:", "香港", "Flat 3",
     "138****8000", "中国", "，", "、", ";", "\n", " ", "/", "-", "(", "号", "市", "区"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=14).map("".join))
def test_address_shaped_noise_never_raises_and_never_mixes_up_divisions(text):
    got = parse_address(text)
    assert _consistent(got)
    assert got.mobile in ("", "13800138000", "13912345678")
    assert got.postcode in ("", "310012")
