"""Files salesops writes that may hold personal data: private, whole or absent, and safe
to open in a spreadsheet.

- `private_file(target)`: write `target` through `target.partial`, created 0600 (owner
  only), moved into place when the block ends and removed when it fails, so no reader
  ever sees half a file and no failed run leaves one behind; with `overwrite=False` an
  existing `target` is never replaced (FileExistsError), even one made meanwhile.
- `private_dir(path)`: a folder we create is 0700; one that exists is left as it is.
- `formula_safe(value)`: a cell that a spreadsheet would read as a formula (`= + - @`,
  tab, carriage return first) gets a leading `'`, so `=HYPERLINK(...)` stays text.
- `write_csv(target, header, rows)`: CSV in UTF-8 with BOM (Excel opens it right), every
  cell formula-safe, through `private_file`.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

RISKY = ("=", "+", "-", "@", "\t", "\r")
FILE_MODE = 0o600
DIR_MODE = 0o700


def formula_safe(value) -> str:
    """`value` as text that no spreadsheet takes for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(RISKY) else text


def private_dir(path: str | Path) -> Path:
    """Make folder `path` (and its parents) if missing, the ones made 0700."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask
    return path


def partial_path(target: str | Path) -> Path:
    """Where `target` is written before it is complete."""
    target = Path(target)
    return target.with_name(target.name + ".partial")


@contextmanager
def private_file(
    target: str | Path, mode: str = "wb", *, overwrite: bool = True, **open_args
) -> Iterator:
    """An open file that becomes `target` (0600) when the block ends without an error;
    on an error the partial file is removed and `target` is left as it was. Without
    `overwrite`, FileExistsError when `target` exists by then (it is left as it was)."""
    target = Path(target)
    private_dir(target.parent)
    partial = partial_path(target)
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with open(fd, mode, **open_args) as f:
            yield f
        if overwrite:
            os.replace(partial, target)
        else:  # a hard link is made only where nothing is: no window to replace a file
            os.link(partial, target)
            partial.unlink()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def restrict(path: str | Path) -> Path:
    """Make an existing file owner-only (a file another program created for us)."""
    os.chmod(path, FILE_MODE)
    return Path(path)


def write_csv(target: str | Path, header: Iterable, rows: Iterable[Iterable]) -> int:
    """Write a formula-safe, private CSV file; returns the number of rows written."""
    count = 0
    with private_file(target, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([formula_safe(v) for v in header])
        for row in rows:
            out.writerow([formula_safe(v) for v in row])
            count += 1
    return count
