"""Bulk shipping on a page: paste or upload lines of `order_no, courier, tracking_no`, see
what each line will do, then ship every valid one in one go."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as ipw
import traitlets

from salesops.messages import add

from .common import MessageArea, guard, hook, label
from .tables import cell, fit, table

add(
    {
        "en": {
            "bulk.paste": "Paste the lines: order number, courier, tracking number (one "
            "parcel a line, as the courier's software or a spreadsheet gives them)",
            "bulk.upload": "Or upload a file",
            "bulk.check": "Check",
            "bulk.ship": "Ship the valid lines",
            "bulk.skip": "Ship the valid lines even when some have problems",
            "bulk.col.row": "Line",
            "bulk.col.order": "Order",
            "bulk.col.courier": "Courier",
            "bulk.col.number": "Tracking no.",
            "bulk.col.state": "What happens",
            "bulk.empty": "Paste some lines or upload a file, then check them.",
            "bulk.file": "File: {name}",
            "bulk.choose": "Choose file",
            "bulk.shipped": "shipped",
        },
        "zh_CN": {
            "bulk.paste": "粘贴发货单：订单号、快递公司、快递单号（一行一个包裹，"
            "可直接从快递软件或表格复制）",
            "bulk.upload": "或上传文件",
            "bulk.check": "检查",
            "bulk.ship": "发出有效的行",
            "bulk.skip": "有问题的行跳过，其余照发",
            "bulk.col.row": "行",
            "bulk.col.order": "订单",
            "bulk.col.courier": "快递公司",
            "bulk.col.number": "快递单号",
            "bulk.col.state": "结果",
            "bulk.empty": "请粘贴发货单或上传文件，然后检查。",
            "bulk.file": "文件：{name}",
            "bulk.choose": "选择文件",
            "bulk.shipped": "已发货",
        },
    }
)
FORM = "bulk"
EXAMPLE = "SO00000042, 顺丰, SF1234567890123"
CSS = """<style>
.so-bulk-preview tr.so-bad td { background: #ffebee; }
.so-bulk-preview tr.so-ok td { background: #f1f8e9; }
.so-bulk-lines textarea { font-family: monospace; }
</style>"""


class BulkShip(ipw.VBox):
    """Paste or upload, check, ship. `shipped` counts the orders shipped by this page.

    Data functions: `check(text=, upload=)` and `ship(text=, upload=, skip_invalid=)`
    (PageData.ship_check / ship): both return {summary, lines: [{row, text, order_no,
    courier, tracking_no, state, message, ok}], ready, problems, written, shipped};
    `upload` is (file name, bytes). Hooks: so-bulk-lines, -file, -check, -skip, -ship,
    -preview (rows so-ok / so-bad, each cell's state so-bulk-state-<state>), -message.
    """

    shipped = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> BulkShip:
        """The form wired to a salesops.web.pagedata.PageData."""
        return cls(check=data.ship_check, ship=data.ship, **kwargs)

    def __init__(self, *, check, ship, **kwargs):
        self._check, self._ship = check, ship
        self._upload: tuple[str, bytes] | None = None
        self.message = MessageArea(FORM)
        self.lines = fit(
            hook(
                ipw.Textarea(rows=6, placeholder="SO00000042, 顺丰, SF1234567890123"), FORM, "lines"
            ),
            "640px",
        )
        self.file = hook(
            ipw.FileUpload(
                accept=".csv,.tsv,.txt,.xlsx", multiple=False, description=label("bulk.choose")
            ),
            FORM,
            "file",
        )
        self.file.layout.width = "auto"
        self.file_name = ipw.HTML("")
        self.check = hook(ipw.Button(description=label("bulk.check"), icon="search"), FORM, "check")
        self.skip = hook(ipw.Checkbox(description=label("bulk.skip"), indent=False), FORM, "skip")
        self.ship = hook(
            ipw.Button(description=label("bulk.ship"), button_style="primary", icon="truck"),
            FORM,
            "ship",
        )
        self.ship.disabled = True
        self.preview = hook(
            ipw.HTML(f"<p class='so-empty'>{label('bulk.empty')}</p>"), FORM, "preview"
        )
        self._wire()
        super().__init__(self._layout(), **kwargs)
        self.add_class("so-bulk")

    def _wire(self) -> None:
        """Inputs and buttons to their handlers."""
        self.file.observe(guard(self._on_file, self.message), names="value")
        self.lines.observe(self._on_change, names="value")
        self.check.on_click(guard(self._on_check, self.message))
        self.ship.on_click(guard(self._on_ship, self.message))

    def _layout(self) -> list[ipw.Widget]:
        """Paste box and file on top, the buttons, the preview under them."""
        return [
            ipw.HTML(CSS, layout=ipw.Layout(display="none")),
            ipw.HTML(f"<div>{html.escape(label('bulk.paste'))}</div>"),
            self.lines,
            ipw.HBox([ipw.HTML(label("bulk.upload")), self.file, self.file_name]),
            ipw.HBox([self.check, self.ship], layout=ipw.Layout(flex_flow="row wrap")),
            self.skip,
            self.message,
            self.preview,
        ]

    def _source(self) -> dict:
        """What to read: the uploaded file when there is one, else the pasted text."""
        return {"upload": self._upload} if self._upload else {"text": self.lines.value}

    def _on_file(self, change) -> None:
        """Keep the uploaded file (it replaces the pasted text) and check it."""
        files = change["new"]
        if not files:
            return
        name = Path(str(files[0].get("name") or "")).name or "lines.csv"
        self._upload = (name, bytes(files[0]["content"]))
        self.file_name.value = html.escape(label("bulk.file", name=name))
        self._on_check()

    def _on_change(self, _change=None) -> None:
        """Typed lines replace an uploaded file; they need checking again before shipping."""
        self._upload = None
        self.file_name.value = ""
        self.ship.disabled = True

    def _on_check(self, _button=None) -> None:
        """Show what each line will do; shipping is offered when some line will ship."""
        report = self._check(**self._source())
        self._show(report)
        self.ship.disabled = report["ready"] == 0
        if report["problems"]:
            self.message.error(report["summary"])
        else:
            self.message.success(report["summary"])

    def _on_ship(self, _button=None) -> None:
        """Ship the valid lines (all or nothing unless skipping is ticked), checked again."""
        report = self._ship(**self._source(), skip_invalid=self.skip.value)
        self._show(report)
        self.ship.disabled = True
        if report["written"]:
            self.shipped += report["shipped"]
            self.message.success(report["summary"])
        else:
            self.message.error(report["summary"])

    def _show(self, report: dict) -> None:
        """The lines as a table: line, order, courier, number, what happens."""
        heads = [
            (label(f"bulk.col.{c}"), "") for c in ("row", "order", "courier", "number", "state")
        ]
        rows = [
            (
                "so-ok" if ln["ok"] else "so-bad",
                [
                    cell(ln["row"]),
                    cell(ln["order_no"] or ln["text"]),
                    cell(ln["courier"]),
                    cell(ln["tracking_no"]),
                    cell(_said(ln, report["written"]), css=f"so-bulk-state-{ln['state']}"),
                ],
            )
            for ln in report["lines"]
        ]
        self.preview.value = table(heads, rows, "so-bulk-preview", label("bulk.empty"))


def _said(line: dict, written: bool) -> str:
    """What happened to a line, its field named as the preview's column is."""
    if written and line["state"] == "ready":
        return label("bulk.shipped")
    message = line["message"]
    for field, column in (("tracking_no", "number"), ("courier", "courier")):
        for colon in (": ", "："):
            if message.startswith(field + colon):
                return label(f"bulk.col.{column}") + colon + message[len(field) + len(colon) :]
    return message
