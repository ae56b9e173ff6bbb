"""The shop's channels (渠道): list them, add one, rename, archive or restore one."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import FieldErrors, MessageArea, choose, guard, hook, label
from .tables import cell, fit, fit_errors, subhead, table

FORM = "channels"

messages.add(
    {
        "en": {
            "channels.col.code": "Code",
            "channels.col.name": "Name",
            "channels.col.name_en": "English name",
            "channels.col.status": "Status",
            "channels.active": "in use",
            "channels.archived": "archived",
            "channels.default": "default for imports",
            "channels.none": "No channels yet: add where your orders come from (朋友圈, 微店…).",
            "channels.name": "New channel",
            "channels.name_hint": "e.g. 朋友圈, 小红书",
            "channels.code": "Code",
            "channels.code_hint": "optional: made from the name",
            "channels.add": "Add channel",
            "channels.pick": "Channel",
            "channels.pick_none": "choose a channel…",
            "channels.new_name": "New name",
            "channels.rename": "Rename",
            "channels.archive": "Archive",
            "channels.restore": "Restore",
            "channels.added": "Added channel {code} {name}.",
            "channels.renamed": "Renamed to {name} (code {code} stays).",
            "channels.archived_done": "Channel {name} archived: its orders keep it.",
            "channels.restored": "Channel {name} is in use again.",
            "channels.add_title": "Add a channel",
            "channels.edit_title": "Rename or archive a channel",
        },
        "zh_CN": {
            "channels.col.code": "代码",
            "channels.col.name": "名称",
            "channels.col.name_en": "英文名",
            "channels.col.status": "状态",
            "channels.active": "使用中",
            "channels.archived": "已归档",
            "channels.default": "导入默认渠道",
            "channels.none": "还没有渠道：请添加订单来源（朋友圈、微店……）。",
            "channels.name": "新渠道",
            "channels.name_hint": "如 朋友圈、小红书",
            "channels.code": "代码",
            "channels.code_hint": "可选：按名称自动生成",
            "channels.add": "添加渠道",
            "channels.pick": "渠道",
            "channels.pick_none": "选择渠道…",
            "channels.new_name": "新名称",
            "channels.rename": "改名",
            "channels.archive": "归档",
            "channels.restore": "恢复",
            "channels.added": "已添加渠道 {code} {name}。",
            "channels.renamed": "已改名为 {name}（代码 {code} 不变）。",
            "channels.archived_done": "渠道 {name} 已归档：原有订单不受影响。",
            "channels.restored": "渠道 {name} 已恢复使用。",
            "channels.add_title": "添加渠道",
            "channels.edit_title": "改名或归档渠道",
        },
    }
)


def channel_rows(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """Table rows: code, name, English name, status (default marked)."""
    out = []
    for r in rows:
        status = label("channels.active" if r["active"] else "channels.archived")
        note = label("channels.default") if r["is_default"] else ""
        css = "so-channel-row" + ("" if r["active"] else " so-archived")
        out.append(
            (css, [cell(r["code"]), cell(r["name"]), cell(r["name_en"]), cell(status, note)])
        )
    return out


class ChannelPanel(ipw.VBox):
    """List, add, rename, archive and restore channels (managers and admins).

    Data functions: `load() -> channels` (id, code, name, name_en, active, version,
    is_default), `add(name, code)`, `rename(id, name, version)`, `archive(id, version)`,
    `restore(id, version)`. `changed` counts changes, for others to reload their choices.
    Hooks: so-channels-table, -name, -code, -add, -pick, -new-name, -rename, -archive,
    -restore, -message.
    """

    changed = traitlets.Int(0)

    def __init__(self, *, load, add, rename, archive, restore, **kwargs):
        self._load, self._add, self._rename = load, add, rename
        self._archive, self._restore = archive, restore
        self._rows: list[dict] = []
        self.table = hook(ipw.HTML(), FORM, "table")

        def text(field, words, hint):
            widget = ipw.Text(description=label(words), placeholder=label(hint))
            widget.style.description_width = "110px"
            return fit(hook(widget, FORM, field))

        self.inputs = {
            "name": text("name", "channels.name", "channels.name_hint"),
            "code": text("code", "channels.code", "channels.code_hint"),
            "new-name": text("new-name", "channels.new_name", "channels.name_hint"),
        }
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.pick = fit(hook(ipw.Dropdown(description=label("channels.pick")), FORM, "pick"))
        self.pick.style.description_width = "110px"
        self.message = MessageArea(FORM)
        self.buttons = {
            name: hook(ipw.Button(description=label(f"channels.{name}")), FORM, name)
            for name in ("add", "rename", "archive", "restore")
        }
        for name, handler in (
            ("add", self._on_add),
            ("rename", self._on_rename),
            ("archive", self._on_archive),
            ("restore", self._on_restore),
        ):
            aliases = {"name": "new-name"} if name == "rename" else None  # the same service field
            self.buttons[name].on_click(
                guard(handler, self.message, self.errors, self.refresh, aliases=aliases)
            )
        self.pick.observe(self._on_pick, names="value")
        b = self.buttons
        edit_row = ipw.HBox([b["rename"], b["archive"], b["restore"]])
        edit_row.add_class("so-row")
        super().__init__(
            children=[
                self.table,
                subhead(label("channels.add_title")),
                self.errors.row("name"),
                self.errors.row("code"),
                b["add"],
                subhead(label("channels.edit_title")),
                self.pick,
                self.errors.row("new-name"),
                edit_row,
                self.message,
            ],
            **kwargs,
        )
        self.add_class("so-channel-panel")
        self.refresh()

    @classmethod
    def for_page(cls, data) -> ChannelPanel:
        """The panel on PageData's channel methods."""
        return cls(
            load=data.channel_list,
            add=data.add_channel,
            rename=data.rename_channel,
            archive=data.archive_channel,
            restore=data.restore_channel,
        )

    def refresh(self) -> None:
        """Read the channels again."""
        self._rows = self._load()
        self.table.value = table(
            [(label(f"channels.col.{c}"), "") for c in ("code", "name", "name_en", "status")],
            channel_rows(self._rows),
            "so-channels-list",
            label("channels.none"),
        )
        chosen = self.pick.value
        self.pick.options = [(label("channels.pick_none"), None)] + [
            (f"{r['name']} ({r['code']})", r["id"]) for r in self._rows
        ]
        choose(self.pick, chosen)  # kept, else the "choose…" line (never a blank box)
        self._on_pick(None)

    def _chosen(self) -> dict | None:
        """The picked channel's row."""
        return next((r for r in self._rows if r["id"] == self.pick.value), None)

    def _on_pick(self, _change) -> None:
        """Show the buttons that apply to the picked channel."""
        row = self._chosen()
        self.inputs["new-name"].value = row["name"] if row else ""
        self.buttons["archive"].layout.display = "" if row and row["active"] else "none"
        self.buttons["restore"].layout.display = "" if row and not row["active"] else "none"
        self.buttons["rename"].disabled = row is None

    def _done(self, key: str, row: dict) -> None:
        """Say what was done, reload the list, tell whoever listens."""
        self.refresh()
        self.message.success(label(key, code=row["code"], name=row["name"]))
        self.changed += 1

    def _on_add(self, _button) -> None:
        """Add the typed channel."""
        row = self._add(self.inputs["name"].value, self.inputs["code"].value)
        self.inputs["name"].value = self.inputs["code"].value = ""
        self._done("channels.added", row)

    def _on_rename(self, _button) -> None:
        """Rename the picked channel."""
        row = self._chosen()
        done = self._rename(row["id"], self.inputs["new-name"].value, row["version"])
        self._done("channels.renamed", done)

    def _on_archive(self, _button) -> None:
        """Archive the picked channel."""
        row = self._chosen()
        self._done("channels.archived_done", self._archive(row["id"], row["version"]))

    def _on_restore(self, _button) -> None:
        """Restore the picked channel."""
        row = self._chosen()
        self._done("channels.restored", self._restore(row["id"], row["version"]))
