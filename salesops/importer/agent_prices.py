"""Import a table of agent prices (代理价表): `sku` 商品编码 and one column per agent level,
headed by the level's name (一级代理, 二级代理, ...), each cell that level's own price for
the product (`salesops agents import-prices`, the Agents page).

Read like every import: .csv (UTF-8, UTF-8 with BOM, GB18030) or .xlsx, every problem
reported by row and column (an unknown SKU, a price that is not an amount, a SKU twice),
and all or nothing: with any problem nothing is written. A blank cell leaves that level's
price for the product as it is; `-` clears it (the product goes back to the level's
percentage off retail, or retail). Each changed price is audited under its level, in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ..actors import Actor, system_actor
from ..agents import levels as service
from ..errors import ValidationError
from ..messages import add, t
from ..schema import agent_level_prices, agent_levels, products
from . import parse, reading
from .products import ALIASES as PRODUCT_ALIASES
from .report import RowProblem

CLEAR = ("-", "—", "清除")
add(
    {
        "en": {
            "prices.no_levels": "{path}: no column names an agent level (levels: {levels}; "
            "found: {found})",
            "prices.unknown_sku": "no product with this SKU",
            "prices.same_sku": "the same SKU as row {row}",
            "prices.summary": "{path}: {rows} rows, levels {levels}: {changed} prices to set or "
            "clear, {same} unchanged",
            "prices.failed": "{n} problems: nothing was imported",
            "prices.written": "Imported: {changed} prices changed.",
            "prices.dry_run": "Dry run: nothing was written.",
        },
        "zh_CN": {
            "prices.no_levels": "{path}：没有以代理等级命名的列"
            "（等级：{levels}；文件中的列：{found}）",
            "prices.unknown_sku": "没有这个编码的商品",
            "prices.same_sku": "与第 {row} 行商品编码相同",
            "prices.summary": "{path}：{rows} 行，等级 {levels}：{changed} 个价格将设置或清除，"
            "{same} 个不变",
            "prices.failed": "{n} 个问题：未导入任何内容",
            "prices.written": "已导入：{changed} 个价格有变动。",
            "prices.dry_run": "试运行：未写入任何内容。",
        },
    }
)


@dataclass
class PriceImport:
    """The outcome of one price-table import (or dry run)."""

    path: Path
    levels: list[str] = field(default_factory=list)
    rows: int = 0
    changes: list[tuple[int, int, object]] = field(default_factory=list)  # level, product, price
    same: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when the file had no problems."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as lines in the page language, problems first."""
        out = [str(p) for p in self.problems]
        out.append(
            t(
                "prices.summary",
                path=self.path.name,
                rows=self.rows,
                levels=", ".join(self.levels),
                changed=len(self.changes),
                same=self.same,
            )
        )
        if self.problems:
            out.append(t("prices.failed", n=len(self.problems)))
        elif self.written:
            out.append(t("prices.written", changed=len(self.changes)))
        elif self.dry_run:
            out.append(t("prices.dry_run"))
        return out


def import_prices(db, path, *, actor: Actor | None = None, dry_run: bool = False) -> PriceImport:
    """Read a price table and (unless `dry_run`) set every price it changes, all or nothing.
    Checking needs import.dry_run; writing agents.edit."""
    actor = actor or system_actor()
    actor.require("import.dry_run" if dry_run else "agents.edit")
    with db.read() as conn:
        names = dict(conn.execute(sa.select(agent_levels.c.name, agent_levels.c.id)).all())
    aliases = {"sku": PRODUCT_ALIASES["sku"], **{name: () for name in names}}
    table = reading.open_table(path, aliases, None)
    reading.require_columns(table, ("sku",), ())
    found = [n for n in names if n in table.mapping]
    if not found:
        raise reading.ImportFileError(
            t(
                "prices.no_levels",
                path=table.path.name,
                levels=", ".join(names) or "-",
                found=", ".join(table.headers),
            )
        )
    result = PriceImport(Path(path), found, dry_run=dry_run)
    with db.read() if dry_run else db.write() as conn:
        _read(conn, table, {n: names[n] for n in found}, result)
        if not dry_run and not result.problems:
            for level, product, price in result.changes:
                service.write_price(conn, level, product, price, actor)
            result.written = True
    return result


def _read(conn, table, levels: dict[str, int], result: PriceImport) -> None:
    """Check every row; collect the prices that change."""
    skus = dict(conn.execute(sa.select(products.c.sku, products.c.id)).all())
    lp = agent_level_prices.c
    stored = {(r.level_id, r.product_id): r.price for r in conn.execute(sa.select(lp))}
    seen: dict[str, int] = {}
    for number, values in table.rows():
        result.rows += 1
        raw_sku = values[table.mapping["sku"]]
        sku = str(raw_sku).strip() if raw_sku is not None else ""
        if sku not in skus:
            why = t("prices.unknown_sku") if sku else t("error.required", field="sku")
            result.problems.append(RowProblem(number, table.header_of("sku"), raw_sku, why))
            continue
        if sku in seen:
            why = t("prices.same_sku", row=seen[sku])
            result.problems.append(RowProblem(number, table.header_of("sku"), sku, why))
            continue
        seen[sku] = number
        for name, level in levels.items():
            cell = values[table.mapping[name]]
            if parse.is_blank(cell):
                continue
            try:
                price = None if str(cell).strip() in CLEAR else parse.money(cell, name)
            except ValidationError as e:
                result.problems.append(
                    RowProblem(number, table.header_of(name), cell, e.problems[0].message)
                )
                continue
            if stored.get((level, skus[sku])) == price:
                result.same += 1
            else:
                result.changes.append((level, skus[sku], price))
