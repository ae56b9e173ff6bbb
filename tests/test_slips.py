"""Pick list and packing slips (salesops.slips): a realistic batch rendered in A4 and on
100 x 150 mm labels, read back with poppler's pdftotext, pdfinfo and pdffonts and the
barcodes scanned with zbarimg; long text wraps inside the page, a long order flows on
with its number repeated, rare characters and emoji do not crash, bad input and a
missing font are refused in plain words. No database: the orders are made up here."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import missing_service

from salesops import slips
from salesops.errors import ValidationError
from salesops.slips import fonts, layout

PRINTED = datetime(2026, 12, 5, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
T0 = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
LONG_DETAIL = (
    "解放北路 123 号 环球金融中心 A 座 18 楼 1801 室（小区南门进，右手边第二栋，门口有快递柜，"
    "放柜子里就行，不用打电话）再往里走到底左转的那个红色铁门就是了"
)
LONG_NOTE = (
    "送人的生日礼物，请不要放发票和价格单，盒子外面多包两层气泡膜。Please deliver after "
    "6pm and leave it in the parcel locker, thanks a lot for your patience and help!"
)


def _order(no, recipient, lines, **extra):
    base = {
        "order_no": f"SO{no:08d}",
        "ordered_at": T0 + timedelta(hours=no),
        "channel": "朋友圈",
        "buyer": recipient,
        "ship_to": {
            "recipient": recipient,
            "mobile": "13800138000",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "detail": "文三路 90 号",
            "postcode": "310012",
        },
        "lines": [{"sku": s, "name": n, "quantity": q} for s, n, q in lines],
    }
    return {**base, **extra}


BATCH = [
    _order(
        41,
        "张三",
        [("SP-001", "云南古树普洱茶饼357g", 2), ("JJ-004", "真空保温杯500ml", 1)],
        courier="顺丰",
        tracking_no="SF1234567890123",
        note="不要放发票",
    ),
    _order(42, "李小雨", [("MZ-001", "玻尿酸补水面膜(10片)", 3)], channel="社群"),
    _order(
        43,
        "王大锤",
        [("SP-001", "云南古树普洱茶饼357g", 1)],
        ship_to={
            "recipient": "王大锤",
            "mobile": "13912345678",
            "province": "新疆维吾尔自治区",
            "city": "乌鲁木齐市",
            "district": "天山区",
            "detail": LONG_DETAIL,
        },
        note=LONG_NOTE,
    ),
    _order(
        44,
        "𠮷田龘",
        [("KJ-004", "新西兰麦卢卡蜂蜜250g", 1)],
        ship_to={
            "recipient": "𠮷田龘😀🌸",
            "mobile": "+85291234567",
            "pickup": "自提：阳光小区 3 号楼 2 单元门卫室",
        },
        buyer="龘龘🍓",
    ),
    _order(
        45,
        "赵敏",
        [(f"GIFT-{i:02d}", f"定制礼品 {i} 号", i % 3 + 1) for i in range(30)],
        channel="微店",
    ),
    _order(
        46,
        "Li Lei",
        [("MY-001", "婴儿纸尿裤L码(52片)", 4)],
        courier="中通",
        ship_to={
            "recipient": "Li Lei",
            "mobile": "13700000000",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "detail": "世纪大道 100 号",
        },
    ),
]
SKUS = {ln["sku"] for o in BATCH for ln in o["lines"]}


def _tool(name: str) -> str:
    """The path of a poppler or zbar command, or a skip (a failure under CI)."""
    path = shutil.which(name)
    if path is None:
        missing_service(f"{name} is needed (scripts/system-deps.sh installs it)")
    return path


def _run(*args) -> str:
    return subprocess.run(
        [_tool(args[0]), *map(str, args[1:])], capture_output=True, text=True, check=True
    ).stdout


def _flat(text: str) -> str:
    """Text without white space (pdftotext spaces CJK text as it likes)."""
    return "".join(text.split())


@functools.lru_cache(maxsize=512)
def _pages(path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", path)).group(1))


@functools.lru_cache(maxsize=512)
def _page_text(path, page: int, half: int | None = None) -> str:
    """One page's text in layout mode; `half` 0/1 crops to the top or bottom of an A4."""
    crop = [] if half is None else ["-x", 0, "-y", half * 421, "-W", 595, "-H", 421]
    return _run("pdftotext", "-layout", "-f", page, "-l", page, *crop, path, "-")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The batch as A4 and as labels, written once for the module: {size: path}."""
    out = tmp_path_factory.mktemp("slips")
    return {
        size: slips.write_pdf(
            out / f"{size}.pdf", BATCH, size=size, shop="小雨的店", printed_at=PRINTED, lang="zh_CN"
        )
        for size in ("a4", "label")
    }


def _part_places(path, size: str) -> list[tuple[int, int | None]]:
    """(page, half) of every slip part: A4 halves (0 top, 1 bottom), or whole labels."""
    halves = (0, 1) if size == "a4" else (None,)
    places = [(p, h) for p in range(1, _pages(path) + 1) for h in halves]
    return [(p, h) for p, h in places if "发货单" in _page_text(path, p, h)]


def _parts(path, size: str) -> list[str]:
    """The text of every slip part, in print order."""
    return [_page_text(path, p, h) for p, h in _part_places(path, size)]


def _slip_text(parts: list[str], order_no: str) -> list[str]:
    return [p for p in parts if order_no in p]


@pytest.mark.parametrize("size", ["a4", "label"])
def test_every_slip_carries_its_order_recipient_address_skus_and_quantities(rendered, size):
    parts = _parts(rendered[size], size)
    for order in BATCH:
        mine = _slip_text(parts, order["order_no"])
        assert mine, f"{order['order_no']} has no slip"
        text = "\n".join(mine)
        flat, to = _flat(text), order["ship_to"]
        assert _flat(to["recipient"].rstrip("😀🌸")) in flat
        for key in ("province", "city", "district", "detail", "pickup", "postcode"):
            assert _flat(to.get(key, "")) in flat, key
        for line in order["lines"]:
            row = next(r for r in text.splitlines() if line["sku"] in r)
            assert _flat(row).endswith(f"×{line['quantity']}"), row
        units = sum(ln["quantity"] for ln in order["lines"])
        assert f"共{len(order['lines'])}种{units}件" in flat


@pytest.mark.parametrize("size", ["a4", "label"])
def test_pick_list_comes_first_with_each_skus_total_and_orders(rendered, size):
    path = rendered[size]
    pages = [_page_text(path, p) for p in range(1, _pages(path) + 1)]
    pick = [p for p in pages if "拣货单" in p]
    assert pages[: len(pick)] == pick and pick
    rows = [r for p in pick for r in p.splitlines()]
    units = sum(ln["quantity"] for o in BATCH for ln in o["lines"])
    summary = f"{len(BATCH)}个订单·{len(SKUS)}种商品·共{units}件·打印于2026-12-0509:30"
    assert summary in _flat(pick[0])
    assert _flat(rows[0]).startswith("拣货单") and "小雨的店" in rows[0]
    flat = _flat("".join(rows))  # units, SKU, name; the orders on a line under them
    assert re.search(r"3SP-001云南古树普洱茶饼357g2单：SO00000041SO00000043", flat)
    assert "SO00000043" in _flat("".join(rows))
    assert {s for s in SKUS if any(s in r for r in rows)} == SKUS


def test_a4_has_pick_list_then_two_slips_a_page_and_labels_are_100_by_150_mm(rendered):
    path = rendered["a4"]
    info = _run("pdfinfo", "-f", 1, "-l", 99, path)
    assert set(re.findall(r"size:\s+([\d.]+ x [\d.]+)", info)) == {"595.28 x 841.89"}
    pick = [p for p in range(1, _pages(path) + 1) if "拣货单" in _page_text(path, p)]
    halves = _part_places(path, "a4")
    # 5 short slips and the 30-line one in 3 parts: 8 halves, both halves of each page
    assert len(halves) == 8
    assert halves == [(p, h) for p in range(len(pick) + 1, _pages(path) + 1) for h in (0, 1)]
    info = _run("pdfinfo", "-f", 1, "-l", 99, rendered["label"])
    assert set(re.findall(r"size:\s+([\d.]+ x [\d.]+)", info)) == {"283.46 x 425.2"}
    assert len(_part_places(rendered["label"], "label")) == 8


@pytest.mark.parametrize("size", ["a4", "label"])
def test_the_font_is_embedded_as_a_subset_and_the_file_stays_small(rendered, size):
    fonts_out = _run("pdffonts", rendered[size]).splitlines()[2:]
    assert fonts_out, "no fonts listed"
    for row in fonts_out:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.match(r"[A-Z]{6}\+", name), row  # a subset tag
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    assert rendered[size].stat().st_size < 200_000


def test_a_30_line_order_flows_on_with_its_number_and_barcode_repeated(rendered):
    for size, count in (("a4", 3), ("label", 3)):
        mine = _slip_text(_parts(rendered[size], size), "SO00000045")
        assert len(mine) == count, size
        for n, part in enumerate(mine, 1):
            assert f"第{n}张，共{count}张" in _flat(part)
        found = [s for s in (f"GIFT-{i:02d}" for i in range(30)) for p in mine if s in p]
        assert sorted(found) == [f"GIFT-{i:02d}" for i in range(30)]  # each once, none lost
        assert "接下一张" in mine[0] and "接下一张" not in mine[-1]


@pytest.mark.parametrize("size", ["a4", "label"])
def test_each_slip_parts_barcode_scans_as_its_order_number(rendered, size, tmp_path):
    zbar, pdftoppm = _tool("zbarimg"), _tool("pdftoppm")
    path, scanned, printed = rendered[size], [], []
    for page, half in _part_places(path, size):
        printed.append(re.search(r"SO\d{8}", _page_text(path, page, half)).group())
        crop = [] if half is None else ["-x", 0, "-y", half * 1754, "-W", 2480, "-H", 1754]
        png = tmp_path / f"p{page}-{half}"
        args = ["-r", 300, "-gray", "-png", "-singlefile", "-f", page, "-l", page, *crop]
        subprocess.run([pdftoppm, *map(str, args), path, png], check=True)
        out = subprocess.run(
            [zbar, "-q", "--raw", "-Sdisable", "-Scode128.enable", f"{png}.png"],
            capture_output=True,
            text=True,
        )
        scanned.append(out.stdout.strip())
    assert scanned == printed
    assert sorted(set(printed)) == sorted(o["order_no"] for o in BATCH)


@pytest.mark.parametrize("size", ["a4", "label"])
def test_long_address_and_note_wrap_inside_the_page(rendered, size):
    bbox = _run("pdftotext", "-bbox", rendered[size], "-")
    width = {"a4": 595.28, "label": 283.46}[size]
    margin = {"a4": 12, "label": 4}[size] * 72 / 25.4
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)
    assert words and all(
        float(a) >= margin - 1 and float(b) <= width - margin + 1 for a, b in words
    )
    text = _flat("".join(_slip_text(_parts(rendered[size], size), "SO00000043")))
    assert _flat(LONG_DETAIL) in text
    assert _flat(LONG_NOTE) in text


def test_rare_characters_and_emoji_print_or_drop_without_failing(rendered):
    text = _flat("".join(_slip_text(_parts(rendered["a4"], "a4"), "SO00000044")))
    assert "𠮷田龘" in text and "龘龘" in text
    assert "+85291234567" in text and "1380013" not in text  # foreign mobile as given


def test_times_print_in_the_business_zone(monkeypatch):
    slip = slips.PackingSlip(
        "SO1",
        datetime(2026, 12, 4, 23, 30, tzinfo=UTC),
        "",
        "",
        slips.ShipTo("甲"),
        (slips.SlipLine("A", "a", 1),),
    )
    body = lambda: _flat(_text_of(slips.render_pdf([slip], pick=())))  # noqa: E731
    assert "2026-12-0507:30" in body()
    monkeypatch.setenv("SALESOPS_TZ", "UTC")
    assert "2026-12-0423:30" in body()


def _text_of(data: bytes) -> str:
    return subprocess.run(
        [_tool("pdftotext"), "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_english_words_when_asked():
    data = slips.render_pdf(BATCH[:1], size="label", lang="en", printed_at=PRINTED)
    text = _flat(_text_of(data))
    for words in ("Picklist", "Packingslip", "Shipto", "Note", "2products,3units"):
        assert words in text


def test_pick_list_adds_up_the_slips_by_sku_in_print_order():
    batch = slips.data.slips_from(BATCH)
    items = {i.sku: i for i in slips.pick_from_slips(batch)}
    assert items["SP-001"].quantity == 3
    assert items["SP-001"].order_nos == ("SO00000041", "SO00000043")
    assert list(items) == sorted(SKUS)
    few = slips.data.slips_from(
        [_order(1, "甲", [("S10", "x", 1), ("S9", "y", 2), ("S10", "x", 3)])]
    )
    assert [(i.sku, i.quantity) for i in slips.pick_from_slips(few)] == [("S9", 2), ("S10", 4)]
    assert sum(i.quantity for i in items.values()) == sum(s.total_quantity() for s in batch)


def test_bad_input_is_refused_naming_the_order_and_field_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    bad = [
        {**BATCH[0], "ordered_at": datetime(2026, 12, 4, 10, 0)},  # naive
        {**BATCH[1], "lines": [{"sku": "X", "name": "x", "quantity": 0}]},
        {**BATCH[2], "order_no": ""},
        {**BATCH[3], "lines": []},
    ]
    target = tmp_path / "out.pdf"
    with pytest.raises(ValidationError) as e:
        slips.write_pdf(target, bad)
    message = str(e.value)
    assert "slip 1 (SO00000041): ordered_at" in message
    assert "slip 2 (SO00000042): lines[1].quantity" in message
    assert "slip 3 (?): order_no" in message
    assert "slip 4 (SO00000044): lines" in message
    assert not target.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(ValidationError, match="size"):
        slips.render_pdf(BATCH, size="A5")
    with pytest.raises(ValidationError, match="no orders to print"):
        slips.render_pdf([])


def test_no_chinese_font_is_a_plain_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    fonts._find.cache_clear()
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_bytes(b"not a font")
    monkeypatch.setenv(fonts.SETTING, str(not_a_font))
    with pytest.raises(slips.FontMissing, match=f"{fonts.SETTING}=.*font.ttf.*Chinese"):
        slips.render_pdf(BATCH)
    latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # no Chinese glyphs
    monkeypatch.setenv(fonts.SETTING, latin)
    with pytest.raises(slips.FontMissing):
        slips.render_pdf(BATCH)
    monkeypatch.delenv(fonts.SETTING)
    monkeypatch.setattr(fonts, "DEFAULT_PATHS", ())
    monkeypatch.setattr(fonts, "_fontconfig", lambda: [])
    fonts._find.cache_clear()
    with pytest.raises(slips.FontMissing, match="fonts-noto-cjk"):
        slips.render_pdf(BATCH)
    fonts._find.cache_clear()


NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.mark.parametrize(
    "setting, outlines, face",
    [
        (NOTO, "CID Type 0C", "NotoSansCJKSC"),  # CFF outlines; the SC face chosen by name
        (f"{NOTO}#3", "CID Type 0C", "NotoSansCJKTC"),  # face 3 asked for: Traditional
        (WQY, "CID TrueType", "WenQuanYiMicroHei"),  # TrueType outlines, no 𠮷: dropped
    ],
)
def test_the_font_setting_takes_cff_and_truetype_fonts(
    monkeypatch, tmp_path, setting, outlines, face
):
    if not Path(setting.partition("#")[0]).exists():
        missing_service(f"{setting} is needed (scripts/system-deps.sh installs it)")
    monkeypatch.setenv(fonts.SETTING, setting)
    path = slips.write_pdf(tmp_path / "x.pdf", BATCH[:4], size="label")
    listing = _run("pdffonts", path).splitlines()[2:]
    assert listing and all(outlines in row and face in row for row in listing)
    text = _flat(_run("pdftotext", path, "-"))
    assert "张三" in text and "王大锤" in text


def test_wrapping_keeps_numbers_whole_and_punctuation_off_line_starts():
    pdf = layout.Document((210, 297))
    fonts.find_font().register(pdf)
    font = layout.Font(10)
    text = "收件人电话13800138000，地址：文三路（近学院路）SKU-2025-XL，备注。" * 3
    lines = layout.wrap(pdf, font, text, 40)
    assert len(lines) > 3
    assert all(pdf.get_string_width(s) <= 40 + 1e-6 for s in lines)
    assert "".join(lines) == text
    assert all(not s.startswith(("，", "。", "）", "：")) for s in lines)
    assert all(not s.endswith("（") for s in lines)
    assert all(
        re.search(r"13800138000|SKU-2025-XL", s) or not re.search(r"\d{3}$", s)
        for s in lines
        if "138" in s
    )
