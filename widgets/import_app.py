"""The import page: upload a customers or orders file, preview it, check it, then write it.

`ImportApp(preview, run, can_write)` takes data functions (PageData.import_preview,
PageData.import_file), never a database: the upload is saved to a folder of its own (under
its own file name, which the import records), previewed with its column mapping, checked
by a dry run of the same import the CLI runs, and written only when a person whose role
may write (import.write) confirms a check that passed. The importer refuses a write for
anyone else too; the page only hides the button.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import weakref
from html import escape
from pathlib import Path

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import MessageArea, guard, hook, label

FORM = "import"
SHOWN_PROBLEMS = 100  # problems listed on the page; the rest are counted
DOWNLOAD_LIMIT = 20 << 20  # largest rejected-rows file offered as a download (bytes)

messages.add(
    {
        "en": {
            "import.title": "Import",
            "import.kind_orders": "Orders",
            "import.kind_customers": "Customers",
            "import.upload": "Choose file",
            "import.skip_invalid": "Skip invalid rows (import the rest)",
            "import.update": "Update customers already in salesops",
            "import.check": "Check file",
            "import.confirm": "Import",
            "import.hint": "Choose what the file holds, then a .csv (UTF-8 or GB18030) or "
            ".xlsx file; nothing is written until you press Import.",
            "import.staff_note": "You may check files; importing them is for managers.",
            "import.file": "{name} ({encoding}): {used} of {total} columns recognised",
            "import.not_used": "not used",
            "import.unused": "Not used: {headers}",
            "import.first_rows": "First rows",
            "import.field": "Field",
            "import.row": "Row",
            "import.column": "Column",
            "import.value": "Value",
            "import.reason": "Problem",
            "import.more_problems": "… and {n} more problems, not listed here",
            "import.check_ok": "Checked: no problems. Press Import to write it.",
            "import.check_nothing": "Checked: everything in the file is already in salesops.",
            "import.check_bad": "{n} problems found; nothing can be written as it is. Correct "
            "the file, or tick “Skip invalid rows”.",
            "import.check_skip": "Checked: {n} rows would be left out (listed below); press "
            "Import to write the rest.",
            "import.writing": "Writing…",
            "import.done": "Imported in one transaction (import #{id}).",
            "import.not_done": "Nothing was written: {n} problems found while writing.",
            "import.rejected_link": "Download the {n} rows left out, with their reasons",
        },
        "zh_CN": {
            "import.title": "导入",
            "import.kind_orders": "订单",
            "import.kind_customers": "客户",
            "import.upload": "选择文件",
            "import.skip_invalid": "跳过有错误的行（导入其余行）",
            "import.update": "更新已有客户",
            "import.check": "检查文件",
            "import.confirm": "导入",
            "import.hint": "先选择文件内容，再选择 .csv（UTF-8 或 GB18030）或 .xlsx 文件；"
            "按“导入”之前不会写入任何数据。",
            "import.staff_note": "您可以检查文件；导入数据需要经理操作。",
            "import.file": "{name}（{encoding}）：识别 {used}/{total} 列",
            "import.not_used": "不导入",
            "import.unused": "不导入的列：{headers}",
            "import.first_rows": "前几行",
            "import.field": "字段",
            "import.row": "行",
            "import.column": "列",
            "import.value": "值",
            "import.reason": "问题",
            "import.more_problems": "……另有 {n} 个问题未列出",
            "import.check_ok": "检查完毕：没有问题。按“导入”写入。",
            "import.check_nothing": "检查完毕：文件中的记录都已存在。",
            "import.check_bad": "发现 {n} 个问题，文件不能按原样写入。请修改文件，"
            "或勾选“跳过有错误的行”。",
            "import.check_skip": "检查完毕：将跳过 {n} 行（见下表）；按“导入”写入其余行。",
            "import.writing": "正在写入…",
            "import.done": "已在一个事务中导入（导入 #{id}）。",
            "import.not_done": "未写入任何数据：写入时发现 {n} 个问题。",
            "import.rejected_link": "下载未导入的 {n} 行及原因",
        },
    }
)


def html_table(head: list[str], rows: list[list[str]], cls: str, head2=None) -> str:
    """An HTML table of already-escaped cells, with an optional second header row."""

    def tr(cells, tag):
        return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"

    heads = tr(head, "th") + (tr(head2, "th") if head2 else "")
    body = "".join(tr(r, "td") for r in rows)
    table = f"<table class='so-table {cls}'><thead>{heads}</thead><tbody>{body}</tbody></table>"
    return f"<div style='overflow-x:auto;max-width:100%'>{table}</div>"  # wide files scroll


def cell(value) -> str:
    """A file's cell as text (blank for empty)."""
    return "" if value is None else escape(str(value))


class ImportApp(ipw.VBox):
    """Kind, upload, options, preview with mapping, check report, confirm with progress.

    `preview(kind, path)` gives a salesops.importer.Preview; `run(kind, path, dry_run,
    skip_invalid=, progress=, [update=])` gives an ImportReport; `can_write` shows the
    Import button. `report` is the last report shown. Hooks: so-import-kind, -file,
    -skip-invalid, -update, -check, -confirm, -progress, -mapping, -preview, -problems,
    -summary, -rejected, -message.
    """

    report = traitlets.Any(None)

    @classmethod
    def for_page(cls, data, **kwargs) -> ImportApp:
        """The import page wired to a salesops.web.pagedata.PageData: everyone may check a
        file, the Import button is for roles that may write (import.write)."""
        return cls(
            data.import_preview,
            data.import_file,
            can_write=data.actor.can("import.write"),
            **kwargs,
        )

    def __init__(self, preview, run, can_write: bool, title: bool = True, **kwargs):
        self._preview, self._run, self.can_write = preview, run, can_write
        self._title = title
        self.folder = Path(tempfile.mkdtemp(prefix="salesops-import-"))
        weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        self.path: Path | None = None
        self._build()
        super().__init__(children=self._layout(), **kwargs)
        self.add_class("so-import-app")

    def _build(self) -> None:
        """Create the inputs, buttons and output areas."""
        kinds = [
            (label("import.kind_orders"), "orders"),
            (label("import.kind_customers"), "customers"),
        ]
        self.kind = hook(ipw.ToggleButtons(options=kinds, value="orders"), FORM, "kind")
        self.upload = hook(
            ipw.FileUpload(
                accept=".csv,.xlsx,.txt,.tsv", multiple=False, description=label("import.upload")
            ),
            FORM,
            "file",
        )
        self.upload.layout.width = "auto"
        wide = ipw.Layout(width="auto")
        self.skip_invalid = hook(
            ipw.Checkbox(description=label("import.skip_invalid"), indent=False, layout=wide),
            FORM,
            "skip-invalid",
        )
        self.update = hook(
            ipw.Checkbox(
                description=label("import.update"),
                indent=False,
                layout=ipw.Layout(width="auto", display="none"),
            ),
            FORM,
            "update",
        )
        self.check = hook(
            ipw.Button(description=label("import.check"), disabled=True, icon="check"),
            FORM,
            "check",
        )
        self.confirm = hook(
            ipw.Button(
                description=label("import.confirm"),
                disabled=True,
                button_style="primary",
                icon="upload",
            ),
            FORM,
            "confirm",
        )
        if not self.can_write:
            self.confirm.layout.display = "none"
        self.progress = hook(
            ipw.IntProgress(
                value=0, min=0, max=1, layout=ipw.Layout(width="420px", display="none")
            ),
            FORM,
            "progress",
        )
        self.mapping = hook(ipw.HTML(""), FORM, "mapping")
        self.preview = hook(
            ipw.HTML("", layout=ipw.Layout(width="100%", overflow="auto")), FORM, "preview"
        )
        self.problems = hook(ipw.HTML(""), FORM, "problems")
        self.summary = hook(ipw.HTML(""), FORM, "summary")
        self.rejected = hook(ipw.HTML(""), FORM, "rejected")
        self.message = MessageArea(FORM)
        self.upload.observe(self._on_upload, names="value")
        self.kind.observe(self._on_kind, names="value")
        for box in (self.skip_invalid, self.update):
            box.observe(self._on_option, names="value")
        self.check.on_click(guard(self._on_check, self.message))
        self.confirm.on_click(guard(self._on_confirm, self.message))

    def _layout(self) -> list:
        """The page from top to bottom."""
        hint = ipw.HTML(f"<p class='so-import-hint'>{escape(label('import.hint'))}</p>")
        note = (
            []
            if self.can_write
            else [
                hook(
                    ipw.HTML(f"<p class='so-empty'>{escape(label('import.staff_note'))}</p>"),
                    FORM,
                    "note",
                )
            ]
        )
        centred = ipw.Layout(align_items="center", flex_flow="row wrap")
        top = [ipw.HTML(f"<h2>{escape(label('import.title'))}</h2>")] if self._title else []
        return [
            *top,
            hint,
            ipw.HBox([self.kind, self.upload], layout=centred),
            ipw.HBox([self.skip_invalid, self.update], layout=centred),
            self.mapping,
            self.preview,
            ipw.HBox([self.check, self.confirm, self.progress], layout=centred),
            *note,
            self.message,
            self.summary,
            self.problems,
            self.rejected,
        ]

    # -- choosing the file and options ------------------------------------------------------

    def _on_upload(self, change) -> None:
        """Save the uploaded file under its own name and preview it."""
        files = change["new"]
        if not files:
            return
        upload = files[0]
        name = Path(str(upload.get("name") or "")).name or "upload.csv"
        for old in self.folder.iterdir():  # the previous file and its rejected rows
            old.unlink()
        self.path = self.folder / name
        self.path.write_bytes(bytes(upload["content"]))
        self._reset()
        self.check.disabled = False
        guard(self._show_preview, self.message)()

    def _on_kind(self, change) -> None:
        """Another kind of file: the update option is for customers only; preview again."""
        self.update.layout.display = "" if change["new"] == "customers" else "none"
        self._reset()
        if self.path is not None:
            guard(self._show_preview, self.message)()

    def _on_option(self, _change) -> None:
        """Changed options need a new check before anything is written."""
        self._reset(keep_preview=True)

    def _reset(self, keep_preview: bool = False) -> None:
        """Forget the last check (and the preview unless kept)."""
        self.report = None
        self.confirm.disabled = True
        self.progress.layout.display = "none"
        for area in (self.problems, self.summary, self.rejected):
            area.value = ""
        if not keep_preview:
            self.mapping.value = self.preview.value = ""
        self.message.clear()

    def _show_preview(self) -> None:
        """The file's headers with the field each maps to, and its first rows."""
        p = self._preview(self.kind.value, self.path)
        used = sum(1 for f in p.fields if f)
        line = label(
            "import.file", name=p.file_name, encoding=p.encoding, used=used, total=len(p.headers)
        )
        extra = (
            f"<br>{escape(label('import.unused', headers=', '.join(p.unmapped)))}"
            if p.unmapped
            else ""
        )
        self.mapping.value = f"<p><b>{escape(line)}</b>{extra}</p>"
        fields = [
            f"<span style='color:#1b5e20;white-space:nowrap'>{escape(f)}</span>"
            if f
            else f"<span class='so-empty' style='font-weight:normal;white-space:nowrap'>"
            f"{escape(label('import.not_used'))}</span>"
            for f in p.fields
        ]
        rows = [[str(n), *(cell(v) for v in values)] for n, values in p.rows]
        self.preview.value = f"<h4>{escape(label('import.first_rows'))}</h4>" + html_table(
            [escape(label("import.row")), *map(escape, p.headers)],
            rows,
            "so-import-preview-table",
            [f"<span style='white-space:nowrap'>{escape(label('import.field'))}</span>", *fields],
        )
        if p.missing:
            self.message.error(p.missing)

    # -- checking and writing ---------------------------------------------------------------

    def _options(self) -> dict:
        """The import's options as the page's checkboxes say."""
        options = {"skip_invalid": self.skip_invalid.value}
        if self.kind.value == "customers":
            options["update"] = self.update.value
        return options

    def _on_check(self, _button) -> None:
        """Dry-run the import and show its report; offer Import when it would write."""
        self._reset(keep_preview=True)
        report = self._run(self.kind.value, self.path, dry_run=True, **self._options())
        self._show_report(report)
        if not report.ok:
            self.message.error(label("import.check_bad", n=len(report.problems)))
        elif not report.new_anything:
            self.message.success(label("import.check_nothing"))
        else:
            self.confirm.disabled = not self.can_write
            key = "import.check_skip" if report.problems else "import.check_ok"
            self.message.success(label(key, n=report.rejected_rows))

    def _on_confirm(self, _button) -> None:
        """Write the checked file, with a progress bar; then show what was written."""
        self.confirm.disabled = self.check.disabled = True
        self.progress.value, self.progress.max = 0, 1
        self.progress.layout.display = ""
        self.message.success(label("import.writing"))
        try:
            report = self._run(
                self.kind.value,
                self.path,
                dry_run=False,
                progress=self._on_progress,
                **self._options(),
            )
        finally:
            self.check.disabled = False
        self.progress.value = self.progress.max
        self._show_report(report)
        if report.written:
            self.message.success(label("import.done", id=report.import_id))
        else:
            self.message.error(label("import.not_done", n=len(report.problems)))

    def _on_progress(self, done: int, total: int) -> None:
        """Move the progress bar (called by the import while it writes)."""
        self.progress.max = max(total, 1)
        self.progress.value = min(done, self.progress.max)

    def _show_report(self, report) -> None:
        """Counts and what is (or would be) created; every problem as a table row."""
        self.report = report
        lines = report.lines(limit=None)[len(report.problems) :]
        if report.rejected_path is not None:
            left_out = messages.t(
                "import.rejected", n=report.rejected_rows, path=report.rejected_path
            )
            lines = [line for line in lines if line != left_out]
        self.summary.value = (
            "<ul class='so-import-lines'>"
            + "".join(f"<li>{escape(line)}</li>" for line in lines)
            + "</ul>"
        )
        self.problems.value = self._problems_html(report.problems)
        self.rejected.value = self._rejected_html(report)

    @staticmethod
    def _problems_html(problems) -> str:
        """The first SHOWN_PROBLEMS problems as row / column / value / reason."""
        if not problems:
            return ""
        rows = [
            [str(p.row) if p.row > 1 else "", escape(p.column), cell(p.value), escape(p.reason)]
            for p in problems[:SHOWN_PROBLEMS]
        ]
        head = [escape(label(f"import.{k}")) for k in ("row", "column", "value", "reason")]
        more = len(problems) - SHOWN_PROBLEMS
        tail = (
            f"<p class='so-empty'>{escape(label('import.more_problems', n=more))}</p>"
            if more > 0
            else ""
        )
        return html_table(head, rows, "so-import-problems-table") + tail

    @staticmethod
    def _rejected_html(report) -> str:
        """A download link for FILE.rejected.csv (the rows left out, with reasons)."""
        path = report.rejected_path
        if path is None or not path.is_file() or path.stat().st_size > DOWNLOAD_LIMIT:
            return ""
        payload = base64.b64encode(path.read_bytes()).decode("ascii")
        text = label("import.rejected_link", n=report.rejected_rows)
        return (
            f"<a class='so-import-rejected-link' download='{escape(path.name)}' "
            f"href='data:text/csv;base64,{payload}'>⬇ {escape(text)}</a>"
        )
