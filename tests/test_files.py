"""Files we write: 0600 through a .partial that never outlives a failure, folders 0700,
and cells a spreadsheet cannot take for formulas."""

from __future__ import annotations

import csv
import stat

import pytest

from salesops import files


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_is_private_whole_and_its_new_folders_owner_only(tmp_path):
    target = tmp_path / "new" / "deeper" / "out.csv"
    assert files.write_csv(target, ["a", "b"], [["1", "2"]]) == 1
    assert mode(target) == 0o600
    assert mode(tmp_path / "new") == 0o700 and mode(tmp_path / "new" / "deeper") == 0o700
    assert not files.partial_path(target).exists()
    tmp_path.joinpath("open").mkdir(mode=0o755)
    files.private_dir(tmp_path / "open")  # a folder that exists is left as it is
    assert mode(tmp_path / "open") == 0o755


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with files.private_file(target, "w") as f:
            f.write("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old" and not files.partial_path(target).exists()


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_cells_that_look_like_formulas_stay_text(tmp_path, cell):
    target = tmp_path / "out.csv"
    files.write_csv(target, ["value"], [[cell], ["plain"], [None], [12]])
    with open(target, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["value"], ["'" + cell], ["plain"], [""], ["12"]]
