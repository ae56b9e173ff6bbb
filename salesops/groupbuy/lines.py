"""Which lines of a pasted list are its header, its entries, and what is left aside.

A numbered list's entries start at the first numbered line that is not a priced menu
line or the example (例); every later numbered line is an entry, and an unnumbered line
right under an entry continues it. A list without numbers starts at the first line that
names a product or a mobile and is not a header line (a `#` tag, a price, a notice
word such as 接龙 or 截单); from there every line with text is an entry of its own.
Blank lines, separators, the example and notices are ignored wherever they are; an
ignored line that still looks like an order is reported (salesops.groupbuy.reading).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .text import entry_number, normalise, prices

EXAMPLE = re.compile(r"\s*(?:例|示例|举例|范例|参考格式|格式|模板|e\.?g\.?\b)", re.IGNORECASE)
NOTICE = re.compile(
    r"截单|截止|截团|结单|结束|停止|已满|满员|售罄|接龙|团购|开团|拼团|以上|以下|统计|汇总|合计|共计"
)
LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Line:
    """One line of the list: its 1-based number, the text as written and normalised."""

    number: int
    text: str
    norm: str
    entry: tuple[int, int] | None = None  # (entry number, where its text starts)

    @property
    def body_start(self) -> int:
        """Where the entry's own text starts (after its number, if any)."""
        return self.entry[1] if self.entry else 0


@dataclass
class Group:
    """The lines of one entry: its number and first line, then any continuation lines."""

    number: int
    lines: list[Line]


@dataclass
class Layout:
    """The list cut into header lines, entry groups and lines left aside."""

    header: list[Line] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    ignored: list[Line] = field(default_factory=list)


def split(text: str) -> list[Line]:
    """The lines of `text` (any line ending), numbered from 1, without a final empty one."""
    parts = LINE_BREAK.split(text)
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    return [_line(i, part) for i, part in enumerate(parts, start=1)]


def _line(number: int, text: str) -> Line:
    """A Line with its normalised form and entry number."""
    norm = normalise(text)
    return Line(number, text, norm, entry_number(norm))


def is_blank(line: Line) -> bool:
    """Nothing but spaces."""
    return not line.norm.strip()


def is_separator(line: Line) -> bool:
    """Only punctuation, symbols or emoji: '------', '～～～', '🍓🍓🍓'."""
    return all(unicodedata.category(c)[0] not in "LN" for c in line.norm)


def is_example(line: Line) -> bool:
    """The seller's example entry: '例 张三 草莓2盒', '格式：昵称+商品+数量'."""
    return bool(EXAMPLE.match(line.norm))


def is_notice(line: Line) -> bool:
    """A tag or a notice: '#接龙', '【群接龙】', '已截单', '以上接龙截止'."""
    text = line.norm.strip()
    return text.startswith(("#", "【")) or bool(NOTICE.search(text))


def is_header_like(line: Line) -> bool:
    """A tag, a notice or a posted price: header words, not an order."""
    return is_notice(line) or bool(prices(line.norm))


def has_entry_text(line: Line) -> bool:
    """A numbered line with something after its number."""
    return line.entry is not None and bool(line.norm[line.body_start :].strip())


def layout(lines: list[Line], names_something) -> Layout:
    """Cut `lines` into header, entries and ignored lines (`names_something(line)`: does
    the line name a product or a mobile)."""
    numbered = any(_starts_numbered(line) for line in lines)
    if numbered:
        return _numbered(lines)
    return _unnumbered(lines, names_something)


def _starts_numbered(line: Line) -> bool:
    """A numbered line that could be the first entry (not a priced menu line, not 例)."""
    return has_entry_text(line) and not is_example(line) and not prices(line.norm)


def is_aside(line: Line) -> bool:
    """Blank, separator or example: ignored wherever it is."""
    return is_blank(line) or is_separator(line) or is_example(line)


def _numbered(lines: list[Line]) -> Layout:
    """Layout of a numbered list; unnumbered lines right under an entry continue it."""
    result, joinable = Layout(), False
    for line in lines:
        if not result.groups and not _starts_numbered(line):
            result.header.append(line)
        elif has_entry_text(line) and not is_example(line):
            result.groups.append(Group(line.entry[0], [line]))
            joinable = True
        elif joinable and not is_aside(line) and not is_notice(line) and not line.entry:
            result.groups[-1].lines.append(line)
        else:
            result.ignored.append(line)
            joinable = False
    return result


def _unnumbered(lines: list[Line], names_something) -> Layout:
    """Layout of a list without numbers: one entry per line after the header."""
    result = Layout()
    for line in lines:
        if not result.groups and (is_aside(line) or is_header_like(line)):
            result.header.append(line)
        elif not result.groups and not names_something(line):
            result.header.append(line)
        elif is_aside(line) or is_notice(line):
            result.ignored.append(line)
        else:
            result.groups.append(Group(len(result.groups) + 1, [line]))
    return result
