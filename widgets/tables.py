"""HTML tables for the Products and Shop settings pages, and the CSS that fits them and
their forms on a phone: every cell escaped, the table in a box that scrolls sideways on
a narrow screen instead of squeezing its columns, inputs no wider than the screen."""

from __future__ import annotations

from html import escape

import ipywidgets as ipw

CSS = """
<style>
.so-scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
.so-scroll .so-table td, .so-scroll .so-table th { white-space: nowrap; text-align: left; }
.so-scroll .so-table td.so-num, .so-scroll .so-table th.so-num { text-align: right; }
.so-muted { color: #888; font-size: 12px; }
.so-low { color: #b71c1c; font-weight: 600; }
.so-archived td { color: #999; }
.so-fit { max-width: 100%; }
.so-fit .widget-text, .so-fit .widget-dropdown, .so-fit .widget-combobox,
.so-fit .widget-password, .so-fit .widget-textarea { max-width: 100%; }
.so-row { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; }
.so-row .widget-button { width: auto; }
@media (max-width: 600px) {
  .so-fit .widget-label { min-width: 88px !important; width: 88px !important; }
  .so-fit .so-field-error { padding-left: 96px; }
}
</style>
"""


def style() -> ipw.HTML:
    """The CSS above as an invisible widget; put it once among a page's children."""
    return ipw.HTML(CSS, layout=ipw.Layout(display="none"))


def table(
    headers: list[tuple[str, str]], rows: list[tuple[str, list[str]]], cls: str, empty: str
) -> str:
    """An HTML table in a sideways-scrolling box. `headers` are (text, css class) pairs;
    `rows` are (row css class, cells), cells HTML made by `cell`; `empty` shows when there
    are no rows."""
    if not rows:
        return f"<p class='so-empty'>{escape(empty)}</p>"
    head = "".join(f"<th class='{c}'>{escape(t)}</th>" for t, c in headers)
    body = "".join(
        f"<tr class='{row_css}'>"
        + "".join(f"<td class='{c}'>{v}</td>" for v, (_t, c) in zip(cells, headers, strict=True))
        + "</tr>"
        for row_css, cells in rows
    )
    return (
        f"<div class='so-scroll'><table class='so-table {cls}'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def cell(value, note: str = "", css: str = "") -> str:
    """One cell's HTML: the value escaped ('—' for nothing), an optional grey note under it."""
    text = "—" if value is None or value == "" else str(value)
    out = f"<span class='{css}'>{escape(text)}</span>" if css else escape(text)
    return out + (f"<br><span class='so-muted'>{escape(note)}</span>" if note else "")


def fit(widget: ipw.DOMWidget, width: str = "420px") -> ipw.DOMWidget:
    """Let an input be `width` wide but never wider than the screen."""
    widget.layout.width = "100%"
    widget.layout.max_width = width
    widget.add_class("so-fit")
    return widget
