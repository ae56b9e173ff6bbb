"""Reading the text of one entry line: items, mobiles, the buyer and the note.

Order of work: mobiles first (their digits are never a quantity), then product names
(longest first), then each name's quantity (after it: `草莓2盒`, `草莓 x2`, `草莓+1`;
before it, with a unit: `2盒草莓`), then words that look like items but name no product
(`榴莲2盒`). What is left before the first item is the buyer, except building numbers and
pickup words, which join the rest of the leftover text in the note.

The first word of a line is the buyer's name when nothing in it has a quantity and more
text follows, so `小橙子 橙子2斤` is one item for 小橙子, not two.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

from .catalog import Catalog, Match
from .text import (
    CN,
    UNIT,
    Mobile,
    Quantity,
    fold,
    mobiles,
    normalise,
    number,
    quantity_after,
    quantity_before,
)

SEPARATORS = " \t,，、;；:：+&/|~-—…。.!！?？()（）[]【】\"'“”‘’@"
TOKEN = re.compile(r"[^\s,，、;；:：]+")
CONNECTOR = re.compile(r"(?:和|加|还有|另|再|及|跟|以及|还要|外加)")
FILLER = re.compile(r"我要|想要|要|订|买|来")  # '李梅 要 草莓2': not part of the name
# Words that come before a quantity without naming a product: '约500g', '还剩2盒', '共3件'.
NOT_A_PRODUCT = re.compile(
    r"^(?:约|大约|共|一共|共计|合计|总共|总计|还剩|剩|剩下|还要|再要|再来|要|另|加|和|每)+"
)
WANTS = re.compile(r"(?:我要|想要|要)$")  # '李梅要草莓2'
CANCEL = re.compile(r"取消|不要了|不要啦|退出|退团")
NOTE_WORD = re.compile(r"自提|提货|送货|送到|配送|门口|备注|不要|帮|代|放|取消|退出|退团")
ADDRESS = re.compile(r"\d\s*(?:号|楼|栋|幢|单元|室|层|座|期|区|#)|\d+\s*-\s*\d+|[A-Za-z]\d+栋")
UNKNOWN_AFTER = re.compile(
    rf"(?P<word>[^\W\d_]{{1,12}}?)\s*(?P<mark>[xX×✕✖*+]\s*)?(?P<num>\d+|{CN}+|半)\s*(?P<unit>{UNIT})?"
)
UNKNOWN_BEFORE = re.compile(
    rf"(?<![\d.])(?P<num>\d+|{CN}+|半)\s*(?P<unit>{UNIT})(?P<word>[^\W\d_]{{1,12}})"
)
NOT_AFTER_NUMBER = re.compile(
    r"\s*(?:号|楼|栋|幢|单元|室|层|座|期|区|点|时|月|日|年|岁|元|块钱|折|%|#|[-/:.]\d)"
)


@dataclass
class Found:
    """A product name (or an unknown item word) with the quantity written beside it."""

    start: int
    end: int
    match: Match | None  # None: a word that looks like an item but is no product
    before: Quantity | None = None
    after: Quantity | None = None

    @property
    def span(self) -> tuple[int, int]:
        """Where the item and its quantity are written."""
        start = self.before.start if self.before else self.start
        return start, self.after.end if self.after else self.end


@dataclass
class Piece:
    """What one line of an entry says (`text`: the line's entry text as written)."""

    text: str
    found: list[Found] = field(default_factory=list)
    mobiles: list[Mobile] = field(default_factory=list)
    buyer: str = ""
    notes: list[str] = field(default_factory=list)
    cancel: str | None = None


def read_line(text: str, catalog: Catalog, first: bool) -> Piece:
    """Read an entry's text (without its number); `first`: its first line, with a buyer."""
    norm = normalise(text)
    found_mobiles = mobiles(norm)
    blocked = [(m.start, m.end) for m in found_mobiles]
    matches = catalog.find(fold(text), blocked)
    if first:
        matches = _without_buyer_name(norm, matches, blocked)
    found = _quantified(norm, [Found(m.start, m.end, m) for m in matches], blocked)
    found = sorted(found + _unknown(norm, found, blocked, first), key=lambda f: f.start)
    piece = Piece(text, found, found_mobiles, cancel=_cancel(norm))
    _buyer_and_notes(piece, text, norm, first)
    return piece


def _room(found: list[Found], blocked, length: int) -> list[tuple[int, int]]:
    """For each name, the stretch its quantity may use: from the end of the item or mobile
    before it to the start of the one after it (names and mobiles never overlap)."""
    spans = sorted([(f.start, f.end) for f in found] + list(blocked))
    ends = [0] + [e for _, e in spans]
    starts = [s for s, _ in spans] + [length]
    return [
        (ends[bisect_right(ends, f.start) - 1], starts[bisect_left(starts, f.end)]) for f in found
    ]


def _quantified(norm: str, found: list[Found], blocked) -> list[Found]:
    """Give each product name the quantity after or before it; a quantity between two
    names goes to the one whose style it fits (`2盒草莓 3盒车厘子`, `草莓2盒车厘子1斤`)."""
    for f, (lo, hi) in zip(found, _room(found, blocked, len(norm)), strict=True):
        f.after = quantity_after(norm, f.end, hi)
        f.before = quantity_before(norm, lo, f.start)
    for a, b in zip(found, found[1:], strict=False):
        if a.after and b.before and a.after.end > b.before.start:
            if a.before and not b.after:
                a.after = None
            else:
                b.before = None
    _share_each(found)
    return found


def _share_each(found: list[Found]) -> None:
    """`草莓、车厘子各2`: the quantity after the last name is also every earlier name's."""
    for i, f in enumerate(found):
        for g in reversed(found[:i] if f.after and f.after.each else []):
            if g.before or g.after:
                break
            g.after = replace(f.after, start=g.end, end=g.end)


def _first_token(norm: str) -> tuple[int, int] | None:
    """The span of the line's first word (up to a space or a comma)."""
    m = TOKEN.search(norm)
    return (m.start(), m.end()) if m else None


def _without_buyer_name(norm: str, matches: list[Match], blocked) -> list[Match]:
    """Drop product names inside the first word when that word is the buyer's name."""
    token = _first_token(norm)
    if not token or not norm[token[1] :].strip(SEPARATORS):
        return matches
    inside = [m for m in matches if m.start < token[1]]
    if not inside or (len(inside) == 1 and (inside[0].start, inside[0].end) == token):
        return matches
    found = _quantified(norm, [Found(m.start, m.end, m) for m in matches], blocked)
    if any(f.before or f.after for f in found if f.start < token[1]):
        return matches
    return [m for m in matches if m.start >= token[1]]


def _free(norm: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `norm` outside `spans`."""
    free, pos = [], 0
    for start, end in sorted(spans):
        if start > pos:
            free.append((pos, start))
        pos = max(pos, end)
    return free + ([(pos, len(norm))] if pos < len(norm) else [])


def _unknown(norm: str, found: list[Found], blocked, first: bool) -> list[Found]:
    """Words written like items (`榴莲2盒`, `2盒榴莲`, `榴莲×2`) that name no product.
    A bare number (`榴莲2`) counts only after the first item, or after the buyer's
    name when there is no item (a nickname may end in digits)."""
    taken = [f.span for f in found] + list(blocked)
    token = _first_token(norm) if first else None
    bare_from = min(f.span[0] for f in found) if found else (token[1] if token else 0)
    unknown = []
    for start, end in _free(norm, taken):
        unknown += _unknown_in(norm, start, end, bare_from)
    return unknown


def _unknown_in(norm: str, start: int, end: int, bare_from: int) -> list[Found]:
    """Unknown item words between `start` and `end`: `榴莲2盒` first, then `2盒榴莲`."""
    found = list(_unknown_after(norm, start, end, bare_from))
    starts = [f.span[0] for f in found]
    for f in _unknown_before(norm, start, end):
        i = bisect_left(starts, f.span[1]) - 1  # the last one starting before f ends
        if i < 0 or found[i].span[1] <= f.span[0]:
            found.append(f)
    return found


def _unknown_after(norm: str, start: int, end: int, bare_from: int):
    """Words followed by a quantity: `榴莲2盒`, `榴莲×2`, and `榴莲2` from `bare_from`."""
    for m in UNKNOWN_AFTER.finditer(norm, start, end):
        value = number(m.group("num"))
        bare = not m.group("mark") and not m.group("unit")
        if value is None or (bare and not _bare_quantity(norm, m, end, bare_from)):
            continue
        word_start = m.start() + _filler_length(m.group("word"))
        if word_start < m.end("word") and not _names_what_follows(norm, m, end):
            q = Quantity(value, m.group("unit"), m.end("word"), m.end())
            yield Found(word_start, m.end("word"), None, after=q)


def _filler_length(word: str) -> int:
    """How much of `word` is words like 约, 还剩, 共 that name no product."""
    m = NOT_A_PRODUCT.match(word)
    return m.end() if m else 0


def _unknown_before(norm: str, start: int, end: int):
    """Words after a quantity with a unit: `2盒榴莲`."""
    for m in UNKNOWN_BEFORE.finditer(norm, start, end):
        value = number(m.group("num"))
        if value is not None:
            q = Quantity(value, m.group("unit"), m.start(), m.start("word"))
            yield Found(m.start("word"), m.end(), None, before=q)


def _names_what_follows(norm: str, m: re.Match, end: int) -> bool:
    """`李梅 2盒榴莲`: a spaced quantity with a word right after its unit is that word's."""
    spaced = norm[m.end("word")].isspace()
    follower = norm[m.end() : end][:1]
    return spaced and bool(m.group("unit")) and follower.isalpha()


def _bare_quantity(norm: str, m: re.Match, end: int, bare_from: int) -> bool:
    """A bare number after a word is a quantity from `bare_from` on, when it is short,
    Arabic and not a building, a time or money (`榴莲2`, not `3号楼`)."""
    num = m.group("num")
    if m.start() < bare_from or not num.isdigit() or len(num) > 2:
        return False
    return not NOT_AFTER_NUMBER.match(norm, m.end("num"), end)


def _cancel(norm: str) -> str | None:
    """A word saying the buyer withdraws: 取消, 不要了."""
    m = CANCEL.search(norm)
    return m.group() if m else None


def _buyer_and_notes(piece: Piece, text: str, norm: str, first: bool) -> None:
    """The buyer (leftover before the first item) and the note (all other leftover)."""
    taken = [f.span for f in piece.found] + [(m.start, m.end) for m in piece.mobiles]
    first_item = min((f.span[0] for f in piece.found), default=len(norm))
    buyer = []
    for start, end in _free(norm, taken):
        if first and start < first_item:
            buyer += _split_buyer(text, norm, start, min(end, first_item), piece.notes)
            start = min(end, first_item)
        _note(piece.notes, text, norm, start, end)
    piece.buyer = " ".join(buyer)


def _split_buyer(text: str, norm: str, start: int, end: int, notes: list[str]) -> list[str]:
    """The words of the buyer between `start` and `end`; building numbers and pickup words
    go to `notes`, and a '要' right before the items is dropped."""
    words = []
    for m in TOKEN.finditer(norm, start, end):
        if ADDRESS.search(m.group()) or NOTE_WORD.search(m.group()):
            _note(notes, text, norm, m.start(), m.end())
        elif word := _stripped(text, norm, m.start(), m.end()):
            words.append(word)
    words = [w for w in words if not FILLER.fullmatch(w)]
    if words and (wants := WANTS.search(words[-1])) and wants.start() > 0:
        words[-1] = words[-1][: wants.start()]
    return words


def _stripped(text: str, norm: str, start: int, end: int) -> str:
    """text[start:end] as written, without the separators around it."""
    while start < end and norm[start] in SEPARATORS:
        start += 1
    while end > start and norm[end - 1] in SEPARATORS:
        end -= 1
    return text[start:end]


def _note(notes: list[str], text: str, norm: str, start: int, end: int) -> None:
    """Add a leftover fragment to the note unless it is only separators or a connector."""
    fragment = _stripped(text, norm, start, end)
    if fragment and not CONNECTOR.fullmatch(normalise(fragment)):
        notes.append(fragment)
