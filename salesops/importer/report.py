"""What an import found and did: problems by row and column, what was created, counts.

`ImportReport.lines()` is the text the CLI prints and the page shows, in the page
language; `write_rejected` writes the rows that were left out, each with its reason, to
FILE.rejected.csv (UTF-8 with BOM, so Excel opens it right).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..messages import add, t
from ..validate import short

SHOWN = 20  # names listed per kind of created record; the rest are counted
add(
    {
        "en": {
            "import.problem": "row {row}, column {column}, value {value!r}: {reason}",
            "import.file_problem": "{reason}",
            "import.read": "{path}: {rows} rows read ({kind}, {encoding})",
            "import.counts.orders": "orders: {orders_created} new with {lines_created} lines, "
            "{orders_present} already present",
            "import.counts.customers": "customers: {customers_created} new, "
            "{customers_updated} updated, {customers_present} already present",
            "import.counts.products": "products: {products_created} new, "
            "{products_updated} updated, {products_present} already present",
            "import.created": "created {what} ({n}): {names}",
            "import.would_create": "would create {what} ({n}): {names}",
            "import.nothing_new": "nothing new: everything in the file is already present",
            "import.failed": "{n} problems found; nothing was written",
            "import.rejected": "{n} rows left out, listed with their reasons in {path}",
            "import.dry_run": "dry run: nothing was written",
            "import.written": "written in one transaction (import #{id})",
            "import.order_conflict": "order {order_no}: this row has a different {what} "
            "than row {first} ({other!r})",
            "import.exists_different": "order {order_no} is already in salesops with a "
            "different {what}; it was not changed",
            "import.order_rejected": "another row of order {order_no} is invalid",
            "import.needs_name": "{field}: required to create a new customer",
            "import.strict": "{field}: no {what} {value!r} (--strict refuses new ones)",
            "import.same_as_row": "the same customer as row {row}",
            "import.more": "... and {n} more",
        },
        "zh_CN": {
            "import.problem": "第 {row} 行，{column} 列，值 {value!r}：{reason}",
            "import.file_problem": "{reason}",
            "import.read": "{path}：读取 {rows} 行（{kind}，{encoding}）",
            "import.counts.orders": "订单：新增 {orders_created} 个（{lines_created} 行商品），"
            "{orders_present} 个已存在",
            "import.counts.customers": "客户：新增 {customers_created} 个，更新 "
            "{customers_updated} 个，{customers_present} 个已存在",
            "import.counts.products": "商品：新增 {products_created} 个，更新 "
            "{products_updated} 个，{products_present} 个已存在",
            "import.created": "已新建{what}（{n}）：{names}",
            "import.would_create": "将新建{what}（{n}）：{names}",
            "import.nothing_new": "没有新内容：文件中的记录都已存在",
            "import.failed": "发现 {n} 个问题；未写入任何数据",
            "import.rejected": "{n} 行未导入，原因见 {path}",
            "import.dry_run": "试运行：未写入任何数据",
            "import.written": "已在一个事务中写入（导入 #{id}）",
            "import.order_conflict": "订单 {order_no}：此行的{what}与第 {first} 行"
            "（{other!r}）不同",
            "import.exists_different": "订单 {order_no} 已存在且{what}不同；未作修改",
            "import.order_rejected": "订单 {order_no} 的另一行有错误",
            "import.needs_name": "{field}：新建客户时必填",
            "import.strict": "{field}：没有{what} {value!r}（--strict 不新建）",
            "import.same_as_row": "与第 {row} 行是同一客户",
            "import.more": "……另有 {n} 个",
        },
    }
)
KIND_WORDS = {
    "en": {
        "customers": "customers",
        "products": "products",
        "channels": "channels",
        "members": "members",
    },
    "zh_CN": {"customers": "客户", "products": "商品", "channels": "渠道", "members": "成员"},
}


@dataclass
class RowProblem:
    """One bad cell: spreadsheet row number (header = 1), the file's column, value, reason."""

    row: int
    column: str
    value: object
    reason: str

    def __str__(self) -> str:
        if self.row <= 1 and not self.column:
            return t("import.file_problem", reason=self.reason)
        value = "" if self.value is None else short(self.value)
        return t(
            "import.problem", row=self.row, column=self.column, value=value, reason=self.reason
        )


@dataclass
class ImportReport:
    """The outcome of one import run (or dry run)."""

    kind: str
    path: Path
    encoding: str = ""
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    created: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dry_run: bool = False
    written: bool = False
    import_id: int | None = None
    rejected_path: Path | None = None
    rejected_rows: int = 0

    @property
    def ok(self) -> bool:
        """True when the import was (or, in a dry run, would be) written."""
        return not self.problems or self.rejected_path is not None

    @property
    def bad_rows(self) -> set[int]:
        """Row numbers with at least one problem."""
        return {p.row for p in self.problems}

    def problem(self, row: int, column: str, value, reason: str) -> None:
        """Record one problem."""
        self.problems.append(RowProblem(row, column, value, reason))

    def lines(self, limit: int | None = 200) -> list[str]:
        """The report as lines of text in the page language, problems first."""
        shown = self.problems if limit is None else self.problems[:limit]
        out = [str(p) for p in shown]
        if limit is not None and len(self.problems) > limit:
            out.append(t("import.more", n=len(self.problems) - limit))
        out.append(
            t(
                "import.read",
                path=self.path.name,
                rows=self.rows,
                kind=self.path.suffix.lstrip(".").lower(),
                encoding=self.encoding or "-",
            )
        )
        if self.problems and self.rejected_path is None:
            out.append(t("import.failed", n=len(self.problems)))
            return out
        out.append(t(f"import.counts.{self.kind}", **self._counts()))
        key = "import.created" if self.written else "import.would_create"
        words = KIND_WORDS.get(_lang(), KIND_WORDS["en"])
        for what, names in self.created.items():
            if names:
                listed = ", ".join(names[:SHOWN]) + (" ..." if len(names) > SHOWN else "")
                out.append(t(key, what=words.get(what, what), n=len(names), names=listed))
        if self.rejected_path is not None:
            out.append(t("import.rejected", n=self.rejected_rows, path=self.rejected_path))
        if not self.new_anything:
            out.append(t("import.nothing_new"))
        if self.dry_run:
            out.append(t("import.dry_run"))
        elif self.written:
            out.append(t("import.written", id=self.import_id))
        return out

    @property
    def new_anything(self) -> bool:
        """True when the import creates or updates at least one record."""
        keys = (
            "orders_created",
            "customers_created",
            "customers_updated",
            "products_created",
            "products_updated",
        )
        return any(self.counts.get(k) for k in keys) or any(self.created.values())

    def _counts(self) -> dict[str, int]:
        keys = (
            "orders_created",
            "lines_created",
            "orders_present",
            "customers_created",
            "customers_updated",
            "customers_present",
            "products_created",
            "products_updated",
            "products_present",
            "members_added",
            "members_present",
        )
        return {k: self.counts.get(k, 0) for k in keys}

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _lang() -> str:
    from .. import config

    return config.language()


def rejected_path_for(path: Path) -> Path:
    """FILE.rejected.csv next to FILE."""
    return path.with_name(path.name + ".rejected.csv")


def write_rejected(table, reasons: dict[int, list[str]], target: Path) -> int:
    """Copy the rows in `reasons` (row number -> reasons) with a reason column; returns
    count. Owner-only, every cell formula-safe (salesops.files.write_csv)."""
    from ..files import write_csv

    def rows():
        for number, values in table.rows():
            if number in reasons:
                cells = ["" if v is None else v for v in values[: len(table.headers)]]
                yield [number, *cells, "; ".join(reasons[number])]

    return write_csv(target, ["row", *table.headers, "reason"], rows())
