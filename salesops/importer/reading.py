"""Reading import files: CSV in UTF-8, UTF-8 with BOM or GB18030 (detected), and .xlsx.

`open_table(path, columns)` returns a `Table`: the detected encoding, the file's headers
and which of our columns each one maps to, and `rows()`, a stream of (row number,
values) where row 1 is the header line, as a spreadsheet numbers it. Files are streamed,
never loaded whole: csv row by row, xlsx through openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import SalesopsError
from ..files import RISKY
from ..messages import add, t
from .limits import MAX_HEADER, check_cell, check_file, check_rows, header_too_long, too_long

SAMPLE = 1 << 20
add(
    {
        "en": {
            "import.unreadable": "{path}: cannot read this file ({reason})",
            "import.kind": "{path}: not a .csv or .xlsx file",
            "import.empty": "{path}: the file has no header row",
            "import.missing_column": "the file has no {column} column (headers found: {found})",
            "import.missing_one_of": "the file needs one of the columns {columns} "
            "(headers found: {found})",
            "import.twice": "columns {a} and {b} both mean {column}",
            "import.bad_map": "{path}: {reason}",
        },
        "zh_CN": {
            "import.unreadable": "{path}：无法读取此文件（{reason}）",
            "import.kind": "{path}：不是 .csv 或 .xlsx 文件",
            "import.empty": "{path}：文件没有表头行",
            "import.missing_column": "文件缺少 {column} 列（现有表头：{found}）",
            "import.missing_one_of": "文件至少需要 {columns} 中的一列（现有表头：{found}）",
            "import.twice": "{a} 和 {b} 两列都表示 {column}",
            "import.bad_map": "{path}：{reason}",
        },
    }
)


class ImportFileError(SalesopsError):
    """A file that cannot be imported at all: unreadable, wrong kind, missing columns."""


@dataclass
class Table:
    """An open import file: its headers mapped onto our columns, and its rows."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str | None
    headers: list[str]
    mapping: dict[str, int]  # our column -> position in the row
    ignored: list[str] = field(default_factory=list)
    delimiter: str = ","

    def header_of(self, column: str) -> str:
        """The file's own header for one of our columns (for messages)."""
        i = self.mapping.get(column)
        return self.headers[i] if i is not None else column

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, values) for every non-blank data row; values padded to the headers."""
        width, count = len(self.headers), 0
        source = self._xlsx_rows() if self.kind == "xlsx" else self._csv_rows()
        for number, values in source:
            if self.kind == "csv":
                if not "".join(values).strip():
                    continue
            elif not any(v is not None and str(v).strip() != "" for v in values):
                continue
            else:
                values = list(values)
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            count += 1
            check_rows(count, self.path)
            for i, value in enumerate(values):
                check_cell(value, number, self.headers[i] if i < width else str(i + 1))
            yield number, [_unquoted(v) for v in values]

    def _csv_rows(self):
        with open(self.path, encoding=self.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            next(reader, None)
            try:
                yield from enumerate(reader, 2)
            except csv.Error as e:
                if "field larger than field limit" in str(e):
                    where = t("import.where_row", row=reader.line_num)
                    raise too_long(csv.field_size_limit(), "", where) from None
                raise _unreadable(self.path, e) from None
            except UnicodeDecodeError as e:
                raise _unreadable(self.path, e) from None

    def _xlsx_rows(self):
        wb = _workbook(self.path)
        try:
            sheet = wb.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                if number > 1:
                    yield number, values
        finally:
            wb.close()


def _unquoted(value):
    """A cell as typed: the `'` that files we write put before `= + - @` (so spreadsheets
    keep them as text; salesops.files.formula_safe) is taken off again."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in RISKY:
        return value[1:]
    return value


def _unreadable(path, error) -> ImportFileError:
    """The file cannot be read: why, in at most a line (a library's message may quote the
    file's content)."""
    reason = str(error)
    reason = reason if len(reason) <= 100 else reason[:100] + "…"
    return ImportFileError(t("import.unreadable", path=Path(path).name, reason=reason))


def _workbook(path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(path, e) from None


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' (BOM), 'utf-8' when the whole file decodes as UTF-8, else 'gb18030'."""
    with open(path, "rb") as f:
        head = f.read(SAMPLE)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = f.read(SAMPLE)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        head.decode("gb18030")
    except UnicodeDecodeError as e:
        raise _unreadable(path, "neither UTF-8 nor GB18030") from e
    return "gb18030"


def normal_header(name) -> str:
    """A header as we compare it: NFKC, lower case, no spaces, underscores or dashes."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip().lower()
    return "".join(ch for ch in text if ch not in " _-\t")


def load_mapping(path) -> dict[str, str]:
    """A --map YAML file: `their header: our column` pairs (optionally under `columns:`)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ImportFileError(t("import.bad_map", path=Path(path).name, reason=e)) from None
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        reason = "expected lines like `买家手机: mobile`"
        raise ImportFileError(t("import.bad_map", path=Path(path).name, reason=reason))
    return {str(k): v for k, v in data.items()}


def open_table(
    path, aliases: dict[str, tuple[str, ...]], mapping: dict[str, str] | None = None
) -> Table:
    """Open a .csv or .xlsx file and map its headers onto the columns in `aliases`."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(t("import.unreadable", path=path.name, reason="no such file"))
    check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        kind, encoding, delimiter, headers = "xlsx", None, ",", _xlsx_headers(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        kind, encoding = "csv", detect_encoding(path)
        delimiter, headers = _csv_headers(path, encoding)
    else:
        raise ImportFileError(t("import.kind", path=path.name))
    if not any(normal_header(h) for h in headers):
        raise ImportFileError(t("import.empty", path=path.name))
    columns, ignored = _map_headers(headers, aliases, mapping or {})
    return Table(path, kind, encoding, [str(h or "") for h in headers], columns, ignored, delimiter)


def _csv_headers(path: Path, encoding: str) -> tuple[str, list[str]]:
    """The delimiter (comma, tab or semicolon, whichever the header uses most) and headers."""
    try:
        with open(path, encoding=encoding, newline="") as f:
            first = f.readline(MAX_HEADER)
    except UnicodeDecodeError as e:
        raise _unreadable(path, e) from None
    if len(first) >= MAX_HEADER and not first.endswith("\n"):
        raise header_too_long(path)
    delimiter = max(",\t;", key=first.count)
    try:
        return delimiter, next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        raise header_too_long(path) from None


def _xlsx_headers(path: Path) -> list:
    wb = _workbook(path)
    try:
        first = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        wb.close()
    return list(first)


def _map_headers(headers, aliases, mapping) -> tuple[dict[str, int], list[str]]:
    """Our column -> position; headers matching nothing are returned as ignored."""
    lookup = {normal_header(a): col for col, names in aliases.items() for a in (col, *names)}
    lookup.update({normal_header(k): v for k, v in mapping.items()})
    unknown = sorted({v for v in mapping.values() if v not in aliases})
    if unknown:
        reason = f"unknown column {', '.join(unknown)} (known: {', '.join(aliases)})"
        raise ImportFileError(t("import.bad_map", path="--map", reason=reason))
    columns, ignored = {}, []
    for i, header in enumerate(headers):
        col = lookup.get(normal_header(header))
        if col is None:
            if normal_header(header):
                ignored.append(str(header))
            continue
        if col in columns:
            a = headers[columns[col]]
            raise ImportFileError(t("import.twice", a=a, b=header, column=col))
        columns[col] = i
    return columns, ignored


def require_columns(table: Table, required: tuple, one_of: tuple[tuple[str, ...], ...]) -> None:
    """ImportFileError naming the missing column(s), with the headers that were found."""
    found = ", ".join(table.headers)
    for col in required:
        if col not in table.mapping:
            raise ImportFileError(t("import.missing_column", column=col, found=found))
    for group in one_of:
        if not any(c in table.mapping for c in group):
            raise ImportFileError(
                t("import.missing_one_of", columns=" / ".join(group), found=found)
            )
