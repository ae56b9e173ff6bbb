"""Import products from a spreadsheet: one row per product (`salesops products import`).

Columns (English or the Chinese headers shops use): `sku` 商品编码 (required), `name`
商品名称, `category` 分类, `price` 售价, `unit_cost` 成本, `stock` 库存, `aliases` 别名
(separated by , ， 、 / or ;) and `reorder_level` 补货点. Files are read, and problems
reported by row and column, by the same machinery as the orders and customers imports.

A new SKU needs a name and a price and goes through the product service's own checks
(salesops.products.clean), including the naming rule: no alias may name another product,
whether stored or further up the same file. A stock figure is the new product's first
count in the stock ledger. A SKU already in salesops is reported as present and left
alone; with `update`, its price and unit cost take the file's non-empty values (versioned
and audited; past order lines keep what they were sold at) and nothing else changes.

All or nothing: any problem and nothing is written. Everything is written in one
transaction with an `imports` row whose id is in every audit row.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from .. import products as service
from ..actors import Actor, system_actor
from ..errors import ValidationError
from ..messages import add, t
from ..product_names import NameBook
from ..schema import products
from . import common, parse, reading
from .report import ImportReport

ALIASES = {
    "sku": ("商品编码", "编码", "货号", "商品编号", "sku编码"),
    "name": ("商品名称", "名称", "品名", "商品名", "product_name"),
    "category": ("分类", "类别", "商品分类"),
    "price": ("售价", "价格", "零售价", "销售价"),
    "unit_cost": ("成本", "成本价", "进价", "进货价", "cost"),
    "stock": ("库存", "库存数量", "现有库存", "stock_on_hand"),
    "aliases": ("别名", "其他名称", "俗称"),
    "reorder_level": ("补货点", "补货线", "安全库存"),
}
FIELD_COLUMN = {"stock_on_hand": "stock"}  # service field -> file column
add(
    {
        "en": {
            "import.same_product": "the same SKU as row {row}",
            "import.new_product_needs": "{field}: required to create a new product",
        },
        "zh_CN": {
            "import.same_product": "与第 {row} 行商品编码相同",
            "import.new_product_needs": "{field}：新建商品时必填",
        },
    }
)


def import_products(
    db,
    path,
    *,
    actor: Actor | None = None,
    dry_run: bool = False,
    update: bool = False,
    mapping: dict | None = None,
    progress=None,
) -> ImportReport:
    """Import a products file (.csv or .xlsx); known SKUs change price and cost only with
    `update`. Writing needs import.write and products.edit (managers and admins)."""
    actor = actor or system_actor()
    actor.require("import.dry_run" if dry_run else "import.write")
    if not dry_run:
        actor.require("products.edit")
    table = reading.open_table(path, ALIASES, mapping)
    reading.require_columns(table, ("sku",), ())
    report = ImportReport("products", table.path, table.encoding or "xlsx", dry_run=dry_run)
    with db.read() if dry_run else db.write() as conn:
        job = _ProductImport(conn, table, report, actor, update)
        job.read()
        if report.problems:
            return report
        job.plan()
        if not dry_run and report.new_anything:
            job.write(progress)
    return report


class _ProductImport:
    """One run: read and check every row, plan, write."""

    def __init__(self, conn, table, report: ImportReport, actor: Actor, update: bool):
        self.conn, self.table, self.report, self.actor, self.update = (
            conn,
            table,
            report,
            actor,
            update,
        )
        self.book = NameBook(conn)
        self.known = {
            sku: pid for pid, sku in conn.execute(sa.select(products.c.id, products.c.sku))
        }
        self.new: list[dict] = []
        self.changes: list[tuple[int, dict]] = []
        self.seen: dict[str, int] = {}

    def _problem(self, row: int, field: str, value, reason: str) -> None:
        column = self.table.header_of(FIELD_COLUMN.get(field, field))
        self.report.problem(row, column, value, reason)

    def read(self) -> None:
        """Check every row; new products also against each other and the stored ones."""
        for number, values in self.table.rows():
            self.report.rows += 1
            raw = {c: values[i] for c, i in self.table.mapping.items()}
            self._row(number, raw)

    def _row(self, n: int, raw: dict) -> None:
        try:
            sku = parse.text(raw.get("sku"), "sku", 64, required=True)
        except ValidationError as e:
            self._problem(n, "sku", raw.get("sku"), e.problems[0].message)
            return
        sku = service.clean({"sku": sku}, partial=True)["sku"]
        if sku in self.seen:
            self._problem(n, "sku", sku, t("import.same_product", row=self.seen[sku]))
            return
        self.seen[sku] = n
        if sku in self.known:
            self._known(n, sku, raw)
        else:
            self._new(n, sku, raw)

    def _cells(self, n: int, raw: dict, fields) -> dict | None:
        """The row's cells for `fields`, parsed like the other imports parse them."""
        data, ok = {}, True
        for field in fields:
            value = raw.get(FIELD_COLUMN.get(field, field))
            try:
                if field in ("price", "unit_cost"):
                    value = parse.money(value, field, allow_none=True)
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
            except ValidationError as e:
                self._problem(n, field, value, e.problems[0].message)
                ok = False
            data[field] = value
        return data if ok else None

    def _new(self, n: int, sku: str, raw: dict) -> None:
        fields = ("name", "category", "price", "unit_cost", "aliases", "reorder_level")
        data = self._cells(n, raw, (*fields, "stock_on_hand"))
        if data is None:
            return
        missing = [f for f in ("name", "price") if parse.is_blank(data.get(f))]
        for field in missing:
            column = self.table.header_of(field)
            self.report.problem(n, column, None, t("import.new_product_needs", field=column))
        if missing:
            return
        try:
            values = service.clean({**data, "sku": sku})
        except ValidationError as e:
            for p in e.problems:
                self._problem(n, p.field, data.get(p.field), p.message)
            return
        problems = self.book.problems(values)
        for p in problems:
            self._problem(n, p.field, p.value, p.message)
        if not problems:
            self.book.add(values, ("row", n))
            self.new.append({**values, "row": n})

    def _known(self, n: int, sku: str, raw: dict) -> None:
        if not self.update:
            self.report.counts["products_present"] += 1
            return
        data = self._cells(n, raw, ("price", "unit_cost"))
        if data is None:
            return
        given = {k: v for k, v in data.items() if v is not None}
        if given:
            self.changes.append((self.known[sku], service.clean(given, partial=True)))
        else:
            self.report.counts["products_present"] += 1

    def plan(self) -> None:
        """Counts and names of what the run writes (updates only where a value changes)."""
        p = products.c
        ids = {pid for pid, _values in self.changes}
        stored = {
            r["id"]: r
            for r in self.conn.execute(sa.select(p.id, p.price, p.unit_cost)).mappings()
            if r["id"] in ids
        }
        changing = []
        for pid, values in self.changes:
            if any(stored[pid][k] != v for k, v in values.items()):
                changing.append((pid, values))
            else:
                self.report.counts["products_present"] += 1
        self.changes = changing
        self.report.counts["products_created"] = len(self.new)
        self.report.counts["products_updated"] = len(changing)
        self.report.created["products"] = [v["sku"] for v in self.new]

    def write(self, progress=None) -> None:
        """Create and update through the product service's own steps, on this transaction."""
        conn, who = self.conn, self.actor.name
        import_id = common.start_import(conn, "products", Path(self.table.path), who)
        self.report.import_id = import_id
        extra, total = {"import_id": import_id}, len(self.new) + len(self.changes)
        for k, values in enumerate(self.new, 1):
            row = {key: v for key, v in values.items() if key != "row"}
            service.insert_product(conn, row, self.actor, f"import #{import_id}", extra)
            if progress:
                progress(k, total)
        for k, (pid, values) in enumerate(self.changes, len(self.new) + 1):
            current = service.locked_row(conn, pid)
            service.save_changes(conn, current, values, self.actor, extra)
            if progress:
                progress(k, total)
        common.finish_import(conn, import_id, who, dict(self.report.counts))
        self.report.written = True
