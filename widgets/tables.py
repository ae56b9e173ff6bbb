"""HTML tables for the Products and Shop settings pages: every cell escaped; on a wide
screen a table, on a phone one card per row with each value beside its column's name
(`data-label`; the pages' stylesheet, salesops/web/voila_config/static/salesops.css,
does it), so nothing hides off the side of the screen; inputs never wider than the
screen. A long list is shown a page at a time (`RowPager`): PAGE_ROWS rows, and a button
under the table for the next ones, so a phone does not scroll through metres of cards."""

from __future__ import annotations

from html import escape

import ipywidgets as ipw

from salesops import messages

from .common import hook, label

PAGE_ROWS = 20  # rows a long list shows at first, and how many more each press adds

messages.add(
    {
        "en": {"rows.more": "Show {n} more ({left} not shown)"},
        "zh_CN": {"rows.more": "再显示 {n} 条（还有 {left} 条未显示）"},
    }
)

CSS = """
<style>
.so-scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
.so-scroll .so-table td, .so-scroll .so-table th { white-space: nowrap; text-align: left; }
.so-scroll .so-table td.so-num, .so-scroll .so-table th.so-num { text-align: right; }
.so-muted { color: #888; font-size: 12px; }
.so-low { color: #b71c1c; font-weight: 600; }
.so-archived td { color: #999; }
.so-fit { max-width: 100%; }
.so-subhead { font-weight: 600; margin: 10px 0 2px 0; }
</style>
"""


def style() -> ipw.HTML:
    """The CSS above as an invisible widget; put it once among a page's children."""
    return ipw.HTML(CSS, layout=ipw.Layout(display="none"))


def table(
    headers: list[tuple[str, str]], rows: list[tuple[str, list[str]]], cls: str, empty: str
) -> str:
    """An HTML table (cards on a phone). `headers` are (text, css class) pairs; `rows` are
    (row css class, cells), cells HTML made by `cell`; `empty` shows when there are none."""
    if not rows:
        return f"<p class='so-empty'>{escape(empty)}</p>"
    head = "".join(f"<th class='{c}'>{escape(t)}</th>" for t, c in headers)
    body = "".join(
        f"<tr class='{row_css}'>"
        + "".join(
            f"<td class='{c}' data-label='{escape(t, quote=True)}'>{v}</td>"
            for v, (t, c) in zip(cells, headers, strict=True)
        )
        + "</tr>"
        for row_css, cells in rows
    )
    return (
        f"<div class='so-scroll'><table class='so-table so-cards {cls}'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def cell(value, note: str = "", css: str = "") -> str:
    """One cell's HTML: the value escaped ('—' for nothing), an optional grey note under
    it, all in one span (a card lays it out beside the column's name)."""
    text = "—" if value is None or value == "" else str(value)
    out = f"<span class='{css}'>{escape(text)}</span>" if css else escape(text)
    note_html = f"<br><span class='so-muted'>{escape(note)}</span>" if note else ""
    return f"<span class='so-v'>{out}{note_html}</span>"


def subhead(text: str) -> ipw.HTML:
    """A small heading inside a section ("Add a channel", "Change an account")."""
    return ipw.HTML(f"<div class='so-subhead'>{escape(text)}</div>")


def fit(widget: ipw.DOMWidget, width: str = "420px") -> ipw.DOMWidget:
    """Let an input be `width` wide but never wider than the screen (less its margins)."""
    widget.layout.width = "calc(100% - 4px)"
    widget.layout.max_width = width
    widget.add_class("so-fit")
    return widget


def fit_errors(errors) -> None:
    """The error lines of a FieldErrors no wider than the screen either (they are 420 px,
    which makes each field's column, and so its input, wider than a phone)."""
    for line in errors.labels.values():
        fit(line)


class RowPager:
    """Shows a table in `target` (an HTML widget) PAGE_ROWS rows at a time; `more` (hook
    so-<form>-more, put it under the table) shows the next PAGE_ROWS and hides itself when
    every row is shown. `show` takes what `table` takes (plus HTML to put before it) and
    starts again at the first page; `keep=True` keeps as many rows shown as before (a
    refresh after a save)."""

    def __init__(self, target: ipw.HTML, form: str, step: int = PAGE_ROWS):
        self.target, self.step, self.shown = target, step, step
        box = ipw.Layout(display="none", width="auto", align_self="flex-start")
        self.more = hook(ipw.Button(layout=box), form, "more")
        self.more.on_click(self._on_more)
        self._table: tuple = ((), [], "", "")
        self._before = ""

    def show(self, headers, rows, cls: str, empty: str, before: str = "", keep=False) -> None:
        """Put the first rows of the table in `target` (see the class docstring)."""
        self._table, self._before = (headers, list(rows), cls, empty), before
        self.shown = max(self.shown, self.step) if keep else self.step
        self._render()

    def _on_more(self, _button=None) -> None:
        """Show the next page of rows under those shown."""
        self.shown += self.step
        self._render()

    def _render(self) -> None:
        """The table with its first `shown` rows, and the button when some are left."""
        headers, rows, cls, empty = self._table
        shown = table(headers, rows[: self.shown], cls, empty) if rows or empty else ""
        self.target.value = self._before + shown
        left = len(rows) - self.shown
        self.more.description = label("rows.more", n=min(left, self.step), left=left)
        self.more.layout.display = "" if left > 0 else "none"
