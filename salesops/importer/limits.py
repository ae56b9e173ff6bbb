"""How much an import file may hold, checked before and while it is read, so a file can
never take the machine's memory or a page's browser tab with it.

- the file itself: at most MAX_FILE_BYTES;
- an .xlsx's parts, unzipped: at most MAX_UNZIPPED_BYTES in all (a small file can expand
  a thousandfold), and no cell longer than MAX_CELL characters: its XML is scanned with a
  streaming parser that counts text without keeping it, before openpyxl reads a byte;
- rows: at most MAX_ROWS data rows, counted as they stream;
- a cell: at most MAX_CELL characters (CSV cells as they stream).

Messages name the row and column when known and quote at most QUOTE characters.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers import expat

from ..errors import SalesopsError
from ..messages import add, t

MAX_FILE_BYTES = 50 << 20
MAX_UNZIPPED_BYTES = 400 << 20
MAX_ROWS = 200_000
MAX_CELL = 5_000
MAX_HEADER = 64 << 10  # characters of a CSV file's header line
QUOTE = 40
CHUNK = 1 << 20

add(
    {
        "en": {
            "import.too_big": "{path}: the file is {size} MB; at most {limit} MB can be "
            "imported at once. Split it into smaller files",
            "import.too_big_unzipped": "{path}: the workbook unpacks to more than {limit} MB; "
            "save it again with fewer rows or sheets, or as CSV",
            "import.too_many_rows": "{path}: more than {limit:,} rows; split it into files "
            "of at most {limit:,} rows",
            "import.cell_too_long": "{where}a cell holds {size:,} characters (at most "
            "{limit:,}): {start}",
            "import.where": "row {row}, column {column}: ",
            "import.where_row": "row {row}: ",
            "import.header_too_long": "{path}: the first line is longer than {limit:,} "
            "characters, so it is not a header row; is this the file you meant?",
        },
        "zh_CN": {
            "import.too_big": "{path}：文件大小 {size} MB，一次最多导入 {limit} MB，"
            "请拆分成较小的文件",
            "import.too_big_unzipped": "{path}：工作簿解压后超过 {limit} MB；请减少行或工作表后"
            "另存，或另存为 CSV",
            "import.too_many_rows": "{path}：超过 {limit:,} 行；"
            "请拆分成每个不超过 {limit:,} 行的文件",
            "import.cell_too_long": "{where}一个单元格有 {size:,} 个字符"
            "（最多 {limit:,}）：{start}",
            "import.where": "第 {row} 行，{column} 列：",
            "import.where_row": "第 {row} 行：",
            "import.header_too_long": "{path}：第一行超过 {limit:,} 个字符，"
            "不是表头行；是这个文件吗？",
        },
    }
)


class LimitError(SalesopsError):
    """A file beyond what an import takes; the message says which limit and what to do."""


def clip(value, limit: int = QUOTE) -> str:
    """`value` quoted for a message: its first `limit` characters, `…` when cut."""
    text = "" if value is None else str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def check_file(path: Path) -> None:
    """The file's own size, and for .xlsx what it unpacks to and its longest cell."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LimitError(
            t(
                "import.too_big",
                path=path.name,
                size=round(size / 2**20, 1),
                limit=MAX_FILE_BYTES >> 20,
            )
        )
    if path.suffix.lower() == ".xlsx":
        _check_xlsx(path)


def check_cell(value, row: int, column: str) -> None:
    """LimitError for a cell longer than MAX_CELL characters, naming where it is."""
    if isinstance(value, str) and len(value) > MAX_CELL:
        raise too_long(len(value), value, t("import.where", row=row, column=column))


def too_long(size: int, start: str, where: str = "") -> LimitError:
    """The message for a cell of `size` characters starting with `start`."""
    return LimitError(
        t("import.cell_too_long", where=where, size=size, limit=MAX_CELL, start=clip(start))
    )


def header_too_long(path: Path) -> LimitError:
    """The message for a CSV file whose first line is no header a person wrote."""
    return LimitError(t("import.header_too_long", path=path.name, limit=MAX_HEADER))


def check_rows(count: int, path: Path) -> None:
    """LimitError once a file has more than MAX_ROWS data rows."""
    if count > MAX_ROWS:
        raise LimitError(t("import.too_many_rows", path=path.name, limit=MAX_ROWS))


def _check_xlsx(path: Path) -> None:
    """Unzipped size of the parts, then every XML part's text nodes, without keeping them."""
    try:
        with zipfile.ZipFile(path) as zf:
            parts = [i for i in zf.infolist() if i.filename.endswith(".xml")]
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                raise LimitError(
                    t("import.too_big_unzipped", path=path.name, limit=MAX_UNZIPPED_BYTES >> 20)
                )
            for info in parts:
                with zf.open(info) as part:
                    _scan(part)
    except (zipfile.BadZipFile, expat.ExpatError, OSError, EOFError):
        return  # not a readable workbook: openpyxl says so in its own words


def _scan(part) -> None:
    """LimitError when a text node of the XML stream `part` is longer than MAX_CELL
    (counted to its end, so the message gives its length; never kept)."""
    state = {"size": 0, "start": ""}

    def text(data: str) -> None:
        state["size"] += len(data)
        if len(state["start"]) <= QUOTE:
            state["start"] += data[: QUOTE + 1]

    def boundary(*_args) -> None:
        if state["size"] > MAX_CELL:
            raise too_long(state["size"], state["start"])
        state["size"], state["start"] = 0, ""

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.CharacterDataHandler = text
    parser.StartElementHandler = boundary
    parser.EndElementHandler = boundary
    while chunk := part.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
