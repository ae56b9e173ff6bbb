"""The first rows of an import file and how its headers map onto salesops' columns.

`preview_file(path, kind)` is what the import page shows before anything is checked:
which of the file's headers means which field, the headers nothing uses, the encoding,
the first rows, and (when the file lacks one) the missing-column message the import
itself would give. A file that cannot be read at all raises ImportFileError, as the
import does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from . import reading
from .customers import ALIASES as CUSTOMER_ALIASES
from .orders import ALIASES as ORDER_ALIASES
from .orders import ONE_OF as ORDER_ONE_OF
from .orders import REQUIRED as ORDER_REQUIRED

PREVIEW_ROWS = 5
KINDS = {
    "orders": (ORDER_ALIASES, ORDER_REQUIRED, ORDER_ONE_OF),
    "customers": (CUSTOMER_ALIASES, ("name",), (("customer_ref", "mobile", "wechat_id"),)),
}


@dataclass
class Preview:
    """An import file's headers (each with the field it maps to, or None) and first rows."""

    kind: str
    file_name: str
    encoding: str
    headers: list[str]
    fields: list[str | None]
    rows: list[tuple[int, list]] = field(default_factory=list)
    missing: str = ""  # the import's message for a missing required column, if any

    @property
    def unmapped(self) -> list[str]:
        """Headers the import will not read."""
        return [h for h, f in zip(self.headers, self.fields, strict=True) if f is None and h]


def preview_file(
    path, kind: str, limit: int = PREVIEW_ROWS, mapping: dict | None = None
) -> Preview:
    """The mapping and first `limit` data rows of an orders or customers file."""
    aliases, required, one_of = KINDS[kind]
    table = reading.open_table(path, aliases, mapping)
    by_position = {i: column for column, i in table.mapping.items()}
    fields = [by_position.get(i) for i in range(len(table.headers))]
    try:
        reading.require_columns(table, required, one_of)
        missing = ""
    except reading.ImportFileError as e:
        missing = str(e)
    rows = table.rows()
    try:
        first = [(n, values[: len(table.headers)]) for n, values in islice(rows, limit)]
    finally:
        rows.close()  # the generator holds the file open
    return Preview(
        kind, table.path.name, table.encoding or "xlsx", table.headers, fields, first, missing
    )
