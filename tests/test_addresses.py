"""Reading pasted shipping addresses: the table of real-shaped lines, and odd input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops import divisions, validate
from salesops.addresses import parse_address
from salesops.errors import Problem

ZJ = {"province": "浙江省", "city": "杭州市", "district": "西湖区", "code": "330106"}
WENSAN = {**ZJ, "recipient": "张三", "mobile": "13800138000", "detail": "文三路90号"}


def case(text, expected, problems=(), unplaced=(), id=None):
    """One line of the table: the text, the fields expected ('' elsewhere), the problem fields."""
    return pytest.param(text, expected, list(problems), list(unplaced), id=id)


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
    # --- short names, autonomous regions and prefectures, municipalities ---------------------
    case("浙江杭州西湖区文三路90号 张三 13800138000", WENSAN, id="short-province-and-city"),
    case("中国浙江省杭州市西湖区文三路90号 张三 13800138000", WENSAN, id="country-prefix"),
    case(
        "广西南宁市青秀区民族大道100号 韦小宝 13977112345",
        {
            "recipient": "韦小宝",
            "mobile": "13977112345",
            "province": "广西壮族自治区",
            "city": "南宁市",
            "district": "青秀区",
            "detail": "民族大道100号",
            "code": "450103",
        },
        id="guangxi-short",
    ),
    case(
        "内蒙古锡林郭勒盟锡林浩特市团结大街 巴特尔 15047112345",
        {
            "recipient": "巴特尔",
            "mobile": "15047112345",
            "province": "内蒙古自治区",
            "city": "锡林郭勒盟",
            "district": "锡林浩特市",
            "detail": "团结大街",
            "code": "152502",
        },
        id="league-meng",
    ),
    case(
        "新疆维吾尔自治区阿克苏地区阿克苏市解放路 阿依古丽 13899812345",
        {
            "recipient": "阿依古丽",
            "mobile": "13899812345",
            "province": "新疆维吾尔自治区",
            "city": "阿克苏地区",
            "district": "阿克苏市",
            "detail": "解放路",
            "code": "652901",
        },
        id="autonomous-region-and-diqu",
    ),
    case(
        "湖北省恩施州恩施市舞阳大道 田七 13972812345",
        {
            "recipient": "田七",
            "mobile": "13972812345",
            "province": "湖北省",
            "city": "恩施土家族苗族自治州",
            "district": "恩施市",
            "detail": "舞阳大道",
            "code": "422801",
        },
        id="autonomous-prefecture-short",
    ),
    case(
        "吉林省延边朝鲜族自治州延吉市光明街 金哲 13904412345",
        {
            "recipient": "金哲",
            "mobile": "13904412345",
            "province": "吉林省",
            "city": "延边朝鲜族自治州",
            "district": "延吉市",
            "detail": "光明街",
            "code": "222401",
        },
        id="autonomous-prefecture-full",
    ),
    case(
        "宁夏银川市兴庆区解放西街 马丽 13995012345",
        {
            "recipient": "马丽",
            "mobile": "13995012345",
            "province": "宁夏回族自治区",
            "city": "银川市",
            "district": "兴庆区",
            "detail": "解放西街",
            "code": "640104",
        },
        id="ningxia-short",
    ),
    case(
        "西藏拉萨市城关区北京中路 次仁 13908912345",
        {
            "recipient": "次仁",
            "mobile": "13908912345",
            "province": "西藏自治区",
            "city": "拉萨市",
            "district": "城关区",
            "detail": "北京中路",
            "code": "540102",
        },
        id="tibet-short",
    ),
    case(
        "阿卜杜拉·买买提 13899812345 新疆乌鲁木齐市天山区",
        {
            "recipient": "阿卜杜拉·买买提",
            "mobile": "13899812345",
            "province": "新疆维吾尔自治区",
            "city": "乌鲁木齐市",
            "district": "天山区",
            "code": "650102",
        },
        id="name-with-middle-dot",
    ),
    case(
        "王海南 13800138000 青海省海南州共和县恰卜恰镇",
        {
            "recipient": "王海南",
            "mobile": "13800138000",
            "province": "青海省",
            "city": "海南藏族自治州",
            "district": "共和县",
            "detail": "恰卜恰镇",
            "code": "632521",
        },
        id="prefecture-named-like-a-province",
    ),
    case(
        "吉林省吉林市船营区 王八 13904412345",
        {
            "recipient": "王八",
            "mobile": "13904412345",
            "province": "吉林省",
            "city": "吉林市",
            "district": "船营区",
            "code": "220204",
        },
        id="city-named-like-its-province",
    ),
    case(
        "北京市朝阳区建国路88号SOHO现代城A座1201 陈七 18600001234",
        {
            "recipient": "陈七",
            "mobile": "18600001234",
            "province": "北京市",
            "city": "北京市",
            "district": "朝阳区",
            "detail": "建国路88号SOHO现代城A座1201",
            "code": "110105",
        },
        id="beijing",
    ),
    case(
        "北京 北京市 朝阳区 建国路88号 陈七 18600001234",
        {
            "recipient": "陈七",
            "mobile": "18600001234",
            "province": "北京市",
            "city": "北京市",
            "district": "朝阳区",
            "detail": "建国路88号",
            "code": "110105",
        },
        id="beijing-taobao-three-levels",
    ),
    case(
        "上海浦东新区世纪大道100号 周八 15800002222",
        {
            "recipient": "周八",
            "mobile": "15800002222",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "detail": "世纪大道100号",
            "code": "310115",
        },
        id="shanghai-short",
    ),
    case(
        "重庆市巫山县巫峡镇广东路 张三 13800138000",
        {
            "recipient": "张三",
            "mobile": "13800138000",
            "province": "重庆市",
            "city": "重庆市",
            "district": "巫山县",
            "detail": "巫峡镇广东路",
            "code": "500237",
        },
        id="chongqing-county",
    ),
    case(
        "天津滨海新区 张三 13800138000",
        {
            "recipient": "张三",
            "mobile": "13800138000",
            "province": "天津市",
            "city": "天津市",
            "district": "滨海新区",
            "code": "120116",
        },
        id="tianjin-district-only",
    ),
    case(
        "张三 13800138000 北京市",
        {
            "recipient": "张三",
            "mobile": "13800138000",
            "province": "北京市",
            "city": "北京市",
            "code": "110100",
        },
        problems=["district"],
        id="municipality-alone-has-its-city",
    ),
    case(
        "张三 13800138000 吉林 船营区",
        {
            "recipient": "张三",
            "mobile": "13800138000",
            "province": "吉林省",
            "city": "吉林市",
            "district": "船营区",
            "code": "220204",
        },
        id="short-name-of-a-province-and-a-city",
    ),
    case(
        "张三 13800138000 吉林",
        {"recipient": "张三", "mobile": "13800138000", "province": "吉林省", "code": "220000"},
        problems=["city"],
        id="province-or-city-of-the-same-name-asks",
    ),
    case(
        "湖北省仙桃市仙桃大道 刘十 13886912345",
        {
            "recipient": "刘十",
            "mobile": "13886912345",
            "province": "湖北省",
            "city": "仙桃市",
            "detail": "仙桃大道",
            "code": "429004",
        },
        id="county-level-city-under-province",
    ),
    case(
        "广东省东莞市长安镇振安路 李九 13712345678",
        {
            "recipient": "李九",
            "mobile": "13712345678",
            "province": "广东省",
            "city": "东莞市",
            "detail": "长安镇振安路",
            "code": "441900",
        },
        id="city-without-districts",
    ),
    # --- outside the mainland: kept as written, nothing guessed -----------------------------
    case(
        "陈大文 +852 9123 4567 香港九龙尖沙咀弥敦道100号",
        {"recipient": "陈大文", "mobile": "+85291234567", "detail": "香港九龙尖沙咀弥敦道100号"},
        problems=["address"],
        id="hong-kong-chinese",
    ),
    case(
        "Flat A, 10/F, 88 Queen's Road Central, Hong Kong +852 6123 4567",
        {"mobile": "+85261234567", "detail": "Flat A, 10/F, 88 Queen's Road Central, Hong Kong"},
        problems=["address", "recipient"],
        id="hong-kong-english",
    ),
    case(
        "台湾省台北市信义区信义路五段7号 林志玲 +886 912 345 678",
        {
            "recipient": "林志玲",
            "mobile": "+886912345678",
            "detail": "台湾省台北市信义区信义路五段7号",
        },
        problems=["address"],
        id="taiwan",
    ),
    case(
        "日本東京都新宿区西新宿2-8-1 山田太郎 +81 90-1234-5678",
        {
            "recipient": "山田太郎",
            "mobile": "+819012345678",
            "detail": "日本東京都新宿区西新宿2-8-1",
        },
        problems=["address"],
        id="japan",
    ),
    # --- what it cannot place is said, not dropped -------------------------------------------
    case(
        "浙江省杭州市西湖区文三路90号",
        {**ZJ, "detail": "文三路90号"},
        problems=["mobile", "recipient"],
        id="address-only",
    ),
    case(
        "顺丰到付 张三 13800138000 浙江省杭州市西湖区文三路90号",
        WENSAN,
        problems=["address"],
        unplaced=["顺丰到付"],
        id="a-note-before-the-name",
    ),
    case(
        "浙江省杭州市西湖区文三路90号 放门卫 13800138000",
        {**WENSAN, "recipient": "", "detail": "文三路90号放门卫"},
        problems=["recipient"],
        id="a-delivery-note-is-no-name",
    ),
]


@pytest.mark.parametrize("text, expected, problems, unplaced", CASES)
def test_pasted_addresses_are_read_into_their_fields(text, expected, problems, unplaced):
    got = parse_address(text)
    fields = ("recipient", "mobile", "landline", "province", "city", "district", "detail")
    want = {f: expected.get(f, "") for f in fields + ("postcode", "code")}
    assert {f: getattr(got, f) for f in want} == want
    assert [p.field for p in got.problems] == problems, [p.message for p in got.problems]
    assert got.unplaced == unplaced


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
