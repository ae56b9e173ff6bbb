"""The address parser's tables: how a line of them is written (`case`) and checked
(`assert_read`), and the fields most lines share. The tables are in
tests/test_addresses.py (the everyday shapes) and tests/test_address_divisions.py
(short names, regions and municipalities, abroad, what cannot be placed)."""

from __future__ import annotations

import pytest

from salesops.addresses import parse_address

ZJ = {"province": "浙江省", "city": "杭州市", "district": "西湖区", "code": "330106"}
WENSAN = {**ZJ, "recipient": "张三", "mobile": "13800138000", "detail": "文三路90号"}
FIELDS = ("recipient", "mobile", "landline", "province", "city", "district", "detail")


def case(text, expected, problems=(), unplaced=(), id=None):
    """One line of the table: the text, the fields expected ('' elsewhere), the problem fields."""
    return pytest.param(text, expected, list(problems), list(unplaced), id=id)


def assert_read(text, expected, problems, unplaced) -> None:
    """`text` parses into the `expected` fields, with problems on exactly the fields
    `problems` and the pieces `unplaced` left over."""
    got = parse_address(text)
    want = {f: expected.get(f, "") for f in FIELDS + ("postcode", "code")}
    assert {f: getattr(got, f) for f in want} == want
    assert [p.field for p in got.problems] == problems, [p.message for p in got.problems]
    assert got.unplaced == unplaced
