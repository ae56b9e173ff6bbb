"""Reading group-buy lists (接龙): the corpus in tests/data/jielong, and the rules one by one.

Each `*.txt` there is a list as sellers paste it; the `.json` beside it is its expected
reading in the shape `salesops import group-buy --json` prints (customer null: buyers
are matched to customers by the integrator). `catalog.json` is the shop's products.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from salesops.groupbuy import Product, match_buyers, read_list

CORPUS = Path(__file__).parent / "data" / "jielong"
LISTS = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def catalog():
    """The corpus's products (fruit, snacks, groceries; an ambiguous pair, one discontinued)."""
    return json.loads((CORPUS / "catalog.json").read_text(encoding="utf-8"))


def read(text, catalog):
    """The reading of `text` as the issue's JSON shape, messages in Chinese."""
    return json.loads(read_list(text, catalog).to_json(lang="zh_CN"))


@pytest.mark.parametrize("path", LISTS, ids=[p.stem for p in LISTS])
def test_every_list_in_the_corpus_reads_as_expected(path, catalog):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    got = read(path.read_text(encoding="utf-8"), catalog)
    assert got["ignored_lines"] == expected["ignored_lines"]
    assert got["problems"] == expected["problems"]
    assert len(got["orders"]) == len(expected["orders"])
    for got_order, expected_order in zip(got["orders"], expected["orders"], strict=True):
        assert got_order == expected_order


def test_the_corpus_holds_at_least_sixty_entries_each_list_with_its_expectation(catalog):
    expectations = [json.loads(p.with_suffix(".json").read_text("utf-8")) for p in LISTS]
    assert sum(len(e["orders"]) for e in expectations) >= 60
    assert (CORPUS / "issue_example.txt").exists()


def entry(line, catalog):
    """The one entry read from `1. <line>`, as the issue's JSON shape."""
    (order,) = read(f"1. {line}", catalog)["orders"]
    return order


def items(order):
    """(sku, quantity) of each item of an order."""
    return [(item["sku"], item["quantity"]) for item in order["items"]]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("李梅 草莓2盒", [("BERRY-1", 2)]),
        ("李梅 2盒草莓", [("BERRY-1", 2)]),
        ("李梅 草莓 x2", [("BERRY-1", 2)]),
        ("李梅 草莓X2", [("BERRY-1", 2)]),
        ("李梅 草莓×3", [("BERRY-1", 3)]),
        ("李梅 草莓*2", [("BERRY-1", 2)]),
        ("李梅 草莓2", [("BERRY-1", 2)]),
        ("李梅 草莓+1", [("BERRY-1", 1)]),
        ("李梅 草莓 2份", [("BERRY-1", 2)]),
        ("李梅 车厘子两斤", [("CHERRY-J", 2)]),
        ("李梅 草莓三盒", [("BERRY-1", 3)]),
        ("李梅 草莓十", [("BERRY-1", 10)]),
        ("李梅 草莓十二", [("BERRY-1", 12)]),
        ("李梅 草莓二十", [("BERRY-1", 20)]),
        ("李梅 草莓", [("BERRY-1", 1)]),
        ("李梅草莓2盒", [("BERRY-1", 2)]),
        ("李梅 奶油草莓2", [("BERRY-C", 2)]),
        ("李梅 奶油草莓2 草莓1", [("BERRY-C", 2), ("BERRY-1", 1)]),
        ("李梅 2盒草莓 3盒车厘子", [("BERRY-1", 2), ("CHERRY-J", 3)]),
        ("李梅 草莓2盒车厘子1斤", [("BERRY-1", 2), ("CHERRY-J", 1)]),
        ("李梅 草莓2盒+车厘子1斤", [("BERRY-1", 2), ("CHERRY-J", 1)]),
        ("李梅 草莓、车厘子和西瓜", [("BERRY-1", 1), ("CHERRY-J", 1), ("MELON", 1)]),
        ("李梅 草莓、车厘子各2", [("BERRY-1", 2), ("CHERRY-J", 2)]),
        ("李梅 kiwi 3", [("KIWI", 3)]),
        ("李梅 KIWI×3", [("KIWI", 3)]),
        ("李梅 草莓２ 车厘子１斤", [("BERRY-1", 2), ("CHERRY-J", 1)]),
        ("李梅 草莓(2盒)", [("BERRY-1", 2)]),
        ("李梅 草莓（２盒）车厘子（1斤）", [("BERRY-1", 2), ("CHERRY-J", 1)]),
        ("李梅 草莓 2盒 车厘子 1斤", [("BERRY-1", 2), ("CHERRY-J", 1)]),
    ],
)
def test_items_are_read_in_every_written_form(line, expected, catalog):
    order = entry(line, catalog)
    assert items(order) == expected
    assert order["buyer"] == "李梅" and order["problems"] == []


@pytest.mark.parametrize(
    "line, quantity, mobile, note",
    [
        ("李梅 草莓 13800138000", 1, "13800138000", ""),
        ("李梅 草莓13800138000", 1, "13800138000", ""),
        ("李梅 草莓2 13800138000", 2, "13800138000", ""),
        ("李梅 13800138000 草莓2", 2, "13800138000", ""),
        ("李梅 草莓 +86 138-0013-8000", 1, "13800138000", ""),
        ("李梅 草莓２ １３８００１３８０００", 2, "13800138000", ""),
        ("李梅 草莓 138 0013 8000 3号楼2单元", 1, "13800138000", "3号楼2单元"),
        ("李梅 草莓 3号楼2单元", 1, None, "3号楼2单元"),
        ("李梅 草莓3号楼", 1, None, "3号楼"),
        ("李梅 草莓 3-2-501", 1, None, "3-2-501"),
        ("李梅 草莓 8点后自提", 1, None, "8点后自提"),
        ("李梅 草莓2 5栋301 不要太熟的", 2, None, "5栋301 不要太熟的"),
    ],
)
def test_mobiles_and_building_numbers_are_never_quantities(line, quantity, mobile, note, catalog):
    order = entry(line, catalog)
    assert items(order) == [("BERRY-1", quantity)]
    assert (order["mobile"], order["note"]) == (mobile, note)


@pytest.mark.parametrize(
    "line, buyer, note",
    [
        ("小橙子 橙子2斤", "小橙子", ""),
        ("橙子妈 橙子2", "橙子妈", ""),
        ("王芳🍒 草莓1", "王芳🍒", ""),
        ("Anna Li 草莓1", "Anna Li", ""),
        ("3栋1单元502 李梅 草莓1", "李梅", "3栋1单元502"),
        ("李梅，草莓1，自提", "李梅", "自提"),
        ("13800138000 草莓1", "", ""),
        ("@李梅 草莓1", "李梅", ""),
        ("李梅 要草莓1", "李梅", ""),
        ("李梅要草莓1", "李梅", ""),
        ("李梅 我要 2盒草莓", "李梅", ""),
        ("王来 草莓1", "王来", ""),
        ("李梅 草莓（约500g）", "李梅", "约500g"),
        ("李梅 草莓1 共1件", "李梅", "共1件"),
    ],
)
def test_the_buyer_is_the_text_before_the_first_item(line, buyer, note, catalog):
    order = entry(line, catalog)
    assert (order["buyer"], order["note"], order["problems"]) == (buyer, note, [])
    assert len(order["items"]) == 1


@pytest.mark.parametrize(
    "line, problem",
    [
        ("李梅 榴莲2盒", "第 1 条：'榴莲' 不是目录中的商品"),
        ("李梅 2盒榴莲", "第 1 条：'榴莲' 不是目录中的商品"),
        ("李梅 草莓1 榴莲×2", "第 1 条：'榴莲' 不是目录中的商品"),
        ("李梅 草莓1 榴莲2", "第 1 条：'榴莲' 不是目录中的商品"),
        ("李梅 蓝莓2", "第 1 条：'蓝莓' 可以是 蓝莓小盒 (BLUE-S)、蓝莓大盒 (BLUE-L)，请选择商品"),
        ("李梅 台芒1", "第 1 条：芒果（MANGO-OLD）已停售"),
        ("李梅 车厘子半斤", "第 1 条：车厘子 '半斤' 不是整数（订单数量须为整数），请与买家确认"),
        ("李梅 车厘子1.5斤", "第 1 条：车厘子 '1.5斤' 不是整数（订单数量须为整数），请与买家确认"),
        (
            "李梅 车厘子一斤半",
            "第 1 条：车厘子 '一斤半' 不是整数（订单数量须为整数），请与买家确认",
        ),
        ("李梅 草莓0", "第 1 条：草莓 '0' 数量为 0"),
        ("李梅 草莓120", "第 1 条：草莓 数量 120 超过 99，请核对"),
        ("李梅 2盒草莓3盒", "第 1 条：草莓 写了两个数量（'2盒' 和 '3盒'），请核对"),
        ("李梅 草莓1 草莓2", "第 1 条：草莓 写了不止一次，请核对数量"),
        ("李梅 同上", "第 1 条：没有读到商品"),
        ("李梅 榴莲2", "第 1 条：'榴莲' 不是目录中的商品"),
        ("草莓2盒", "第 1 条：没有写买家（昵称、姓名或手机号）"),
        (
            "李梅 草莓1 13800138000 13900139000",
            "第 1 条：有两个手机号（13800138000、13900139000），请确认买家的号码",
        ),
        ("李梅 草莓1 不要了", "第 1 条：写了 '不要了'，请确认买家是否还要"),
    ],
)
def test_what_cannot_be_read_for_sure_is_a_problem_naming_the_entry(line, problem, catalog):
    assert problem in entry(line, catalog)["problems"]


def test_an_unknown_or_ambiguous_product_keeps_its_quantity_for_the_person_who_picks_it(catalog):
    unknown, ambiguous = read("1. 李梅 榴莲2盒\n2. 王芳 蓝莓3", catalog)["orders"]
    assert unknown["items"] == [{"sku": None, "quantity": 2, "unit_price": None}]
    assert ambiguous["items"] == [{"sku": None, "quantity": 3, "unit_price": None}]
    item = read_list("1. 王芳 蓝莓3", catalog).entries[0].items[0]
    assert item.candidates == ("BLUE-S", "BLUE-L") and item.amount is None


def test_an_active_product_wins_over_a_discontinued_one_with_the_same_name(catalog):
    assert items(entry("李梅 芒果2", catalog)) == [("MANGO-K", 2)]


def test_a_unit_other_than_the_posted_one_is_a_problem_but_a_generic_unit_is_not(catalog):
    text = "#接龙\n车厘子 99元/斤\n1. 李梅 车厘子2盒\n2. 王芳 车厘子2份\n3. 小雨 车厘子2斤"
    first, second, third = read(text, catalog)["orders"]
    assert first["problems"] == ["第 1 条：车厘子 按斤标价，这里写的是 '车厘子2盒'"]
    assert second["problems"] == [] and third["problems"] == []


@pytest.mark.parametrize(
    "header, price",
    [
        ("草莓 39元/盒", "39.00"),
        ("草莓39/盒", "39.00"),
        ("草莓 ¥39", "39.00"),
        ("草莓：￥39.90/盒", "39.90"),
        ("草莓 39块", "39.00"),
        ("草莓 每盒39元", "39.00"),
        ("丹东草莓 39元一盒（约500g）", "39.00"),
        ("1. 草莓 39元/盒", "39.00"),
        ("周五水果团 车厘子 99元/斤 草莓 39元/盒 周四晚8点截单", "39.00"),
        ("今天有草莓，要的接龙", "42.00"),
    ],
)
def test_a_price_posted_in_the_header_is_the_group_price_else_the_catalogue_price(
    header, price, catalog
):
    reading = read_list(f"#接龙\n{header}\n例 张三 草莓2盒\n\n1. 李梅 草莓2", catalog)
    (order,) = reading.entries
    assert order.items[0].unit_price == Decimal(price)
    assert order.items[0].amount == Decimal(price) * 2
    assert reading.ignored_lines == [1, 2, 3, 4]


def test_a_second_price_or_an_unknown_priced_product_in_the_header_is_a_list_problem(catalog):
    text = "#接龙\n草莓 39元/盒 榴莲 59元/个\n草莓两盒75元\n车厘子到了\n99元/斤\n1. 李梅 草莓2"
    got = read(text, catalog)
    assert got["problems"] == [
        "第 2 行：标了价的 '榴莲' 不是目录中的商品",
        "第 3 行：草莓 又标了一个价格 75.00（本单按 39.00），请核对团购价",
        "第 5 行：价格 '99元/斤' 没写是哪个商品，未作为团购价",
    ]
    assert got["orders"][0]["items"][0]["unit_price"] == "39.00"


def test_header_example_blank_separator_and_cut_off_lines_are_ignored_by_number(catalog):
    text = (
        "#接龙\n"  # 1
        "周五水果团 草莓 39元/盒\n"  # 2
        "例 张三 草莓2盒\n"  # 3
        "\n"  # 4
        "1. 李梅 草莓2盒\n"  # 5
        "——————\n"  # 6
        "2. 王芳 草莓1\n"  # 7
        "🍓🍓🍓\n"  # 8
        "3.\n"  # 9: a number nobody filled in
        "4. 小雨 草莓3\n"  # 10
        "\n"  # 11
        "已截单，谢谢大家\n"  # 12
    )
    got = read(text, catalog)
    assert [o["entry"] for o in got["orders"]] == [1, 2, 4]
    assert got["ignored_lines"] == [1, 2, 3, 4, 6, 8, 9, 11, 12]
    assert got["problems"] == []


def test_a_list_without_numbers_has_one_entry_per_line_after_its_header(catalog):
    text = "#接龙 周日团\n草莓 39元/盒\n要的请接龙\n李梅 草莓2\n\n王芳 车厘子1斤\n小雨 同上\n"
    got = read(text, catalog)
    assert [(o["entry"], o["buyer"]) for o in got["orders"]] == [
        (1, "李梅"),
        (2, "王芳"),
        (3, "小雨 同上"),
    ]
    assert got["orders"][2]["problems"] == ["第 3 条：没有读到商品"]
    assert got["ignored_lines"] == [1, 2, 3, 5]


def test_a_repeated_entry_number_is_kept_as_written_and_reported(catalog):
    got = read("1. 李梅 草莓2\n2. 王芳 草莓1\n2. 小雨 草莓3\n3. Anna 草莓1", catalog)
    assert [o["entry"] for o in got["orders"]] == [1, 2, 2, 3]
    assert got["orders"][1]["problems"] == []
    assert got["orders"][2]["problems"] == ["第 2 条：第 3 行与第 2 行编号相同"]


def test_an_unnumbered_line_under_an_entry_continues_it(catalog):
    text = "1. 李梅 草莓2\n13800138000 3号楼\n2. 王芳 草莓1\n车厘子1斤\n\n小雨 草莓2"
    reading = read_list(text, catalog)
    first, second = reading.entries
    assert (first.mobile, first.note, first.problems, first.lines) == (
        "13800138000",
        "3号楼",
        [],
        (1, 2),
    )
    assert [i.sku for i in second.items] == ["BERRY-1", "CHERRY-J"]
    assert [p.text("zh_CN") for p in second.problems] == [
        "第 2 条：第 4 行没有编号，已并入本条，请核对"
    ]
    assert reading.ignored_lines == [5, 6]
    assert [p.text("zh_CN") for p in reading.problems] == [
        "第 6 行不是接龙条目，但提到了 草莓，请核对"
    ]


def test_an_unnumbered_order_before_the_first_numbered_entry_is_reported(catalog):
    got = read("#接龙\n草莓 39元/盒\n\n李梅 草莓2盒\n2. 王芳 草莓1", catalog)
    assert [o["buyer"] for o in got["orders"]] == ["王芳"]
    assert got["problems"] == ["第 4 行不是接龙条目，但提到了 草莓，请核对"]


def test_the_sellers_own_header_lines_are_not_reported_as_forgotten_orders(catalog):
    text = (
        "#接龙\n草莓 39元/盒\n草莓2盒起送\n团长电话 13800138000\n例 张三 草莓2盒\n\n1. 李梅 草莓2"
    )
    got = read(text, catalog)
    assert got["problems"] == [] and got["ignored_lines"] == [1, 2, 3, 4, 5, 6]


def test_windows_line_endings_and_a_final_newline_do_not_change_line_numbers(catalog):
    unix = read("#接龙\n\n1. 李梅 草莓2\n2. 王芳 草莓1\n", catalog)
    windows = read("#接龙\r\n\r\n1. 李梅 草莓2\r\n2. 王芳 草莓1\r\n", catalog)
    assert unix == windows
    assert unix["ignored_lines"] == [1, 2]


@pytest.mark.parametrize("text", ["", "\n\n", "#接龙\n周五水果团 草莓 39元/盒\n例 张三 草莓2盒"])
def test_a_list_without_entries_says_so(text, catalog):
    got = read(text, catalog)
    assert got["orders"] == [] and got["problems"] == ["没有读到任何接龙条目"]


def test_problems_are_in_english_when_asked(catalog, monkeypatch):
    text = "#接龙\n榴莲 59元/个\n1. 李梅 榴莲2\n2. 王芳 车厘子半斤"
    got = json.loads(read_list(text, catalog).to_json(lang="en"))
    assert got["problems"] == ["Line 2: '榴莲' has a price but is not a product in the catalogue"]
    assert got["orders"][0]["problems"] == ["Entry 1: '榴莲' is not a product in the catalogue"]
    monkeypatch.setenv("SALESOPS_LANG", "en")
    english = json.loads(read_list(text, catalog).to_json())
    assert english["orders"][1]["problems"] == [
        "Entry 2: 车厘子 '半斤' is not a whole number; orders take whole quantities, "
        "so check with the buyer"
    ]


def test_to_json_prints_exactly_the_issues_shape(catalog):
    got = json.loads(read_list("#接龙\n草莓 39元/盒\n\n1. 李梅 草莓2盒", catalog).to_json())
    assert got == {
        "orders": [
            {
                "entry": 1,
                "buyer": "李梅",
                "mobile": None,
                "customer": None,
                "items": [{"sku": "BERRY-1", "quantity": 2, "unit_price": "39.00"}],
                "note": "",
                "problems": [],
            }
        ],
        "ignored_lines": [1, 2, 3],
        "problems": [],
    }
    assert list(got["orders"][0]) == [
        "entry",
        "buyer",
        "mobile",
        "customer",
        "items",
        "note",
        "problems",
    ]


def test_the_catalogue_may_be_products_or_dicts_and_money_stays_decimal(catalog):
    products = [Product.of(p) for p in catalog]
    reading = read_list("1. 李梅 车厘子2斤 辣条3", products)
    assert reading.to_json() == read_list("1. 李梅 车厘子2斤 辣条3", catalog).to_json()
    cherries, strips = reading.entries[0].items
    assert cherries.amount == Decimal("218.00") and strips.amount == Decimal("29.70")
    assert isinstance(cherries.unit_price, Decimal)


class Customers:
    """A stand-in for the integrator's lookup: customers by mobile, WeChat ID, nickname, name."""

    def __init__(self, rows):
        self.rows = rows
        self.asked = []

    def find(self, kind, value):
        """Codes of the customers whose `kind` is `value` (WeChat IDs without case)."""
        self.asked.append((kind, value))
        fold = str.lower if kind == "wechat" else str
        return [r["code"] for r in self.rows if r.get(kind) and fold(r[kind]) == value]


def test_buyers_are_matched_by_mobile_then_wechat_id_then_nickname_then_name(catalog):
    customers = Customers(
        [
            {"code": "C001", "name": "李梅", "mobile": "13800138000"},
            {"code": "C002", "name": "王芳", "nickname": "王芳🍒"},
            {"code": "C003", "name": "张三", "wechat": "Anna_88"},
            {"code": "C004", "name": "小雨"},
            {"code": "C005", "name": "王芳🍒"},
        ]
    )
    text = (
        "1. 阿梅 草莓1 138-0013-8000\n2. 王芳🍒 草莓1\n3. anna_88 草莓1\n4. 小雨 草莓1\n"
        "5. 新人 草莓1\n"
    )
    reading = match_buyers(read_list(text, catalog), customers.find)
    assert [e.customer for e in reading.entries] == ["C001", "C002", "C003", "C004", None]
    assert customers.asked[:2] == [("mobile", "13800138000"), ("nickname", "王芳🍒")]
    assert ("wechat", "anna_88") in customers.asked
    assert json.loads(reading.to_json())["orders"][0]["customer"] == "C001"


def test_a_buyer_several_customers_fit_is_a_problem_not_a_guess(catalog):
    customers = Customers([{"code": "C001", "name": "陈姐"}, {"code": "C002", "name": "陈姐"}])
    reading = match_buyers(read_list("1. 陈姐 草莓1", catalog), customers.find)
    (entry,) = reading.entries
    assert entry.customer is None
    assert [p.text("zh_CN") for p in entry.problems] == [
        "第 1 条：'陈姐' 对应多位客户（C001、C002），请选择"
    ]
