"""Mainland China's divisions (省 / 市 / 区县), bundled, for address forms and the parser.

The table `salesops/data/divisions.csv` (source, version and license in its header and in
`salesops/data/README.md`) holds 31 provinces (省, 自治区, 直辖市), their prefecture-level
cities (市, 自治州, 地区, 盟) and county-level districts (区, 县, 县级市, 旗), each with its
six-digit GB/T 2260 code. 香港, 澳门 and 台湾 are not in it: addresses there are free text.

How the levels read, as the forms offer them (province -> city -> district):

- a municipality (北京市, 天津市, 上海市, 重庆市) has one city of the same name (code XX0100)
  holding all its districts and counties: `cities("北京市") == ["北京市"]`;
- a county-level city governed by its province directly (湖北 仙桃市, 河南 济源市, the
  county-level units of 海南 and 新疆) is a city with no districts, as are 东莞, 中山, 儋州
  and 嘉峪关, which have none.

Names may be given in full (浙江省) or short (浙江, 广西, 内蒙古, 延边 or 延边州 for
延边朝鲜族自治州); lists always give full names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("province", "city", "district")
# Ethnic groups named in autonomous divisions, stripped for the short name (with or without 族).
ETHNIC = re.compile(
    "(蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|"
    "拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|"
    "塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|"
    "基诺|各)族?$"
)
SUFFIXES = ("自治区", "自治州", "自治县", "自治旗", "特别行政区", "地区", "省", "市", "盟")


@dataclass(frozen=True)
class Division:
    """One province, city or district: GB/T 2260 code, full and short name, level, parent."""

    code: str
    name: str
    short: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class _Table:
    by_code: dict[str, Division]
    children: dict[str, tuple[Division, ...]]


def data_file():
    """The bundled table, found through importlib.resources (works from an installed wheel)."""
    return resources.files("salesops") / "data" / "divisions.csv"


@cache
def _table() -> _Table:
    """Read the bundled table once."""
    with data_file().open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    parents = {r["code"]: r["parent"] or None for r in rows}
    by_code, children = {}, {}
    for r in rows:
        depth = 0 if not r["parent"] else 1 if not parents[r["parent"]] else 2
        parent = r["parent"] or None
        d = Division(r["code"], r["name"], short_name(r["name"]), LEVELS[depth], parent)
        by_code[d.code] = d
        children.setdefault(d.parent, []).append(d)
    return _Table(by_code, {k: tuple(v) for k, v in children.items()})


def short_name(name: str) -> str:
    """The name people shorten a division to: 浙江省 -> 浙江, 广西壮族自治区 -> 广西."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            while suffix.startswith("自治") and (m := ETHNIC.search(short)) and m.start() >= 2:
                short = short[: m.start()]
            # 东乡族自治县 -> 东乡: the whole stem is the group's name
            return short[:-1] if short.endswith("族") and len(short) > 2 else short
    return name


def aliases(division: Division) -> dict[str, bool]:
    """Every way people write `division`, each marked True for a full name, False for a short."""
    names = {division.name: True}
    if division.short != division.name and division.level != "district":
        names[division.short] = False
    if division.name.endswith("自治州"):
        names[division.short + "州"] = False  # 延边州, 恩施州
    for kind in ("县", "旗"):
        if division.name.endswith("自治" + kind):
            names[division.short + kind] = False  # 长阳县, 鄂伦春旗
    return names


def by_code(code: str) -> Division | None:
    """The division with GB/T 2260 code `code` ('330106' -> 西湖区), or None."""
    return _table().by_code.get(str(code).strip())


def children(division: Division | None) -> tuple[Division, ...]:
    """The divisions directly under `division` (None: the provinces), in code order."""
    return _table().children.get(division.code if division else None, ())


def provinces() -> list[str]:
    """The full names of the 31 mainland provinces, in code order, for a dropdown."""
    return [p.name for p in children(None)]


def cities(province: str) -> list[str]:
    """The cities of `province` (full or short name); [] when it is not a province."""
    found = lookup(province)
    return [c.name for c in children(found)] if found else []


def districts(province: str, city: str) -> list[str]:
    """The districts of `city` in `province`; [] when the pair is unknown or has none."""
    found = lookup(province, city) if city else None
    return [d.name for d in children(found)] if found and found.level == "city" else []


def lookup(province: str = "", city: str = "", district: str = "") -> Division | None:
    """The most specific division these names give, checked top-down, or None if any is unknown.

    Full or short names; a blank city with a district looks the district up in the whole
    province (None if its name is there twice).
    """
    found = _one(children(None), province)
    if found and city:
        found = _one(children(found), city)
    if found and district:
        pool = children(found) if city else [d for c in children(found) for d in children(c)]
        found = _one(pool, district)
    return found


def _one(pool, name: str) -> Division | None:
    """The single division in `pool` that `name` names (full or short), else None."""
    name = (name or "").strip()
    hits = [d for d in pool if name and name in aliases(d)]
    return hits[0] if len(hits) == 1 else None


def chain(division: Division) -> tuple[Division, ...]:
    """`division` and its parents, province first."""
    out = [division]
    while out[0].parent:
        out.insert(0, _table().by_code[out[0].parent])
    return tuple(out)


@cache
def alias_index() -> dict[str, tuple[tuple[Division, bool], ...]]:
    """Every name people write -> the divisions it may mean (with True for a full name)."""
    index: dict[str, list[tuple[Division, bool]]] = {}
    for d in _table().by_code.values():
        for name, full in aliases(d).items():
            index.setdefault(name, []).append((d, full))
    return {k: tuple(v) for k, v in index.items()}


@cache
def _longest() -> int:
    """The length of the longest name (双江拉祜族佤族布朗族傣族自治县: 15)."""
    return max(map(len, alias_index()))


def names_at(text: str, i: int):
    """(division, end, is_full_name) for every division name starting at text[i], longest first."""
    index = alias_index()
    for n in range(min(_longest(), len(text) - i), 1, -1):
        for d, full in index.get(text[i : i + n], ()):
            yield d, i + n, full
