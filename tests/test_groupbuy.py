"""Reading group-buy lists (接龙): the corpus in tests/data/jielong, and the rules one by one.

Each `*.txt` there is a list as sellers paste it; the `.json` beside it is its expected
reading in the shape `salesops import group-buy --json` prints (customer null: buyers
are matched to customers by the integrator). `catalog.json` is the shop's products.
"""

import json
from pathlib import Path

import pytest

from salesops.groupbuy import read_list

CORPUS = Path(__file__).parent / "data" / "jielong"
LISTS = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def catalog():
    """The corpus's products (fruit, snacks, groceries; an ambiguous pair, one discontinued)."""
    return json.loads((CORPUS / "catalog.json").read_text(encoding="utf-8"))


def read(text, catalog):
    """The reading of `text` as the issue's JSON shape, messages in Chinese."""
    return json.loads(read_list(text, catalog).to_json(lang="zh_CN"))


@pytest.mark.parametrize("path", LISTS, ids=[p.stem for p in LISTS])
def test_every_list_in_the_corpus_reads_as_expected(path, catalog):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    got = read(path.read_text(encoding="utf-8"), catalog)
    assert got["ignored_lines"] == expected["ignored_lines"]
    assert got["problems"] == expected["problems"]
    assert len(got["orders"]) == len(expected["orders"])
    for got_order, expected_order in zip(got["orders"], expected["orders"], strict=True):
        assert got_order == expected_order


def test_the_corpus_holds_at_least_sixty_entries_each_list_with_its_expectation(catalog):
    expectations = [json.loads(p.with_suffix(".json").read_text("utf-8")) for p in LISTS]
    assert sum(len(e["orders"]) for e in expectations) >= 60
    assert (CORPUS / "issue_example.txt").exists()
