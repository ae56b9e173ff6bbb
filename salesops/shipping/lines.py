"""Reading the lines of a bulk shipment: `order_no, courier, tracking_no`, as courier
software and spreadsheets export them and people paste them.

    >>> [(l.order_no, l.courier_text, l.tracking_text) for l in read_text(
    ...     "订单号\\t快递公司\\t快递单号\\nSO00000042\\t顺丰速运\\tSF1234567890123")]
    [('SO00000042', '顺丰速运', 'SF1234567890123')]

Each line is split by tabs (a spreadsheet's copy), else commas (a CSV, full-width ， too,
quotes honoured), else runs of spaces, where the courier is the longest run of words
after the order number that names a courier (`SO1 J&T Express JT0001234567890`, `SO1
顺丰 SF 1234 5678 9012 3`) and the rest is the number. A first line whose cells are
column names (订单号 / 快递公司 / 快递单号, order_no / courier / tracking_no, and the
names courier exports use: 运单号, 物流公司, 商家订单号...) is a header: the columns may
then come in any order among others, which are ignored. Without a header the first three
cells are the order number, the courier and the number. Blank lines are skipped; a line
that cannot be split into the three is kept as unreadable, so it is reported.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..couriers import find_courier
from ..errors import ValidationError
from ..messages import add

COLUMNS = ("order_no", "courier", "tracking_no")
HEADERS = {
    "order_no": "订单号 订单编号 订单号码 商家订单号 客户订单号 原始单号 外部订单号 平台订单号 "
    "orderno ordernumber orderid order",
    "courier": "快递公司 快递 物流公司 快递名称 物流 承运商 配送公司 courier carrier express "
    "logistics",
    "tracking_no": "快递单号 运单号 物流单号 运单编号 面单号 快递单号码 trackingno "
    "trackingnumber tracking waybill waybillno",
}
HEADER_OF = {word: column for column, words in HEADERS.items() for word in words.split()}
MAX_LINES = 100_000
SPACES = re.compile(r"\s+")

add(
    {
        "en": {
            "ship.error.header": "{field}: the header has no {column} column "
            "(its columns: {found})",
            "ship.error.too_many": "{field}: {value} lines is more than {limit} at once; "
            "split the list",
            "ship.error.file": "{field}: {value!r} is not a .csv, .tsv, .txt or .xlsx file",
        },
        "zh_CN": {
            "ship.error.header": "{field}：表头中没有 {column} 列（现有列：{found}）",
            "ship.error.too_many": "{field}：一次 {value} 行，超过 {limit} 行；请分批发货",
            "ship.error.file": "{field}：{value!r} 不是 .csv、.tsv、.txt 或 .xlsx 文件",
        },
    }
)


@dataclass
class ShipLine:
    """One line of a bulk shipment as read: where it was, what it said, and (after
    salesops.shipping.bulk.check) what it will do."""

    row: int  # line number in the pasted text or file (1 = first line)
    text: str  # the line as given
    order_no: str = ""
    courier_text: str = ""
    tracking_text: str = ""
    readable: bool = True
    state: str = ""  # set by bulk.check: see bulk.STATES
    message: str = ""
    order_id: int | None = None
    courier: str = ""  # the courier's code, once checked
    tracking_no: str = ""  # the cleaned number, once checked
    version: int = 0  # the order's version when it was checked
    before: tuple = ()  # the order's (courier, tracking_no) when it was checked


def read_text(text: str) -> list[ShipLine]:
    """The lines of pasted text (or a decoded file); ValidationError for a header that
    lacks a column, or more than MAX_LINES lines."""
    raw = [(n, line) for n, line in enumerate(str(text or "").splitlines(), 1) if line.strip()]
    if len(raw) > MAX_LINES:
        raise ValidationError.one("ship.error.too_many", "lines", len(raw), limit=MAX_LINES)
    if not raw:
        return []
    first = _cells(raw[0][1])
    positions = _header(first if first is not None else SPACES.split(_normal(raw[0][1]).strip()))
    if positions is not None:
        raw = raw[1:]
    return [_line(n, line, positions) for n, line in raw]


def read_file(path) -> list[ShipLine]:
    """The lines of an uploaded or given file: .csv, .tsv or .txt (UTF-8, with or without
    BOM, or GB18030) or the first sheet of an .xlsx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_text(_xlsx_text(path))
    if suffix not in (".csv", ".tsv", ".txt"):
        raise ValidationError.one("ship.error.file", "file", path.name)
    from ..importer.reading import detect_encoding

    return read_text(path.read_text(encoding=detect_encoding(path)))


def _xlsx_text(path: Path) -> str:
    """The first sheet's rows as tab-separated lines (cells as text; 12.0 as 12)."""
    from ..importer.reading import _workbook

    book = _workbook(path)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        return "\n".join("\t".join(_cell_text(v) for v in row) for row in rows)
    finally:
        book.close()


def _cell_text(value) -> str:
    """A spreadsheet cell as text: a whole float without its .0, tabs as spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\t", " ").replace("\n", " ")


def _normal(line: str) -> str:
    """NFKC (full-width digits, letters, commas and spaces made plain), zero-width gone."""
    return re.sub("[\u200b-\u200d\u2060\ufeff]", "", unicodedata.normalize("NFKC", line))


def _cells(line: str) -> list[str] | None:
    """A line split by tabs or commas (None when it has neither: split by spaces later)."""
    line = _normal(line)
    for delimiter in ("\t", ","):
        if delimiter in line:
            cells = next(csv.reader([line], delimiter=delimiter)) if '"' in line else None
            return [c.strip() for c in cells or line.split(delimiter)]
    return None


def _header(cells: list[str]) -> dict[str, int] | None:
    """Column positions when `cells` are column names (ValidationError when one of the
    three is missing), else None. Two known names make a header, or one in a line of at
    most three cells (a data line never holds a column name)."""
    keys = [_key(c) for c in cells]
    found = {HEADER_OF[k]: i for i, k in reversed(list(enumerate(keys))) if k in HEADER_OF}
    if len(found) < 2 and not (found and len(cells) <= 3):
        return None
    for column in COLUMNS:
        if column not in found:
            shown = ", ".join(c for c in cells if c)
            raise ValidationError.one("ship.error.header", "lines", column=column, found=shown)
    return found


def _key(cell: str) -> str:
    """A header cell as compared: lower case, no spaces, underscores or dashes."""
    return re.sub(r"[\s_\-]", "", _normal(cell)).lower()


def _line(n: int, line: str, positions: dict[str, int] | None) -> ShipLine:
    """One data line read by the header's positions, or as the three columns in order."""
    cells = _cells(line)
    if cells is None:
        cells = _space_cells(_normal(line).strip())
    if positions is None:
        positions = {c: i for i, c in enumerate(COLUMNS)}
    values = {c: cells[i].strip() if i < len(cells) else "" for c, i in positions.items()}
    readable = bool(values["order_no"]) and (bool(values["courier"]) or bool(values["tracking_no"]))
    return ShipLine(
        n,
        line.strip(),
        values["order_no"],
        values["courier"],
        values["tracking_no"],
        readable,
    )


def _space_cells(line: str) -> list[str]:
    """[order_no, courier, number] from a line of words: the courier is the longest run
    of words after the order number that names one; the words after it are the number."""
    words = SPACES.split(line)
    if len(words) < 2:
        return words
    for end in range(len(words) - 1, 1, -1):
        name = " ".join(words[1:end])
        if find_courier(name) is not None:
            return [words[0], name, "".join(words[end:])]
    if find_courier(" ".join(words[1:])) is not None:  # a courier with no number (自提)
        return [words[0], " ".join(words[1:]), ""]
    return [words[0], words[1], "".join(words[2:])]
