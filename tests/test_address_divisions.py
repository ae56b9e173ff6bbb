"""The address parser on the divisions' harder forms: short names, autonomous regions and
prefectures, municipalities; addresses outside the mainland, kept as written; and what it
cannot place, said rather than dropped."""

import pytest
from addresscases import WENSAN, ZJ, assert_read, case

CASES = [
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
def test_pasted_addresses_with_harder_divisions_are_read_into_their_fields(
    text, expected, problems, unplaced
):
    assert_read(text, expected, problems, unplaced)
